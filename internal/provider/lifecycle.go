package provider

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The one lifecycle path: every resource the provider serves is wrapped in
// a lifecycle by Resources (provider.go), so a resource added to that list
// goes through it without being registered anywhere. For each call the
// framework makes, the wrapper
//   - learns the secrets from the schema (every attribute, nested ones
//     included, that is Sensitive or WriteOnly: every string in its value)
//     and reads their values from the request's plan, configuration and
//     prior state, adding the provider's API key;
//   - masks them, in every spelling (redaction.go), in every log line of
//     the call: the ctx handed to the resource is the one the client logs
//     through;
//   - after the call, rewrites every diagnostic's summary and detail
//     through the same redaction, with the secrets of the new state too
//     (a Read after an import learns the instance's key from the server).
// A resource's own code therefore never masks or redacts.
//
// The framework finds optional behaviour by type assertion, so the wrapper
// must have exactly the optional methods of the resource it wraps: wrap
// picks, among the combinations it knows, the type with the same ones, and
// TestLifecycleKeepsCapabilities fails when a resource has one that wrap
// does not forward.

// lifecycle wraps one resource.
type lifecycle struct {
	inner resource.Resource
	// apiKey is the provider's key, from Configure.
	apiKey string
	facts  *schemaFacts
}

// schemaFacts are what a lifecycle learns from its resource's schema, once
// per resource type: the framework makes a resource for every call.
type schemaFacts struct {
	once sync.Once
	// secretPaths are the secret attributes' paths, attribute names joined
	// with "." (webhook.headers), for every nesting level.
	secretPaths map[string]bool
	// fields are the structural patterns, with this schema's secret
	// attribute names.
	fields []*regexp.Regexp
}

// wrapResources puts every constructor's resource in a lifecycle.
func wrapResources(ctors []func() resource.Resource) []func() resource.Resource {
	out := make([]func() resource.Resource, len(ctors))
	for i, ctor := range ctors {
		facts := &schemaFacts{}
		out[i] = func() resource.Resource { return wrap(ctor(), facts) }
	}
	return out
}

// The optional behaviours a lifecycle forwards, one small type each; wrap
// embeds those the inner resource has.
type (
	withConfigValidators struct {
		l     *lifecycle
		inner resource.ResourceWithConfigValidators
	}
	withValidateConfig struct {
		l     *lifecycle
		inner resource.ResourceWithValidateConfig
	}
	withModifyPlan struct {
		l     *lifecycle
		inner resource.ResourceWithModifyPlan
	}
)

// wrap returns inner in a lifecycle whose type has the same optional
// methods. Every resource has Configure, ImportState and IdentitySchema
// (DESIGN.md, "Adding a resource"), which lifecycle has itself.
func wrap(inner resource.Resource, facts *schemaFacts) resource.Resource {
	l := &lifecycle{inner: inner, facts: facts}
	cvr, cv := inner.(resource.ResourceWithConfigValidators)
	vcr, vc := inner.(resource.ResourceWithValidateConfig)
	mpr, mp := inner.(resource.ResourceWithModifyPlan)
	c, v, m := withConfigValidators{l, cvr}, withValidateConfig{l, vcr}, withModifyPlan{l, mpr}
	switch {
	case cv && vc && mp:
		return &struct {
			*lifecycle
			withConfigValidators
			withValidateConfig
			withModifyPlan
		}{l, c, v, m}
	case cv && vc:
		return &struct {
			*lifecycle
			withConfigValidators
			withValidateConfig
		}{l, c, v}
	case cv && mp:
		return &struct {
			*lifecycle
			withConfigValidators
			withModifyPlan
		}{l, c, m}
	case vc && mp:
		return &struct {
			*lifecycle
			withValidateConfig
			withModifyPlan
		}{l, v, m}
	case cv:
		return &struct {
			*lifecycle
			withConfigValidators
		}{l, c}
	case vc:
		return &struct {
			*lifecycle
			withValidateConfig
		}{l, v}
	case mp:
		return &struct {
			*lifecycle
			withModifyPlan
		}{l, m}
	}
	return l
}

// unwrap is the resource inside, for the tests.
func (l *lifecycle) unwrap() resource.Resource { return l.inner }

// learnSchema reads the inner resource's schema once: which attributes
// are secret.
func (l *lifecycle) learnSchema(ctx context.Context) *schemaFacts {
	f := l.facts
	f.once.Do(func() {
		var resp resource.SchemaResponse
		l.inner.Schema(ctx, resource.SchemaRequest{}, &resp)
		f.learn(resp.Schema)
	})
	return f
}

// schemaFactsOf are the facts of s, for a list resource that returns
// resource objects.
func schemaFactsOf(s schema.Schema) *schemaFacts {
	f := &schemaFacts{}
	f.once.Do(func() { f.learn(s) })
	return f
}

func (f *schemaFacts) learn(s schema.Schema) {
	f.secretPaths = map[string]bool{}
	collectSecretPaths("", s.Attributes, s.Blocks, f.secretPaths)
	var names []string
	for p := range f.secretPaths {
		names = append(names, p[strings.LastIndex(p, ".")+1:])
	}
	slices.Sort(names)
	f.fields = fieldPatterns(names)
}

// withoutSecrets is v with every secret attribute null.
func (f *schemaFacts) withoutSecrets(v tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(v, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsNull() && f.isSecretPath(p) {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
}

// collectSecretPaths adds the paths of the Sensitive and WriteOnly
// attributes among attrs and blocks, and inside them.
func collectSecretPaths(prefix string, attrs map[string]schema.Attribute, blocks map[string]schema.Block, out map[string]bool) {
	for name, a := range attrs {
		p := prefix + name
		if a.IsSensitive() || a.IsWriteOnly() {
			out[p] = true
			continue
		}
		switch n := a.(type) {
		case schema.SingleNestedAttribute:
			collectSecretPaths(p+".", n.Attributes, nil, out)
		case schema.ListNestedAttribute:
			collectSecretPaths(p+".", n.NestedObject.Attributes, nil, out)
		case schema.SetNestedAttribute:
			collectSecretPaths(p+".", n.NestedObject.Attributes, nil, out)
		case schema.MapNestedAttribute:
			collectSecretPaths(p+".", n.NestedObject.Attributes, nil, out)
		}
	}
	for name, b := range blocks {
		p := prefix + name + "."
		switch n := b.(type) {
		case schema.SingleNestedBlock:
			collectSecretPaths(p, n.Attributes, n.Blocks, out)
		case schema.ListNestedBlock:
			collectSecretPaths(p, n.NestedObject.Attributes, n.NestedObject.Blocks, out)
		case schema.SetNestedBlock:
			collectSecretPaths(p, n.NestedObject.Attributes, n.NestedObject.Blocks, out)
		}
	}
}

// secrets are the strings under the secret attributes of values (plan,
// configuration, state: null and unknown parts hold none).
func (f *schemaFacts) secrets(values ...tftypes.Value) []string {
	var out []string
	for _, v := range values {
		if v.Type() == nil {
			continue
		}
		_ = tftypes.Walk(v, func(p *tftypes.AttributePath, v tftypes.Value) (bool, error) {
			if !v.IsKnown() || v.IsNull() {
				return false, nil
			}
			if v.Type().Is(tftypes.String) && f.isSecretPath(p) {
				var s string
				if v.As(&s) == nil && s != "" {
					out = append(out, s)
				}
			}
			return true, nil
		})
	}
	return out
}

// isSecretPath reports whether p is, or is inside, a secret attribute.
func (f *schemaFacts) isSecretPath(p *tftypes.AttributePath) bool {
	var name strings.Builder
	for _, step := range p.Steps() {
		an, ok := step.(tftypes.AttributeName)
		if !ok {
			continue
		}
		if name.Len() > 0 {
			name.WriteByte('.')
		}
		name.WriteString(string(an))
		if f.secretPaths[name.String()] {
			return true
		}
	}
	return false
}

// call is one call of the framework into a resource.
type call struct {
	facts   *schemaFacts
	secrets []string
}

// begin starts a call: the secrets in values and the API key, and ctx
// with them masked.
func (l *lifecycle) begin(ctx context.Context, values ...tftypes.Value) (context.Context, *call) {
	f := l.learnSchema(ctx)
	c := &call{facts: f, secrets: append(f.secrets(values...), l.apiKey)}
	return c.redactor().mask(ctx), c
}

func (c *call) redactor() *redactor {
	return &redactor{spellings: allSpellings(c.secrets), fields: c.facts.fields}
}

// end returns diags redacted, with the secrets the call started with and
// those of the values it produced (a Read after an import learns the
// instance's key from the server).
func (c *call) end(diags diag.Diagnostics, produced ...tftypes.Value) diag.Diagnostics {
	if len(diags) == 0 {
		return diags
	}
	c.secrets = append(c.secrets, c.facts.secrets(produced...)...)
	return c.redactor().diagnostics(diags)
}

func (l *lifecycle) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	l.inner.Metadata(ctx, req, resp)
}

func (l *lifecycle) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	l.inner.Schema(ctx, req, resp)
}

func (l *lifecycle) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if pd, ok := req.ProviderData.(*providerData); ok {
		l.apiKey = pd.settings.APIKey
	}
	if c, ok := l.inner.(resource.ResourceWithConfigure); ok {
		c.Configure(ctx, req, resp)
	}
}

func (l *lifecycle) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, c := l.begin(ctx, req.Plan.Raw, req.Config.Raw)
	l.inner.Create(ctx, req, resp)
	resp.Diagnostics = c.end(resp.Diagnostics, resp.State.Raw)
}

func (l *lifecycle) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, c := l.begin(ctx, req.State.Raw)
	l.inner.Read(ctx, req, resp)
	resp.Diagnostics = c.end(resp.Diagnostics, resp.State.Raw)
}

// Update first lets an import's secrets be adopted (secret_twin.go): after
// an import, state shows no secret, and an update whose secrets are all the
// server's has nothing to send. Every resource with a write-only twin gets
// that from here, whether or not its own Update knows about imports.
func (l *lifecycle) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, c := l.begin(ctx, req.Plan.Raw, req.Config.Raw, req.State.Raw)
	if adoptImportedSecrets(ctx, req, resp) {
		// The resource's own Update, which derives identity from state
		// on its way out, did not run.
		identityAttrsOf(resp.Identity).sync(ctx, resp.Identity, &resp.Diagnostics, &resp.State)
	} else {
		l.inner.Update(ctx, req, resp)
	}
	resp.Diagnostics = c.end(resp.Diagnostics, resp.State.Raw)
}

func (l *lifecycle) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, c := l.begin(ctx, req.State.Raw)
	l.inner.Delete(ctx, req, resp)
	resp.Diagnostics = c.end(resp.Diagnostics)
}

func (l *lifecycle) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ctx, c := l.begin(ctx)
	if i, ok := l.inner.(resource.ResourceWithImportState); ok {
		i.ImportState(ctx, req, resp)
	}
	resp.Diagnostics = c.end(resp.Diagnostics, resp.State.Raw)
}

func (l *lifecycle) IdentitySchema(ctx context.Context, req resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	if i, ok := l.inner.(resource.ResourceWithIdentity); ok {
		i.IdentitySchema(ctx, req, resp)
	}
}

func (w withConfigValidators) ConfigValidators(ctx context.Context) []resource.ConfigValidator {
	inner := w.inner.ConfigValidators(ctx)
	out := make([]resource.ConfigValidator, len(inner))
	for i, v := range inner {
		out[i] = redactingValidator{ConfigValidator: v, l: w.l}
	}
	return out
}

// redactingValidator is a configuration validator whose diagnostics go
// through the redaction of its resource's lifecycle, like the resource's
// own: a message may quote the value it refuses.
type redactingValidator struct {
	resource.ConfigValidator
	l *lifecycle
}

func (v redactingValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	ctx, c := v.l.begin(ctx, req.Config.Raw)
	v.ConfigValidator.ValidateResource(ctx, req, resp)
	resp.Diagnostics = c.end(resp.Diagnostics)
}

func (w withValidateConfig) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	ctx, c := w.l.begin(ctx, req.Config.Raw)
	w.inner.ValidateConfig(ctx, req, resp)
	resp.Diagnostics = c.end(resp.Diagnostics)
}

func (w withModifyPlan) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	ctx, c := w.l.begin(ctx, req.Plan.Raw, req.Config.Raw, req.State.Raw)
	w.inner.ModifyPlan(ctx, req, resp)
	resp.Diagnostics = c.end(resp.Diagnostics)
}
