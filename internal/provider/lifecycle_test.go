package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// resourceCapabilities are the optional interfaces the framework finds by
// type assertion. A resource with one the lifecycle does not forward fails
// TestLifecycleKeepsCapabilities: add it to wrap (lifecycle.go) and here.
var resourceCapabilities = []reflect.Type{
	reflect.TypeFor[resource.ResourceWithConfigure](),
	reflect.TypeFor[resource.ResourceWithConfigValidators](),
	reflect.TypeFor[resource.ResourceWithImportState](),
	reflect.TypeFor[resource.ResourceWithModifyPlan](),
	reflect.TypeFor[resource.ResourceWithMoveState](),
	reflect.TypeFor[resource.ResourceWithUpgradeState](),
	reflect.TypeFor[resource.ResourceWithValidateConfig](),
	reflect.TypeFor[resource.ResourceWithIdentity](),
	reflect.TypeFor[resource.ResourceWithUpgradeIdentity](),
}

// Every resource the provider serves is in a lifecycle, which offers the
// framework exactly the optional behaviour of the resource inside.
func TestLifecycleKeepsCapabilities(t *testing.T) {
	for _, ctor := range New("test")().Resources(context.Background()) {
		r := ctor()
		l, ok := r.(interface{ unwrap() resource.Resource })
		if !ok {
			t.Fatalf("%T is not in a lifecycle: Resources must wrap every resource", r)
		}
		inner := l.unwrap()
		for _, c := range resourceCapabilities {
			if got, want := reflect.TypeOf(r).Implements(c), reflect.TypeOf(inner).Implements(c); got != want {
				t.Errorf("%T: the lifecycle implements %s: %v, the resource: %v", inner, c.Name(), got, want)
			}
		}
	}
	// And every combination wrap knows keeps them too.
	for _, inner := range []resource.Resource{
		&instanceResource{}, &proxyResource{}, &botResource{kind: botKinds[0]}, &botSettingsResource{kind: botKinds[0]},
	} {
		r := wrap(inner, &schemaFacts{})
		for _, c := range resourceCapabilities {
			if reflect.TypeOf(r).Implements(c) != reflect.TypeOf(inner).Implements(c) {
				t.Errorf("wrap(%T) differs on %s", inner, c.Name())
			}
		}
	}
}

// The secrets the lifecycle learns from each schema are those the schema
// served to Terraform marks Sensitive or WriteOnly, at every depth.
func TestLifecycleFindsEverySecretAttribute(t *testing.T) {
	schemas := servedSchemas(t, New("test")())
	for _, ctor := range New("test")().Resources(context.Background()) {
		r := ctor()
		var md resource.MetadataResponse
		r.Metadata(context.Background(), resource.MetadataRequest{ProviderTypeName: "l2msg"}, &md)
		var want []string
		var walk func(prefix string, b *tfprotov6.SchemaBlock)
		var attr func(prefix string, a *tfprotov6.SchemaAttribute)
		attr = func(prefix string, a *tfprotov6.SchemaAttribute) {
			if a.Sensitive || a.WriteOnly {
				want = append(want, prefix+a.Name)
				return
			}
			if a.NestedType != nil {
				for _, na := range a.NestedType.Attributes {
					attr(prefix+a.Name+".", na)
				}
			}
		}
		walk = func(prefix string, b *tfprotov6.SchemaBlock) {
			for _, a := range b.Attributes {
				attr(prefix, a)
			}
			for _, nb := range b.BlockTypes {
				walk(prefix+nb.TypeName+".", nb.Block)
			}
		}
		walk("", schemas["resource "+md.TypeName].Block)
		l := &lifecycle{inner: r.(interface{ unwrap() resource.Resource }).unwrap(), facts: &schemaFacts{}}
		got := slices.Sorted(func(yield func(string) bool) {
			for p := range l.learnSchema(context.Background()).secretPaths {
				if !yield(p) {
					return
				}
			}
		})
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: the lifecycle's secrets are %v, the schema's %v", md.TypeName, got, want)
		}
	}
}

// hostileSecret holds every character an escaping changes.
const hostileSecret = `k3y-"q\b<a>&é✓𝄞'/`

func TestRedactorSpellings(t *testing.T) {
	r := newRedactor([]string{hostileSecret, "short"}, nil)
	goJS := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	js := func(s string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		return strings.TrimSpace(b.String())
	}
	var uni strings.Builder
	for _, u := range utf16Of(hostileSecret) {
		uni.WriteString(`\u` + strings.ToUpper(hexOf(u)))
	}
	for how, text := range map[string]string{
		"raw":             "x " + hostileSecret + " y",
		"Go JSON":         goJS(hostileSecret),
		"JS JSON":         js(hostileSecret),
		"HTML":            html.EscapeString(hostileSecret),
		"HTML of JS JSON": html.EscapeString(js(hostileSecret)),
		"\\u upper case":  uni.String(),
		"Go JSON twice":   goJS(goJS(hostileSecret)),
		"JS JSON twice":   js(js(hostileSecret)),
		// Python's json.dumps: non-ASCII as \uXXXX, the rest as is.
		"ASCII-only JSON": `"k3y-\"q\\b<a>&\u00e9\u2713\ud834\udd1e'/"`,
	} {
		got := r.redact(text)
		if strings.Contains(got, "k3y") || !strings.Contains(got, redactedText) {
			t.Errorf("%s: %s -> %s", how, text, got)
		}
	}
	if got := r.redact("a short story"); got != "a (redacted) story" {
		t.Errorf("got %q", got)
	}
}

func utf16Of(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r > 0xffff {
			r -= 0x10000
			out = append(out, uint16(0xd800+(r>>10)), uint16(0xdc00+(r&0x3ff)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}

func hexOf(u uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[u>>12], digits[u>>8&0xf], digits[u>>4&0xf], digits[u&0xf]})
}

// A secret no one told the redactor about is hidden when it is the value
// of a secret field of an object quoted in a message, however quoted.
func TestRedactorSecretFields(t *testing.T) {
	r := newRedactor(nil, []string{"basic_auth_pass_wo", "headers"})
	for _, text := range []string{
		`{"apiKey":"unknown-1","url":"https://x"}`,
		`{"api_key": "unknown-1"}`,
		`{"APIKEY":"unknown-1"}`,
		`{"basicAuthPass":"unknown-\"1"}`,
		`data: { apiKey: "unknown-1", url: "https://x" }`,
		`{ token: 'unknown-1' }`,
		`password=unknown-1`,
		`"{\"apiKey\":\"unknown-\\\"1\",\"url\":\"https://x\"}"`,
		`{&quot;secret&quot;:&quot;unknown-1&quot;}`,
		`{"url":"https://x","headers":{"authorization":"Bearer unknown-1","x-b":"unknown-2"}}`,
	} {
		got := r.redact(text)
		if strings.Contains(got, "unknown") && !strings.Contains(text, "password=") {
			t.Errorf("%s -> %s", text, got)
		}
		if strings.Contains(text, "https://x") && !strings.Contains(got, "https://x") {
			t.Errorf("%s -> %s: redacted more than the secret", text, got)
		}
	}
	// Fields that only look alike keep their values.
	for _, text := range []string{`{"max_tokens":"12"}`, `{"keyword":"price"}`, `{"tokenizer":"x"}`} {
		if got := r.redact(text); got != text {
			t.Errorf("%s -> %s", text, got)
		}
	}
}

// Diagnostics keep their severity and attribute path.
func TestRedactorDiagnostics(t *testing.T) {
	r := newRedactor([]string{"s3cr3t"}, nil)
	var in diag.Diagnostics
	in.AddAttributeError(path.Root("api_key"), "bad s3cr3t", "detail s3cr3t")
	in.AddWarning("warn", "w s3cr3t")
	in.AddError("clean", "nothing")
	out := r.diagnostics(in)
	if len(out) != 3 || strings.Contains(out[0].Summary()+out[0].Detail()+out[1].Detail(), "s3cr3t") {
		t.Fatalf("%v", out)
	}
	if p, ok := out[0].(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("api_key")) || out[0].Severity() != diag.SeverityError {
		t.Errorf("the first lost its path or severity: %#v", out[0])
	}
	if out[1].Severity() != diag.SeverityWarning || out[2] != in[2] {
		t.Errorf("%#v", out)
	}
}

// echoResource is a resource whose Create logs and fails with its secrets,
// as a resource quoting a server's echo would.
type echoResource struct{ resourceBase }

func (echoResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "l2msg_echo"
}

func (echoResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"name":     schema.StringAttribute{Required: true},
		"token_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true},
		"hook": schema.SingleNestedAttribute{Optional: true, Attributes: map[string]schema.Attribute{
			"headers": schema.MapAttribute{ElementType: types.StringType, Optional: true, Sensitive: true},
		}},
	}}
}

func (echoResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	tflog.Debug(ctx, `sending {"token":"wo-`+`\u003cvalue"}`, map[string]any{"body": `wo-<value and Bearer h"1`})
	resp.Diagnostics.AddAttributeError(path.Root("name"), "Could not create", `server said: wo-\u003cvalue, Bearer h\"1, `+testAPIKey)
}
func (echoResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse)       {}
func (echoResource) Update(context.Context, resource.UpdateRequest, *resource.UpdateResponse) {}
func (echoResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func TestLifecycleMasksLogsAndDiagnostics(t *testing.T) {
	r := wrap(&echoResource{}, &schemaFacts{}).(*lifecycle)
	r.Configure(context.Background(), resource.ConfigureRequest{ProviderData: &providerData{settings: client.Config{APIKey: testAPIKey}}}, &resource.ConfigureResponse{})
	var sr resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(context.Background())
	hookType := typ.(tftypes.Object).AttributeTypes["hook"]
	val := tftypes.NewValue(typ, map[string]tftypes.Value{
		"name":     tftypes.NewValue(tftypes.String, "n"),
		"token_wo": tftypes.NewValue(tftypes.String, "wo-<value"),
		"hook": tftypes.NewValue(hookType, map[string]tftypes.Value{
			"headers": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, map[string]tftypes.Value{
				"authorization": tftypes.NewValue(tftypes.String, `Bearer h"1`),
			}),
		}),
	})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	resp := &resource.CreateResponse{State: tfsdk.State{Schema: sr.Schema}}
	r.Create(ctx, resource.CreateRequest{Plan: tfsdk.Plan{Schema: sr.Schema, Raw: val}, Config: tfsdk.Config{Schema: sr.Schema, Raw: val}}, resp)
	all := logs.String() + resp.Diagnostics[0].Summary() + resp.Diagnostics[0].Detail()
	for _, s := range []string{"wo-", "h\\\"1", "h\"1", testAPIKey} {
		if strings.Contains(all, s) {
			t.Errorf("%q is in:\n%s", s, all)
		}
	}
	if !strings.Contains(logs.String(), "sending") || !strings.Contains(resp.Diagnostics[0].Detail(), "server said") {
		t.Errorf("the log or the diagnostic went missing:\n%s", all)
	}
}

// echoValidated refuses its configuration quoting the write-only value.
type echoValidated struct{ echoResource }

func (echoValidated) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{quotingValidator{}}
}

type quotingValidator struct{}

func (quotingValidator) Description(context.Context) string         { return "quotes" }
func (quotingValidator) MarkdownDescription(context.Context) string { return "quotes" }
func (quotingValidator) ValidateResource(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var v types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("token_wo"), &v)...)
	resp.Diagnostics.AddAttributeError(path.Root("token_wo"), "Invalid token_wo", "got "+v.ValueString())
}

// A configuration validator's diagnostics are redacted too.
func TestLifecycleRedactsConfigValidators(t *testing.T) {
	r := wrap(&echoValidated{}, &schemaFacts{}).(resource.ResourceWithConfigValidators)
	var sr resource.SchemaResponse
	r.Schema(context.Background(), resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(context.Background())
	val := tftypes.NewValue(typ, map[string]tftypes.Value{
		"name":     tftypes.NewValue(tftypes.String, "n"),
		"token_wo": tftypes.NewValue(tftypes.String, "wo-quoted-value"),
		"hook":     tftypes.NewValue(typ.(tftypes.Object).AttributeTypes["hook"], nil),
	})
	var resp resource.ValidateConfigResponse
	for _, v := range r.ConfigValidators(context.Background()) {
		v.ValidateResource(context.Background(), resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: val}}, &resp)
	}
	if len(resp.Diagnostics) != 1 || strings.Contains(resp.Diagnostics[0].Detail(), "wo-quoted") {
		t.Errorf("%v", resp.Diagnostics)
	}
}
