package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// pusherFieldMax is the column size of appId, key, secret and cluster.
const pusherFieldMax = 100

// pusherStream adds the Pusher app's credentials; its secret has a
// write-only twin.
type pusherStream struct {
	streamModel
	AppID           types.String `tfsdk:"app_id"`
	Key             types.String `tfsdk:"key"`
	Secret          types.String `tfsdk:"secret"`
	SecretWO        types.String `tfsdk:"secret_wo"`
	SecretWOVersion types.Int64  `tfsdk:"secret_wo_version"`
	Cluster         types.String `tfsdk:"cluster"`
	UseTLS          types.Bool   `tfsdk:"use_tls"`
}

func (m *pusherStream) common() *streamModel { return &m.streamModel }

func pusherField(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Description: description + " At most 100 characters. Updated in place.",
		Required:    true,
		Validators:  []validator.String{notBlank(), stringvalidator.UTF8LengthAtMost(pusherFieldMax)},
	}
}

func (*pusherStream) attributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"app_id":  pusherField("The Pusher app's id."),
		"key":     pusherField("The Pusher app's key."),
		"cluster": pusherField("The Pusher app's cluster, such as `mt1` or `eu`."),
		"use_tls": schema.BoolAttribute{
			Description: "Whether the server talks to Pusher over TLS. Defaults to `false`, as on the server. Updated in place.",
			Optional:    true,
			Computed:    true,
			Default:     booldefault.StaticBool(false),
		},
	}
	for name, a := range secretTwinAttributes("secret", "The Pusher app's secret, at most 100 characters; `secret` or `secret_wo` is required. "+
		"The server returns it in clear, so it is never logged or shown. Destroying the resource blanks it on the server",
		notBlank(), stringvalidator.UTF8LengthAtMost(pusherFieldMax)) {
		attrs[name] = a
	}
	return attrs
}

func (*pusherStream) configValidators() []resource.ConfigValidator {
	return append(secretTwinValidators("secret"),
		resourcevalidator.AtLeastOneOf(path.MatchRoot("secret"), path.MatchRoot("secret_wo")))
}

func (m *pusherStream) hidesSecret(ctx context.Context, config tfsdk.Config) (bool, diag.Diagnostics) {
	var version types.Int64
	diags := config.GetAttribute(ctx, path.Root("secret_wo_version"), &version)
	return !version.IsNull(), diags
}

func (m *pusherStream) request(ctx context.Context, config tfsdk.Config, s *client.Stream) diag.Diagnostics {
	secret, diags := secretToSend(ctx, config, m.Secret, "secret")
	s.AppID, s.Key, s.Secret, s.Cluster, s.UseTLS = m.AppID.ValueString(), m.Key.ValueString(), secret, m.Cluster.ValueString(), m.UseTLS.ValueBool()
	return diags
}

func (m *pusherStream) record(s *client.Stream) {
	m.AppID, m.Key, m.Cluster, m.UseTLS = types.StringValue(s.AppID), types.StringValue(s.Key), types.StringValue(s.Cluster), types.BoolValue(s.UseTLS)
	m.Secret = secretFromServer(m.Secret, m.SecretWOVersion, s.Secret)
	m.SecretWO = types.StringNull()
}

// switchOff keeps the app's identity on the server but not its secret:
// the server has no delete, and a destroyed resource should leave no
// credential behind.
func (m *pusherStream) switchOff(s *client.Stream) {
	s.AppID, s.Key, s.Cluster, s.UseTLS = m.AppID.ValueString(), m.Key.ValueString(), m.Cluster.ValueString(), m.UseTLS.ValueBool()
	s.Secret = ""
}
