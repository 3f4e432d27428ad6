package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// The l2msg_instance list resource serves `terraform query` (Terraform
// 1.14+): every instance the key can see, as identities to import, and with
// include_resource as whole l2msg_instance objects, so that
// `terraform query -generate-config-out=…` writes the import and resource
// blocks that adopt an account made in the panel or with curl.

var _ list.ListResourceWithConfigure = (*instanceListResource)(nil)

// NewInstanceListResource returns the l2msg_instance list resource.
func NewInstanceListResource() list.ListResource { return &instanceListResource{} }

// instanceListResource takes the resource's Configure: a list resource is
// configured with the resource's request types.
type instanceListResource struct {
	resourceBase
}

type instanceListModel struct {
	NamePrefix types.String `tfsdk:"name_prefix"`
	Status     types.String `tfsdk:"status"`
}

func (r *instanceListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance"
}

func (r *instanceListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Lists the WhatsApp instances the API key can see, whoever created them, from one request " +
			"(`fetchInstances`), as `l2msg_instance` resources to import. With `include_resource = true`, each result " +
			"also carries the instance's settings and webhook (one more request per instance for the webhook), so " +
			"`terraform query -generate-config-out=FILE` writes configuration that plans with no changes.",
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
		},
	}
}

func (r *instanceListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var m instanceListModel
	if diags := req.Config.Get(ctx, &m); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	ctx = r.masked(ctx)
	all, err := r.client.FetchInstances(ctx)
	if err != nil {
		var diags diag.Diagnostics
		addAPIError(&diags, "list", "", err)
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	found := matchInstances(all, m.NamePrefix.ValueString(), m.Status)
	stream.Results = func(push func(list.ListResult) bool) {
		for i, inst := range found {
			if req.Limit > 0 && int64(i) >= req.Limit {
				return
			}
			if !push(r.result(ctx, req, inst)) {
				return
			}
		}
	}
}

// result is one instance found: its identity, and with include_resource the
// resource as an import would read it.
func (r *instanceListResource) result(ctx context.Context, req list.ListRequest, inst client.Instance) list.ListResult {
	res := req.NewListResult(ctx)
	res.DisplayName = inst.Name
	res.Diagnostics.Append(res.Identity.SetAttribute(ctx, path.Root("instance_name"), inst.Name)...)
	if !req.IncludeResource || res.Diagnostics.HasError() {
		return res
	}
	ri, action, err := completeInstance(ctx, r.client, inst)
	if err != nil {
		addAPIError(&res.Diagnostics, action, inst.Name, err)
		return res
	}
	// An import's starting point: the name in an otherwise null object,
	// which gives every attribute its typed null.
	res.Diagnostics.Append(res.Resource.SetAttribute(ctx, path.Root("instance_name"), inst.Name)...)
	var im instanceModel
	res.Diagnostics.Append(res.Resource.Get(ctx, &im)...)
	if res.Diagnostics.HasError() {
		return res
	}
	ctx = r.masked(ctx, &im)
	res.Diagnostics.Append(im.readFrom(ctx, ri)...)
	res.Diagnostics.Append(res.Resource.Set(ctx, &im)...)
	if res.Diagnostics.HasError() {
		return res
	}
	// `terraform query -json` prints every value of a result, sensitive or
	// not, and the configuration it generates leaves secrets out anyway:
	// the instance's key and the webhook's header values stay null.
	rs, ok := req.ResourceSchema.(rschema.Schema)
	if !ok {
		res.Diagnostics.AddError("Unexpected resource schema", fmt.Sprintf("The list got a %T. This is a bug in the provider; please report it.", req.ResourceSchema))
		return res
	}
	raw, err := schemaFactsOf(rs).withoutSecrets(res.Resource.Raw)
	if err != nil {
		res.Diagnostics.AddError("Could not leave the secrets out of the result", err.Error())
		return res
	}
	res.Resource.Raw = raw
	return res
}
