package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var _ datasource.DataSourceWithConfigure = (*instancesDataSource)(nil)

// NewInstancesDataSource returns the l2msg_instances data source.
func NewInstancesDataSource() datasource.DataSource { return &instancesDataSource{} }

type instancesDataSource struct {
	dataSourceBase
}

type instancesDataModel struct {
	NamePrefix    types.String `tfsdk:"name_prefix"`
	Status        types.String `tfsdk:"status"`
	IncludeAPIKey types.Bool   `tfsdk:"include_apikey"`
	Instances     types.List   `tfsdk:"instances"`
}

type instanceListItem struct {
	instanceSummary
	APIKey types.String `tfsdk:"apikey"`
}

// statuses a filter may ask for; created is what v1 servers report.
var statuses = []string{client.StateOpen, client.StateConnecting, client.StateClose, "created"}

func (d *instancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instances"
}

func instancesAttribute() schema.ListNestedAttribute {
	item := summaryAttributes()
	item["apikey"] = schema.StringAttribute{
		Description: "The instance's own API key when `include_apikey = true`, else null. Sensitive.",
		Computed:    true,
		Sensitive:   true,
	}
	return schema.ListNestedAttribute{
		Description: "The instances, sorted by name. Each has the attributes of the `l2msg_instance` data source " +
			"but the webhook, which the server does not list (read it with the `l2msg_instance` data source). " +
			"Settings are null on servers whose list leaves them out.",
		Computed:     true,
		NestedObject: schema.NestedAttributeObject{Attributes: item},
	}
}

func (d *instancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists the WhatsApp instances the API key can see, whoever created them, in one request.",
		Attributes: map[string]schema.Attribute{
			"name_prefix": schema.StringAttribute{
				Description: "Only list instances whose name starts with this text (case-sensitive). Defaults to every name.",
				Optional:    true,
			},
			"status": schema.StringAttribute{
				Description: "Only list instances in this connection state: one of `" + strings.Join(statuses, "`, `") +
					"`. Defaults to every state.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(statuses...)},
			},
			"include_apikey": schema.BoolAttribute{
				Description: "Whether to fill each instance's `apikey`. Defaults to `false`.",
				Optional:    true,
			},
			"instances": instancesAttribute(),
		},
	}
}

func (d *instancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m instancesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = d.masked(ctx)
	all, err := d.client.FetchInstances(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "list", "", err)
		return
	}
	items := []instanceListItem{}
	for _, inst := range matchInstances(all, m.NamePrefix.ValueString(), m.Status) {
		item := instanceListItem{instanceSummary: newInstanceSummary(inst, inst.Settings), APIKey: types.StringNull()}
		if m.IncludeAPIKey.ValueBool() {
			item.APIKey = optionalString(inst.Token)
		}
		items = append(items, item)
	}
	list, diags := types.ListValueFrom(ctx, instancesAttribute().NestedObject.Type(), items)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Instances = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
