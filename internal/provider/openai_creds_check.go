package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// checkOpenAICreds refuses, before anything is sent, an openai_creds_id
// that is not a credential of the instance. The server checks only that
// the credential exists somewhere: an unknown id fails its write with a
// bare 500 ("Error setting default settings", "Error creating Openai")
// that names nothing, and another instance's credential is accepted, so
// the bot or the defaults would die with a credential the instance does
// not own. The id is usually unknown at plan (it comes from a credential
// created in the same apply), so the check runs at apply, on the
// instance's own list. Kinds without the attribute pass.
func checkOpenAICreds(ctx context.Context, c *client.Client, kind *botKind, name string, v botValues, diags *diag.Diagnostics) bool {
	if kind != openaiKind {
		return true
	}
	id := stringOf(v["openai_creds_id"])
	if id == "" {
		return true // null or unknown: the schema's Required says so
	}
	creds, err := c.ListOpenAICreds(ctx, name)
	if err != nil {
		diags.AddError(fmt.Sprintf("Could not read the OpenAI credentials of instance %q", name), describeChatbotError(kind, err))
		return false
	}
	if slices.ContainsFunc(creds, func(cr client.OpenAICreds) bool { return cr.ID == id }) {
		return true
	}
	have := "it has none"
	if len(creds) > 0 {
		names := make([]string, len(creds))
		for i, cr := range creds {
			names[i] = fmt.Sprintf("%q (%s)", cr.ID, cr.Name)
		}
		have = "its credentials are " + strings.Join(names, ", ")
	}
	diags.AddAttributeError(path.Root("openai_creds_id"), "Unknown OpenAI credential",
		fmt.Sprintf("openai_creds_id %q is not an OpenAI credential of instance %q (%s); nothing was sent. "+
			"Use the id of a credential of the same instance, for example l2msg_openai_credential.<name>.id with the "+
			"credential's instance_name set to this instance: a credential of another instance is refused.", id, name, have))
	return false
}
