package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var _ ephemeral.EphemeralResourceWithConfigure = (*instanceConnectEphemeral)(nil)

// NewInstanceConnectEphemeralResource returns the l2msg_instance_connect
// ephemeral resource: a pairing challenge that Terraform never stores.
func NewInstanceConnectEphemeralResource() ephemeral.EphemeralResource {
	return &instanceConnectEphemeral{}
}

type instanceConnectEphemeral struct {
	ephemeralBase
}

type instanceConnectModel struct {
	InstanceName types.String `tfsdk:"instance_name"`
	Number       types.String `tfsdk:"number"`
	State        types.String `tfsdk:"state"`
	Code         types.String `tfsdk:"code"`
	Base64       types.String `tfsdk:"base64"`
	PairingCode  types.String `tfsdk:"pairing_code"`
}

func (e *instanceConnectEphemeral) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_instance_connect"
}

func (e *instanceConnectEphemeral) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	secret := func(description string) schema.StringAttribute {
		return schema.StringAttribute{Description: description + " Sensitive.", Computed: true, Sensitive: true}
	}
	resp.Schema = schema.Schema{
		Description: "Starts pairing a phone with an instance and returns the challenge (a QR code, or a pairing code " +
			"when `number` is set) without storing it in plan or state. Terraform opens it " +
			"during plan when its arguments are known: for an instance created in the same configuration, set " +
			"`instance_name = l2msg_instance.<name>.id` so it is opened during apply, once the instance exists. Opening it " +
			"calls connect, which starts a pairing session on an instance that has none.",
		Attributes: map[string]schema.Attribute{
			"instance_name": schema.StringAttribute{
				Description: "The instance to pair. Reference the resource (`l2msg_instance.<name>.id`) rather than " +
					"repeating the name, so that a plan that creates the instance does not try to pair it yet.",
				Required:   true,
				Validators: instanceNameValidators(),
			},
			"number": schema.StringAttribute{
				Description: "The phone number to pair, digits only with the country code first (`5511999999999`), to get a " +
					"`pairing_code` to type on that phone instead of scanning a QR code. The server only makes one when it " +
					"starts a pairing session: an instance already showing a QR code keeps it.",
				Optional:   true,
				Validators: numberValidators(),
			},
			"state": schema.StringAttribute{
				Description: "`open` when a phone is already paired (then there is no challenge), else `connecting`.",
				Computed:    true,
			},
			"code":   secret("The QR code's text: draw it with `provider::l2msg::qr_text`. Null when `state` is `open`."),
			"base64": secret("The QR code as a PNG data URI (`data:image/png;base64,…`). Null when `state` is `open`."),
			"pairing_code": secret("The code to type on the phone (WhatsApp > Linked devices > Link with phone number) " +
				"when `number` is set. Null otherwise, and when `state` is `open`."),
		},
	}
}

func (e *instanceConnectEphemeral) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m instanceConnectModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = e.masked(ctx)
	name := m.InstanceName.ValueString()
	res, err := e.client.Connect(ctx, name, m.Number.ValueString())
	if client.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("instance_name"), fmt.Sprintf("Instance %q does not exist", name),
			fmt.Sprintf("The server has no instance %q to pair. If this configuration creates it, reference the resource "+
				"instead of repeating its name, for example instance_name = l2msg_instance.<name>.id: that value is "+
				"only known once the instance exists, so Terraform opens this ephemeral resource during apply "+
				"rather than during plan.\n\n%s", name, err))
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "start pairing", name, err)
		return
	}

	m.State = types.StringValue(client.StateConnecting)
	m.Code, m.Base64, m.PairingCode = types.StringNull(), types.StringNull(), types.StringNull()
	switch {
	case res.State == client.StateOpen:
		m.State = types.StringValue(client.StateOpen)
		tflog.Info(ctx, "l2msg instance already paired; no pairing challenge", map[string]any{"instance_name": name})
	case res.QRCode != nil:
		m.Code = optionalString(res.QRCode.Code)
		m.Base64 = optionalString(res.QRCode.Base64)
		m.PairingCode = optionalString(res.QRCode.PairingCode)
	}
	if !m.Number.IsNull() && m.PairingCode.IsNull() && res.State != client.StateOpen {
		resp.Diagnostics.AddAttributeWarning(path.Root("number"), "No pairing code",
			fmt.Sprintf("Instance %q was already showing a QR code (it was created with qrcode = true, or pairing had "+
				"started), so the server did not make a pairing code for number. Scan the QR code, or log the "+
				"instance out and open this again.", name))
	}
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}
