package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*instanceDataSource)(nil)

// NewInstanceDataSource returns the l2msg_instance data source.
func NewInstanceDataSource() datasource.DataSource { return &instanceDataSource{} }

type instanceDataSource struct {
	dataSourceBase
}

type instanceDataModel struct {
	ID types.String `tfsdk:"id"`
	instanceSummary
	Webhook       types.Object `tfsdk:"webhook"`
	IncludeAPIKey types.Bool   `tfsdk:"include_apikey"`
	APIKey        types.String `tfsdk:"apikey"`
}

func (d *instanceDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (d *instanceDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := summaryAttributes()
	attrs["instance_name"] = schema.StringAttribute{
		Description: "The name of the instance to read.",
		Required:    true,
		Validators:  instanceNameValidators(),
	}
	attrs["id"] = schema.StringAttribute{Description: "The instance name.", Computed: true}
	attrs["webhook"] = webhookDataAttribute()
	attrs["include_apikey"] = schema.BoolAttribute{
		Description: "Whether to read the instance's own API key into `apikey`. Defaults to `false`.",
		Optional:    true,
	}
	attrs["apikey"] = schema.StringAttribute{
		Description: "The instance's own API key when `include_apikey = true`, else null; for an instance whose key was " +
			"set with `token_wo`, that is the write-only value, now in this data source's state. Sensitive.",
		Computed:  true,
		Sensitive: true,
	}
	resp.Schema = schema.Schema{
		Description: "Reads one WhatsApp instance by name, whoever created it: its connection state, the paired phone's " +
			"profile, its settings and webhook. The attributes have the names and values of the `l2msg_instance` resource.",
		Attributes: attrs,
	}
}

func (d *instanceDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instanceDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = d.masked(ctx)
	name := m.InstanceName.ValueString()
	ri, action, err := readInstance(ctx, d.client, name)
	if err != nil {
		addAPIError(&resp.Diagnostics, action, name, err)
		return
	}
	m.instanceSummary = ri.summary()
	m.ID = m.InstanceName
	m.APIKey = types.StringNull()
	if m.IncludeAPIKey.ValueBool() {
		m.APIKey = optionalString(ri.Token)
	}
	var diags diag.Diagnostics
	m.Webhook, diags = webhookObject(ctx, ri.Webhook)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
