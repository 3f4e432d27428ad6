package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// pairingPollMax caps the backoff between connectionState polls while
// waiting for a phone: a person scanning a code notices seconds, not less.
const pairingPollMax = 5 * time.Second

type pairingModel struct {
	WaitForConnection types.String `tfsdk:"wait_for_connection"`
	PairingCode       types.String `tfsdk:"pairing_code"`
	QRCodeCode        types.String `tfsdk:"qrcode_code"`
	QRCodeBase64      types.String `tfsdk:"qrcode_base64"`
}

const shortLived = " Short-lived: WhatsApp rotates the code within a minute or so and it is kept from the create answer, never " +
	"fetched again, so it is only useful right after the apply that created the instance. For a fresh one, use the " +
	"`l2msg_instance_connect` ephemeral resource. Sensitive."

func createAnswerAttribute(description string) schema.StringAttribute {
	return schema.StringAttribute{
		Description:   description + shortLived,
		Computed:      true,
		Sensitive:     true,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

func pairingAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"wait_for_connection": schema.StringAttribute{
			Description: "How long the create waits for a phone to pair, as a duration such as `30s`, `5m` or `1h`. " +
				"Defaults to not waiting. The wait ends early when the instance reports `open`; when it runs out, the apply " +
				"fails and the instance stays in state, marked tainted, so the next apply replaces it (showing a fresh QR code) " +
				"unless you run `terraform untaint`. Bounded by `timeouts.create` (default 5m). Only used at create time. " +
				"Terraform shows nothing of this apply until the wait ends, outputs included, so the QR or pairing code must " +
				"reach the phone's owner another way: the webhook's `QRCODE_UPDATED` events, or the l2msg dashboard.",
			Optional:   true,
			Validators: []validator.String{positiveDuration()},
		},
		"pairing_code": createAnswerAttribute("The code to type on the phone (WhatsApp > Linked devices > Link with phone number) " +
			"when the instance was created with `qrcode = true` and a `number`; null otherwise."),
		"qrcode_code": createAnswerAttribute("The QR code's text from the create answer when `qrcode = true`, for " +
			"`provider::l2msg::qr_text` to draw it in a terminal; null otherwise."),
		"qrcode_base64": createAnswerAttribute("The QR code from the create answer as a PNG data URI " +
			"(`data:image/png;base64,…`) when `qrcode = true`; null otherwise."),
	}
}

// setQRCode records the pairing challenge of the create answer.
func (m *pairingModel) setQRCode(qr *client.QRCode) {
	m.PairingCode, m.QRCodeCode, m.QRCodeBase64 = types.StringNull(), types.StringNull(), types.StringNull()
	if qr != nil {
		m.PairingCode = optionalString(qr.PairingCode)
		m.QRCodeCode = optionalString(qr.Code)
		m.QRCodeBase64 = optionalString(qr.Base64)
	}
}

// awaitPairing waits, when wait_for_connection asks for it, until a phone
// has paired with the new instance, and records the state it saw last. It
// reports whether the create may finish without error.
func (r *instanceResource) awaitPairing(ctx context.Context, m *instanceModel, diags *diag.Diagnostics) bool {
	if m.WaitForConnection.IsNull() || m.WaitForConnection.IsUnknown() {
		return true
	}
	wait, err := time.ParseDuration(m.WaitForConnection.ValueString())
	if err != nil { // validated at plan; a value known only at apply lands here
		diags.AddAttributeError(path.Root("wait_for_connection"), "Invalid wait_for_connection", fmt.Sprintf("Attribute wait_for_connection: %s.", err))
		return false
	}
	name := m.InstanceName.ValueString()
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	tflog.Info(ctx, "waiting for a phone to pair with the l2msg instance", map[string]any{"instance_name": name, "wait": wait.String()})
	last, err := r.client.WaitForState(waitCtx, name, client.StateOpen, pairingPollMax)
	if last != "" {
		m.Status = types.StringValue(last)
	}
	switch {
	case err == nil:
		return true
	case ctx.Err() != nil:
		diags.AddError(fmt.Sprintf("Instance %q not paired before timeouts.create", name),
			fmt.Sprintf("The create timeout ended before wait_for_connection (%s) did; the instance's last state was %q. "+
				"Raise timeouts.create above wait_for_connection. %s", wait, last, taintAdvice))
	case waitCtx.Err() != nil:
		diags.AddError(fmt.Sprintf("No phone paired with instance %q within %s", name, wait),
			fmt.Sprintf("wait_for_connection ran out while the instance's state was %q. Pair a phone sooner, or raise "+
				"wait_for_connection. %s", last, taintAdvice))
	default:
		addAPIError(diags, "wait for a phone to pair with", name, err)
	}
	return false
}

const taintAdvice = "The instance was created and is kept in state, marked tainted: the next apply replaces it, which " +
	"shows a fresh QR code. To keep it instead, run `terraform untaint` with this resource's address (for example " +
	"terraform untaint l2msg_instance.main) and pair it with the l2msg_instance_connect ephemeral resource."

// waitNeedsPairing warns when wait_for_connection waits for a phone that
// cannot pair: a Baileys instance created without qrcode starts no pairing
// session, so only something outside this apply (the l2msg dashboard) could
// start one.
type waitNeedsPairing struct{}

func (waitNeedsPairing) Description(context.Context) string {
	return "wait_for_connection on a WHATSAPP-BAILEYS instance needs qrcode = true"
}

func (v waitNeedsPairing) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (waitNeedsPairing) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var wait, integration types.String
	var qrcode types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("wait_for_connection"), &wait)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("integration"), &integration)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("qrcode"), &qrcode)...)
	if resp.Diagnostics.HasError() || wait.IsNull() || qrcode.IsUnknown() || qrcode.ValueBool() {
		return
	}
	if !integration.IsNull() && integration.ValueString() != client.IntegrationBaileys {
		return // API-backed integrations start open
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("wait_for_connection"), "Nothing starts pairing",
		"Attribute wait_for_connection waits for a phone, but without qrcode = true the server starts no pairing "+
			"session at create, so no phone can pair unless something outside this apply starts one (the l2msg "+
			"dashboard). Set qrcode = true.")
}
