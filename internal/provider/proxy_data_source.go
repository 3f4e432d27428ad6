package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*proxyDataSource)(nil)

// NewProxyDataSource returns the l2msg_instance_proxy data source.
func NewProxyDataSource() datasource.DataSource { return &proxyDataSource{} }

type proxyDataSource struct {
	dataSourceBase
}

type proxyDataModel struct {
	ID           types.String `tfsdk:"id"`
	InstanceName types.String `tfsdk:"instance_name"`
	InstanceID   types.String `tfsdk:"instance_id"`
	proxyValues
	IncludePassword types.Bool   `tfsdk:"include_password"`
	Password        types.String `tfsdk:"password"`
}

func (m *proxyDataModel) secrets(context.Context) []string {
	return knownStrings(m.Password)
}

func (d *proxyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_proxy"
}

func (d *proxyDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Reads the proxy of an instance, whoever configured it. The attributes have the names and values of the " +
			"`l2msg_instance_proxy` resource. An instance without a proxy reads as `enabled = false` with the other attributes null.",
		Attributes: map[string]schema.Attribute{
			"instance_name": schema.StringAttribute{
				Description: "The name of the instance whose proxy to read.",
				Required:    true,
				Validators:  instanceNameValidators(),
			},
			"id":          schema.StringAttribute{Description: "The instance name.", Computed: true},
			"instance_id": schema.StringAttribute{Description: "The server's id of the instance.", Computed: true},
			"enabled":     schema.BoolAttribute{Description: "Whether the instance connects through the proxy.", Computed: true},
			"host":        schema.StringAttribute{Description: "The proxy's host name or IP address.", Computed: true},
			"port":        schema.Int64Attribute{Description: "The proxy's port (0 when the server holds something that is not a port).", Computed: true},
			"protocol":    schema.StringAttribute{Description: "How the instance talks to the proxy (`http`, `socks5`, …).", Computed: true},
			"username":    schema.StringAttribute{Description: "The user name the proxy asks for; null when none.", Computed: true},
			"include_password": schema.BoolAttribute{
				Description: "Whether to read the proxy's password into `password`. Defaults to `false`.",
				Optional:    true,
			},
			"password": schema.StringAttribute{
				Description: "The proxy's password when `include_password = true`, else null. It is then in this data source's state. Sensitive.",
				Computed:    true,
				Sensitive:   true,
			},
		},
	}
}

func (d *proxyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m proxyDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = d.masked(ctx)
	name := m.InstanceName.ValueString()
	inst, err := d.client.LookupInstance(ctx, name)
	if err != nil {
		addIntegrationError(&resp.Diagnostics, proxyKind, "read", name, err)
		return
	}
	p := inst.Proxy
	if !inst.IntegrationsListed {
		if p, err = d.client.FindProxy(ctx, name); err != nil {
			addIntegrationError(&resp.Diagnostics, proxyKind, "read", name, err)
			return
		}
	}
	m.ID = types.StringValue(name)
	m.InstanceID = types.StringValue(inst.ID)
	m.Password = types.StringNull()
	if p == nil {
		m.proxyValues = proxyValues{Enabled: types.BoolValue(false), Host: types.StringNull(), Port: types.Int64Null(),
			Protocol: types.StringNull(), Username: types.StringNull()}
	} else {
		m.set(*p)
		if m.IncludePassword.ValueBool() {
			m.Password = optionalString(p.Password)
		}
	}
	resp.Diagnostics.Append(resp.State.Set(d.masked(ctx, &m), &m)...)
}
