package provider

import (
	"context"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// knownStrings are the values of vs that are set: a model's secrets for
// its secrets method. Null and unknown values hold no secret.
func knownStrings(vs ...types.String) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return out
}

// secretFieldKeys are log field names whose values are secret whatever
// they hold.
var secretFieldKeys = []string{"api_key", "apikey", "token", "headers", "authorization"}

// withMasks returns ctx with the secret field keys and the given secrets
// masked, in every spelling (redaction.go), in the provider's logs and in
// the framework's. Resources get this from their lifecycle wrapper
// (lifecycle.go); data sources, ephemeral resources, list resources and
// actions call it through providerData.masked, which adds the API key.
func withMasks(ctx context.Context, secrets ...string) context.Context {
	return newRedactor(secrets, nil).mask(ctx)
}

// clientLog sends the client's request and retry events to tflog. The
// client calls it with the request's context, which descends from the
// CRUD method's, so the masks of the lifecycle (or withMasks) apply; the
// fields of its error texts, which quote the server, also go through the
// redaction of secret fields (redaction.go).
//
// The client also logs from a goroutine of its own (the deletion poller),
// with the context of the call that started it while that call logs on.
// tflog's masking rewrites, in place, the fields of the logger the context
// holds: each call here logs through a copy of that logger (an empty mask
// list adds nothing but copies it), so no two goroutines share them.
func clientLog(ctx context.Context, level client.LogLevel, msg string, fields map[string]any) {
	ctx = tflog.MaskAllFieldValuesStrings(ctx)
	r := redactorOf(ctx)
	fields = maps.Clone(fields)
	for k, v := range fields {
		if s, ok := v.(string); ok {
			fields[k] = r.redactFields(s)
		}
	}
	if level >= client.LogWarn {
		tflog.Warn(ctx, msg, fields)
		return
	}
	tflog.Debug(ctx, msg, fields)
}
