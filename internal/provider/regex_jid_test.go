package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// What JavaScript's RegExp (the server's) refuses is refused; what it
// accepts, or what Go cannot judge, passes.
func TestJSRegexProblem(t *testing.T) {
	for _, p := range []string{
		`^hi$`, `price|cost`, `(?:a|b)+`, `\d{3}-\d{4}`, `[a-z]+`, `(?<name>x)`,
		// JavaScript's, not Go's: never refused.
		`foo(?=bar)`, `foo(?!bar)`, `(?<=a)b`, `(?<!a)b`, `(a)\1`, `\u00e9`, `\y`, `[]`, `[^]`, `a{1001}`, `[\w-a]`,
		`(?i:price)`, // valid on newer Node versions
		`[(?i)]`, `\(?i\)`,
	} {
		if got := jsRegexProblem(p); got != "" {
			t.Errorf("%q refused: %s", p, got)
		}
	}
	for _, p := range []string{
		`(abc`, `abc)`, `[abc`, `*a`, `a**`, `abc\`, `[z-a]`, `(?#comment)`, `(?x)a`,
		`(?i)price`, `(?P<name>x)`, `a(?s)b`,
	} {
		if jsRegexProblem(p) == "" {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestJID(t *testing.T) {
	check := func(s string) string {
		var resp validator.StringResponse
		jid().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("ignore_jids"), ConfigValue: types.StringValue(s)}, &resp)
		if !resp.Diagnostics.HasError() {
			return ""
		}
		return resp.Diagnostics.Errors()[0].Detail()
	}
	for _, s := range []string{
		"5511999999999@s.whatsapp.net", "120363025246125888@g.us", "5511999999999-1600000000@g.us",
		"@g.us", "@s.whatsapp.net", "123456789012345@lid", "120363000000000000@newsletter", "status@broadcast",
	} {
		if got := check(s); got != "" {
			t.Errorf("%q refused: %s", s, got)
		}
	}
	for s, hint := range map[string]string{
		"":                              "empty",
		"   ":                           "empty",
		"+5511999999999@s.whatsapp.net": "Leave out the +",
		"5511999999999":                 "5511999999999@s.whatsapp.net",
		"5511999999999@c.us":            "WhatsApp Web",
		"@lid":                          "never match",
		"group@g.us":                    "never match",
		"5511999999999@s.whatsapp.net ": "never match",
	} {
		if got := check(s); !strings.Contains(got, hint) {
			t.Errorf("%q: %q, want %q in it", s, got, hint)
		}
	}
}
