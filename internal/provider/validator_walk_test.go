package provider

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	fwaction "github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// The validator walks. sensitivity_test.go reads the schemas as Terraform
// does, through the protocol, where validators are gone; the walks here
// read the framework's own schemas, from the provider's own lists, so a
// resource added later is checked without being named.

// walkedAttribute is one attribute of a served schema, nested ones
// included, with the validators the framework runs on it.
type walkedAttribute struct {
	id          string // "resource l2msg_instance webhook.url"
	description string
	attr        any // the framework's attribute value
}

// stringValidators are an attribute's validators that judge a string, or
// a collection of strings, with a function to run each on one string.
type checkedValidator struct {
	description string
	// check runs the validator on a value holding s (the string, or a
	// collection with s as its only element) and returns its errors.
	check func(s string) []string
}

func (a walkedAttribute) validators(ctx context.Context) []checkedValidator {
	var out []checkedValidator
	p := path.Root("x")
	if v, ok := a.attr.(interface{ StringValidators() []validator.String }); ok {
		for _, sv := range v.StringValidators() {
			out = append(out, checkedValidator{sv.Description(ctx), func(s string) []string {
				var resp validator.StringResponse
				sv.ValidateString(ctx, validator.StringRequest{Path: p, ConfigValue: types.StringValue(s)}, &resp)
				return errorTexts(resp.Diagnostics.Errors())
			}})
		}
	}
	elemIsString := func(t attr.Type) bool { return t != nil && t.Equal(types.StringType) }
	if v, ok := a.attr.(interface {
		ListValidators() []validator.List
		GetType() attr.Type
	}); ok {
		if lt, ok := v.GetType().(types.ListType); ok && elemIsString(lt.ElemType) {
			for _, lv := range v.ListValidators() {
				out = append(out, checkedValidator{lv.Description(ctx), func(s string) []string {
					var resp validator.ListResponse
					lv.ValidateList(ctx, validator.ListRequest{Path: p, ConfigValue: types.ListValueMust(types.StringType, []attr.Value{types.StringValue(s)})}, &resp)
					return errorTexts(resp.Diagnostics.Errors())
				}})
			}
		}
	}
	if v, ok := a.attr.(interface {
		SetValidators() []validator.Set
		GetType() attr.Type
	}); ok {
		if st, ok := v.GetType().(types.SetType); ok && elemIsString(st.ElemType) {
			for _, sv := range v.SetValidators() {
				out = append(out, checkedValidator{sv.Description(ctx), func(s string) []string {
					var resp validator.SetResponse
					sv.ValidateSet(ctx, validator.SetRequest{Path: p, ConfigValue: types.SetValueMust(types.StringType, []attr.Value{types.StringValue(s)})}, &resp)
					return errorTexts(resp.Diagnostics.Errors())
				}})
			}
		}
	}
	if v, ok := a.attr.(interface {
		MapValidators() []validator.Map
		GetType() attr.Type
	}); ok {
		if mt, ok := v.GetType().(types.MapType); ok && elemIsString(mt.ElemType) {
			for _, mv := range v.MapValidators() {
				out = append(out, checkedValidator{mv.Description(ctx), func(s string) []string {
					var resp validator.MapResponse
					mv.ValidateMap(ctx, validator.MapRequest{Path: p, ConfigValue: types.MapValueMust(types.StringType, map[string]attr.Value{"k": types.StringValue(s)})}, &resp)
					return errorTexts(resp.Diagnostics.Errors())
				}})
			}
		}
	}
	return out
}

func errorTexts[D interface {
	Summary() string
	Detail() string
}](diags []D) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return out
}

// servedFrameworkSchemas returns the framework schema of everything the
// provider registers, keyed as servedSchemas keys them.
func servedFrameworkSchemas(t *testing.T) map[string]any {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	out := map[string]any{}
	var presp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &presp)
	out["provider l2msg"] = presp.Schema
	name := func(kind string, meta func(string) string) string { return kind + " " + meta("l2msg") }
	for _, nr := range p.Resources(ctx) {
		r := nr()
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		out[name("resource", func(pn string) string {
			var m resource.MetadataResponse
			r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: pn}, &m)
			return m.TypeName
		})] = resp.Schema
	}
	for _, nd := range p.DataSources(ctx) {
		d := nd()
		var resp datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &resp)
		out[name("data", func(pn string) string {
			var m datasource.MetadataResponse
			d.Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: pn}, &m)
			return m.TypeName
		})] = resp.Schema
	}
	if pe, ok := p.(provider.ProviderWithEphemeralResources); ok {
		for _, ne := range pe.EphemeralResources(ctx) {
			e := ne()
			var resp ephemeral.SchemaResponse
			e.Schema(ctx, ephemeral.SchemaRequest{}, &resp)
			out[name("ephemeral", func(pn string) string {
				var m ephemeral.MetadataResponse
				e.Metadata(ctx, ephemeral.MetadataRequest{ProviderTypeName: pn}, &m)
				return m.TypeName
			})] = resp.Schema
		}
	}
	if pl, ok := p.(provider.ProviderWithListResources); ok {
		for _, nl := range pl.ListResources(ctx) {
			l := nl()
			var resp list.ListResourceSchemaResponse
			l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &resp)
			out[name("list", func(pn string) string {
				var m resource.MetadataResponse
				l.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: pn}, &m)
				return m.TypeName
			})] = resp.Schema
		}
	}
	if pa, ok := p.(provider.ProviderWithActions); ok {
		for _, na := range pa.Actions(ctx) {
			a := na()
			var resp fwaction.SchemaResponse
			a.Schema(ctx, fwaction.SchemaRequest{}, &resp)
			out[name("action", func(pn string) string {
				var m fwaction.MetadataResponse
				a.Metadata(ctx, fwaction.MetadataRequest{ProviderTypeName: pn}, &m)
				return m.TypeName
			})] = resp.Schema
		}
	}
	// The same set as the protocol serves: nothing is left out of the walks.
	served := servedSchemas(t, p)
	for key := range served {
		if _, ok := out[key]; !ok && key != "provider_meta l2msg" {
			t.Fatalf("%s is served but not walked", key)
		}
	}
	return out
}

// walkAttributes lists every attribute of a framework schema (of any
// kind: resource, data source, …), nested attributes and blocks included.
// The schema kinds share no exported interface, so their common methods
// (GetAttributes, GetBlocks, GetNestedObject) are called by name.
func walkAttributes(key string, schema any) []walkedAttribute {
	var out []walkedAttribute
	var walk func(prefix string, holder reflect.Value)
	call := func(v reflect.Value, method string) (reflect.Value, bool) {
		m := v.MethodByName(method)
		if !m.IsValid() {
			return reflect.Value{}, false
		}
		return m.Call(nil)[0], true
	}
	walk = func(prefix string, holder reflect.Value) {
		if attrs, ok := call(holder, "GetAttributes"); ok {
			iter := attrs.MapRange()
			for iter.Next() {
				name, a := iter.Key().String(), iter.Value().Elem()
				desc := ""
				if d, ok := call(a, "GetDescription"); ok {
					desc = d.String()
				}
				out = append(out, walkedAttribute{id: key + " " + prefix + name, description: desc, attr: a.Interface()})
				if nested, ok := call(a, "GetNestedObject"); ok && !nested.IsNil() {
					walk(prefix+name+".", nested.Elem())
				}
			}
		}
		if blocks, ok := call(holder, "GetBlocks"); ok {
			iter := blocks.MapRange()
			for iter.Next() {
				if nested, ok := call(iter.Value().Elem(), "GetNestedObject"); ok && !nested.IsNil() {
					walk(prefix+iter.Key().String()+".", nested.Elem())
				}
			}
		}
	}
	walk("", reflect.ValueOf(schema))
	return out
}

// lengthRule reads the limits a validator's description states
// ("UTF-8 character count must be at most 100", "string length must be
// between 1 and 100"); found is false when it states none.
var lengthRulePattern = regexp.MustCompile(`(?:length|character count) must be (?:at most (\d+)|at least (\d+)|between (\d+) and (\d+))`)

func lengthRules(description string) (limits []int) {
	for _, m := range lengthRulePattern.FindAllStringSubmatch(description, -1) {
		for _, s := range m[1:] {
			if n, err := strconv.Atoi(s); err == nil {
				limits = append(limits, n)
			}
		}
	}
	return limits
}

// TestEveryLengthLimitCountsCharacters: the server's VarChar(n) columns
// count characters, and so do the attributes' descriptions. A validator
// counting bytes refuses, at plan, a value the server accepts (60 "é" for a
// proxy username of at most 100). Every string attribute with a length
// limit, in every schema, must take exactly as many "é" as "a" at each of
// its limits, and refuse one more.
func TestEveryLengthLimitCountsCharacters(t *testing.T) {
	ctx := context.Background()
	reached := map[string]bool{}
	var wrong []string
	for key, schema := range servedFrameworkSchemas(t) {
		for _, a := range walkAttributes(key, schema) {
			for _, v := range a.validators(ctx) {
				for _, n := range lengthRules(v.description) {
					if n == 0 {
						continue
					}
					reached[a.id] = true
					wide, narrow := strings.Repeat("é", n), strings.Repeat("a", n)
					if got, want := v.check(wide), v.check(narrow); len(got) != len(want) {
						wrong = append(wrong, fmt.Sprintf("%s (%s): %d \"é\" give %v, %d \"a\" %v", a.id, v.description, n, got, n, want))
					}
				}
			}
		}
	}
	slices.Sort(wrong)
	for _, w := range wrong {
		t.Errorf("counts bytes, not characters: %s (use stringvalidator.UTF8Length*)", w)
	}
	// The walk must reach the limits we know of, at every depth, or it
	// proves nothing.
	for _, id := range []string{
		"resource l2msg_instance instance_name",
		"resource l2msg_instance webhook.url",
		"resource l2msg_instance_proxy username",
		"resource l2msg_instance_proxy password_wo",
		"resource l2msg_instance_chatwoot account_id",
		"resource l2msg_instance_chatwoot ignore_jids",
		"resource l2msg_instance_pusher app_id",
		"resource l2msg_typebot description",
		"resource l2msg_typebot_settings keyword_finish",
		"resource l2msg_openai_credential name",
	} {
		if !reached[id] {
			t.Errorf("the walk never reached the length limit of %s", id)
		}
	}
}

// The check itself: a byte-counting validator is caught, and a limit is
// read from each way the validators state one.
func TestLengthRules(t *testing.T) {
	for desc, want := range map[string][]int{
		"UTF-8 character count must be at most 100":                                     {100},
		"string length must be between 1 and 100":                                       {1, 100},
		"element values must satisfy all validations: string length must be at least 2": {2},
		"must not be empty": nil,
	} {
		if got := lengthRules(desc); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("lengthRules(%q) = %v, want %v", desc, got, want)
		}
	}
}

// TestOneMistakeOneError: an empty or blank string is one mistake, and
// gets one error per attribute, not one from each validator that sees it
// (`account_id = ""` once said both "must not be empty" and "length must
// be between 1 and 100").
func TestOneMistakeOneError(t *testing.T) {
	ctx := context.Background()
	var wrong []string
	reached := map[string]bool{}
	for key, schema := range servedFrameworkSchemas(t) {
		for _, a := range walkAttributes(key, schema) {
			validators := a.validators(ctx)
			for _, s := range []string{"", "   "} {
				var all []string
				for _, v := range validators {
					all = append(all, v.check(s)...)
				}
				if len(all) > 0 {
					reached[a.id] = true
				}
				if len(all) > 1 {
					wrong = append(wrong, fmt.Sprintf("%s = %q gives %d errors: %s", a.id, s, len(all), strings.Join(all, " | ")))
				}
			}
		}
	}
	slices.Sort(wrong)
	for _, w := range wrong {
		t.Error(w)
	}
	for _, id := range []string{
		"resource l2msg_instance_chatwoot account_id",
		"resource l2msg_instance_pusher app_id",
		"resource l2msg_instance_pusher cluster",
		"resource l2msg_openai_credential name",
	} {
		if !reached[id] {
			t.Errorf("%s refuses neither an empty nor a blank value", id)
		}
	}
}

// A write to a missing instance says what is missing and what was not
// done, for each kind that goes through instanceForWrite ("its Chatwoot
// configuration cannot be configured" said neither).
func TestInstanceForWriteSaysWhatIsMissing(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	c, err := client.New(client.Config{BaseURL: url, APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{chatwootKind.name, proxyKind.name, "Typebot defaults", "OpenAI credential"} {
		var diags diag.Diagnostics
		if instanceForWrite(context.Background(), c, "ghost", types.StringNull(), kind, &diags) != nil {
			t.Fatal("found an instance that does not exist")
		}
		got := diagSummary(diags)
		want := fmt.Sprintf(`no instance named "ghost" on the server to hold the %s; nothing was sent`, kind)
		if !strings.Contains(got, want) || strings.Contains(got, "configured") {
			t.Errorf("diagnostic for the %s: %s", kind, got)
		}
	}
}

// TestEveryRequiredStringRefusesBlank: a required string the user left
// as white space is a mistake the server turns into a bare error (or,
// worse, accepts): every one is refused at plan, in every schema.
func TestEveryRequiredStringRefusesBlank(t *testing.T) {
	ctx := context.Background()
	var wrong []string
	n := 0
	for key, schema := range servedFrameworkSchemas(t) {
		for _, a := range walkAttributes(key, schema) {
			req, ok := a.attr.(interface{ IsRequired() bool })
			if _, isString := a.attr.(interface{ StringValidators() []validator.String }); !ok || !isString || !req.IsRequired() {
				continue
			}
			n++
			for _, s := range []string{"", "   "} {
				refused := false
				for _, v := range a.validators(ctx) {
					refused = refused || len(v.check(s)) > 0
				}
				if !refused {
					wrong = append(wrong, fmt.Sprintf("%s accepts %q", a.id, s))
				}
			}
		}
	}
	slices.Sort(wrong)
	for _, w := range wrong {
		t.Error(w)
	}
	if n < 20 {
		t.Fatalf("the walk found only %d required strings", n)
	}
}

// oneOfValues reads the values a OneOf validator allows from its
// description (`value must be one of: ["a" "b"]`), at any depth
// (`element value must satisfy all validations: value must be one of: …`).
var oneOfPattern = regexp.MustCompile(`value must be one of: \[([^\]]*)\]`)

func oneOfValues(description string) []string {
	var out []string
	for _, m := range oneOfPattern.FindAllStringSubmatch(description, -1) {
		for _, q := range regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`).FindAllStringSubmatch(m[1], -1) {
			if s, err := strconv.Unquote(`"` + q[1] + `"`); err == nil {
				out = append(out, s)
			}
		}
	}
	return out
}

// TestEveryEnumerationIsDocumented (issue 21 item 2): the values an
// attribute accepts are in its description, in backticks, so the
// reference page says what the check allows; a user should not learn them
// from the error. Read from the validators themselves, so the text and the
// check cannot disagree.
func TestEveryEnumerationIsDocumented(t *testing.T) {
	ctx := context.Background()
	var missing []string
	reached := map[string]bool{}
	for key, schema := range servedFrameworkSchemas(t) {
		for _, a := range walkAttributes(key, schema) {
			for _, v := range a.validators(ctx) {
				for _, value := range oneOfValues(v.description) {
					reached[a.id] = true
					if !strings.Contains(a.description, "`"+value+"`") {
						missing = append(missing, fmt.Sprintf("%s: `%s` is allowed but not in the description %q", a.id, value, a.description))
					}
				}
			}
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Error(m)
	}
	for _, id := range []string{
		"resource l2msg_typebot trigger_operator",
		"resource l2msg_dify_bot bot_type",
		"resource l2msg_instance integration",
		"resource l2msg_instance webhook.events",
		"resource l2msg_instance_proxy protocol",
	} {
		if !reached[id] {
			t.Errorf("the walk never reached the enumeration of %s", id)
		}
	}
}

func TestFieldDescriptionNamesItsValues(t *testing.T) {
	f := field{name: "mode", oneOf: []string{"fast", "slow"}, desc: "How it runs."}
	if got := f.description(); !strings.Contains(got, "One of `fast`, `slow`.") {
		t.Errorf("description %q does not list the values", got)
	}
	f.desc = "How it runs: `fast` or `slow`."
	if got := f.description(); strings.Contains(got, "One of") {
		t.Errorf("description %q lists the values twice", got)
	}
}

// TestEveryPageOpensWithWhatItDoes (issue 21 item 2): a reference page's
// first sentence says what the resource does; the server's routes come
// after it.
func TestEveryPageOpensWithWhatItDoes(t *testing.T) {
	for key, schema := range servedFrameworkSchemas(t) {
		if strings.HasPrefix(key, "provider ") {
			continue
		}
		d, ok := reflect.ValueOf(schema).MethodByName("GetDescription").Call(nil)[0].Interface().(string)
		if !ok || d == "" {
			t.Errorf("%s has no description", key)
			continue
		}
		first, _, _ := strings.Cut(d, ". ")
		if strings.Contains(first, "`/") || strings.Contains(first, " /") || strings.Contains(first, "routes") {
			t.Errorf("%s opens with the server's routes: %q", key, first)
		}
	}
}

// The token's message counts characters too, as its rule does.
func TestTokenMessageCountsCharacters(t *testing.T) {
	var resp validator.StringResponse
	tokenValidator{}.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("token"),
		ConfigValue: types.StringValue(strings.Repeat("é", 10))}, &resp)
	if got := diagSummary(resp.Diagnostics); !strings.Contains(got, "got 10 characters") {
		t.Errorf("diagnostic: %s", got)
	}
}
