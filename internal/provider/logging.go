package provider

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// secretFieldKeys are log field names whose values are secret whatever
// they hold.
var secretFieldKeys = []string{"api_key", "apikey", "token", "headers", "authorization"}

// withMasks returns ctx with every secret this call can know masked in the
// provider's logs and in the framework's: the global API key, the
// instance's own key and the webhook's header values. Every CRUD method
// starts with it, so a log line added later is masked without thought.
func withMasks(ctx context.Context, c *client.Client, models ...*instanceModel) context.Context {
	var secrets []string
	if c != nil {
		secrets = append(secrets, c.APIKey())
	}
	for _, m := range models {
		if m != nil {
			secrets = append(secrets, m.secrets(ctx)...)
		}
	}
	secrets = slices.DeleteFunc(secrets, func(s string) bool { return s == "" })

	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	ctx = tfsdklog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	if len(secrets) > 0 {
		ctx = tflog.MaskLogStrings(ctx, secrets...)
		ctx = tfsdklog.MaskLogStrings(ctx, secrets...)
	}
	return ctx
}

// clientLog sends the client's request and retry events to tflog. The
// client calls it with the request's context, which descends from the
// CRUD method's, so the masks of withMasks apply.
func clientLog(ctx context.Context, level client.LogLevel, msg string, fields map[string]any) {
	if level >= client.LogWarn {
		tflog.Warn(ctx, msg, fields)
		return
	}
	tflog.Debug(ctx, msg, fields)
}
