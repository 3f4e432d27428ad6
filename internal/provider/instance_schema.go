package provider

import (
	"context"
	"maps"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

var (
	// instanceNamePattern: the name is a path segment on every route, and a
	// slash would also make the import ID ambiguous.
	instanceNamePattern = regexp.MustCompile(`^[^/]+$`)
	// numberPattern: the server wants digits first (`+55…` is refused); we
	// ask for only digits so a typo fails at plan, not at apply.
	numberPattern = regexp.MustCompile(`^[0-9]{6,20}$`)
)

func boolSetting(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		Description: description + " Defaults to `false`. Updated in place.",
		Optional:    true,
		Computed:    true,
		Default:     booldefault.StaticBool(false),
	}
}

func (r *instanceResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "A WhatsApp instance (one phone number) on l2msg or an Evolution API server, " +
			"with its call/read settings and webhook. Changing `instance_name`, `integration` or `number` " +
			"replaces the instance; settings and the webhook are updated in place.\n\n" +
			"Creating never makes a second instance or leaves one Terraform does not know. Before creating, the provider " +
			"checks that `instance_name` is free; if an instance of that name exists, the apply stops with an error that " +
			"shows how to `terraform import` it. A create is not retried blindly: when it fails in a way that leaves the " +
			"outcome unknown (a timeout, a 5xx answer, a dropped connection), the provider looks the name up. If the " +
			"instance exists, it is adopted into state and its settings and webhook are applied; if not, the create is " +
			"sent again, at most `max_retries` times. If even the look-up fails, the name is recorded in state as " +
			"tainted, so the next apply finds the instance and replaces it, or creates it.\n\n" +
			"State is saved after each step of a create or an update (the instance, then its webhook; the settings, then " +
			"the webhook), so a failure part-way leaves state that matches the server: a half-made instance is kept, " +
			"tainted, and replaced by the next apply; a half-done update is finished by the next apply.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Description:   "The instance name; also the import ID.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"instance_name": schema.StringAttribute{
				Description: "The instance's unique name. Must not be empty or contain `/`. Changing it replaces the instance.",
				Required:    true,
				Validators: []validator.String{
					stringvalidator.LengthBetween(1, 255),
					stringvalidator.RegexMatches(instanceNamePattern, "must not contain a slash (/)"),
					notBlank(),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"integration": schema.StringAttribute{
				Description: "The WhatsApp integration: one of `" + strings.Join(client.Integrations, "`, `") +
					"`. Defaults to `" + client.IntegrationBaileys + "`. `WHATSAPP-BUSINESS` needs `number` and `token` (or `token_wo`). Changing it replaces the instance.",
				Optional:      true,
				Computed:      true,
				Default:       stringdefault.StaticString(client.IntegrationBaileys),
				Validators:    []validator.String{stringvalidator.OneOf(client.Integrations...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"number": schema.StringAttribute{
				Description: "The phone number that owns the instance, digits only with the country code first " +
					"and no `+` (for example `5511999999999`). Changing it replaces the instance.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.RegexMatches(numberPattern, "must be 6 to 20 digits, country code first, without + or spaces (for example 5511999999999)"),
				},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"qrcode": schema.BoolAttribute{
				Description: "Whether the server generates a QR code right after creation, into `qrcode_code` and `qrcode_base64` " +
					"(and `pairing_code` with a `number`). Defaults to `false`. " +
					"Only used at create time: changing it later touches nothing on the server.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"reject_call": boolSetting("Reject WhatsApp calls automatically."),
			"msg_call": schema.StringAttribute{
				Description: "The message sent when a call is rejected automatically, at most 4096 characters (WhatsApp's limit for a text message). " +
					"Defaults to `\"\"`. Updated in place.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.LengthAtMost(4096)},
			},
			"groups_ignore":     boolSetting("Ignore group messages."),
			"always_online":     boolSetting("Keep WhatsApp always online."),
			"read_messages":     boolSetting("Send read receipts for received messages."),
			"read_status":       boolSetting("Show the read status of sent messages."),
			"sync_full_history": boolSetting("Synchronize the full WhatsApp history."),
			"webhook":           webhookSchema(),
			"instance_id": schema.StringAttribute{
				Description:   "The server's unique identifier (a UUID) for the instance.",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"status": schema.StringAttribute{
				Description: "The connection state as the server reports it: `created` (older servers), `close`, " +
					"`connecting` or `open` (a phone is paired).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"apikey": schema.StringAttribute{
				Description: "The instance's own API key, which works on every route of this instance only. Null when the key " +
					"was set with `token_wo`, since it is that write-only value. Sensitive.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Update: true, Delete: true}),
		},
	}
	maps.Copy(resp.Schema.Attributes, tokenAttributes())
	maps.Copy(resp.Schema.Attributes, pairingAttributes())
}

func webhookSchema() schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		Description: "The webhook that receives the instance's events. Updated in place; removing the block turns the server's webhook off " +
			"(the server has no way to delete one).",
		Optional: true,
		Attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				Description: "The http:// or https:// URL that receives the events.",
				Required:    true,
				Validators:  []validator.String{httpURL()},
			},
			"enabled": schema.BoolAttribute{
				Description: "Whether the webhook sends events. Defaults to `true`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(true),
			},
			"by_events": schema.BoolAttribute{
				Description: "Send each event to its own path under `url` (for example `/messages-upsert`). Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"base64": schema.BoolAttribute{
				Description: "Send media as base64 in the payload when available. Defaults to `false`.",
				Optional:    true,
				Computed:    true,
				Default:     booldefault.StaticBool(false),
			},
			"headers": schema.MapAttribute{
				Description: "HTTP headers sent with every webhook call, such as an `authorization` token. Sensitive.",
				ElementType: types.StringType,
				Optional:    true,
				Sensitive:   true,
			},
			"events": schema.SetAttribute{
				Description: "The events to send. Leave it out for every event, as the server reports it; when set, " +
					"at least one of: " + "`" + strings.Join(client.Events, "`, `") + "`.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Validators: []validator.Set{
					setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(stringvalidator.OneOf(client.Events...)),
				},
				PlanModifiers: []planmodifier.Set{allEventsWhenOmitted()},
			},
		},
	}
}
