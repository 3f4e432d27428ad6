package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tfsdklog"
)

// Redaction: the one place that knows how a secret can be spelled in what
// a server sends back, and hides it. Servers echo the request in their
// errors (a database error quoting the row, a proxy quoting the body), and
// each re-serialises it its own way: as sent, as Go's encoding/json does
// (\" \\ and \u003c \u003e \u0026), as JavaScript's JSON.stringify does
// (\" \\ and <>& as they are), as ASCII-only encoders do (\u00e9),
// HTML-escaped (&lt; &#34;), every character as \uXXXX, or escaped once more
// when a JSON text is quoted inside another. A plain string match finds
// only the first of these. The spellings are enumerated (spellingsOf) and
// searched as strings: every log line of every call goes through them, and
// expressions that matched all of them at once cost several times as much
// (compiling them alone took a millisecond per call).
// Secrets no one told us about are caught by field: the values of secret
// fields of objects quoted in a message (fieldPatterns), which only text
// that quotes something is searched for.

// redactedText replaces a secret in diagnostics and errors; the logging
// library replaces what its masks match with its own "***".
const redactedText = "(redacted)"

// secretFieldWords name the JSON fields whose string values are secret
// whatever resource sent them, as words: a field matches when its name is
// these words joined with "_", "-" or nothing, in any case (api_key, apiKey,
// apikey, API-KEY). The resources' own secret attributes are added from
// their schemas (newRedactor's keys).
var secretFieldWords = [][]string{
	{"api", "key"}, {"token"}, {"password"}, {"pass"}, {"secret"}, {"authorization"},
	{"basic", "auth", "pass"}, {"basic", "auth", "password"}, {"access", "token"}, {"private", "key"},
}

// redactor hides a set of secrets, in every spelling, and the values of
// secret fields in JSON and JavaScript objects quoted in a message.
type redactor struct {
	// spellings are every spelling of every secret, longest first, so
	// that a secret holding another is hidden whole.
	spellings []string
	// fields match a secret field and its value, one expression per
	// quoting style: groups 1 and 3 are kept, group 2 is the value.
	fields []*regexp.Regexp
}

// newRedactor hides secrets (empty ones are ignored) and the values of
// the fields named by keys (attribute names such as basic_auth_pass_wo:
// their words, without the write-only suffix) as well as
// secretFieldWords.
func newRedactor(secrets, keys []string) *redactor {
	fields := commonFieldPatterns
	if len(keys) > 0 {
		fields = fieldPatterns(keys)
	}
	return &redactor{spellings: allSpellings(secrets), fields: fields}
}

// commonFieldPatterns are the field patterns of secretFieldWords alone.
var commonFieldPatterns = fieldPatterns(nil)

// redact returns s with every secret and every secret field's value
// replaced.
func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	for _, sp := range r.spellings {
		s = strings.ReplaceAll(s, sp, redactedText)
	}
	return r.redactFields(s)
}

// redactFields replaces the values of secret fields in s. Only text that
// quotes something can hold such a field: the rest is left alone without
// running the expressions, which cost far more than the string search.
func (r *redactor) redactFields(s string) string {
	if !strings.ContainsAny(s, `"'{`) && !strings.Contains(s, "&") {
		return s
	}
	for _, f := range r.fields {
		s = f.ReplaceAllString(s, "${1}"+redactedText+"${3}")
	}
	return s
}

type redactorKey struct{}

// mask returns ctx with the secrets masked in the provider's logs (tflog,
// which the client logs through too) and in the framework's (tfsdklog),
// plus the log fields whose key alone says they are secret. The secret
// fields of objects quoted in the client's log lines (a server's error)
// are redacted by clientLog, which finds the redactor in ctx.
func (r *redactor) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	ctx = tfsdklog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	if len(r.spellings) > 0 {
		ctx = tflog.MaskLogStrings(ctx, r.spellings...)
		ctx = tfsdklog.MaskLogStrings(ctx, r.spellings...)
	}
	return context.WithValue(ctx, redactorKey{}, r)
}

// redactorOf is the redactor mask put in ctx; one for the common secret
// fields when there is none.
func redactorOf(ctx context.Context) *redactor {
	if r, ok := ctx.Value(redactorKey{}).(*redactor); ok {
		return r
	}
	return &redactor{fields: commonFieldPatterns}
}

// diagnostics returns diags with every summary and detail redacted; the
// severity and the attribute path of each are kept.
func (r *redactor) diagnostics(diags diag.Diagnostics) diag.Diagnostics {
	if len(diags) == 0 {
		return diags
	}
	out := make(diag.Diagnostics, 0, len(diags))
	for _, d := range diags {
		summary, detail := r.redact(d.Summary()), r.redact(d.Detail())
		if summary == d.Summary() && detail == d.Detail() {
			out = append(out, d)
			continue
		}
		withPath, hasPath := d.(diag.DiagnosticWithPath)
		switch {
		case hasPath && d.Severity() == diag.SeverityError:
			out = append(out, diag.NewAttributeErrorDiagnostic(withPath.Path(), summary, detail))
		case hasPath:
			out = append(out, diag.NewAttributeWarningDiagnostic(withPath.Path(), summary, detail))
		case d.Severity() == diag.SeverityError:
			out = append(out, diag.NewErrorDiagnostic(summary, detail))
		default:
			out = append(out, diag.NewWarningDiagnostic(summary, detail))
		}
	}
	return out
}

// allSpellings are the spellings of every secret, longest first.
func allSpellings(secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if s != "" {
			out = append(out, spellingsOf(s)...)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

// spellingsOf are the ways s appears in what a server or a logger writes:
// as is; JSON-escaped the way Go does (\u003c), JavaScript does (<> as
// they are) or ASCII-only encoders do (\u00e9), once or twice (a JSON text
// quoted in another); any of those HTML-escaped (&#34; or &quot;); every
// character as \uXXXX, in either case.
func spellingsOf(s string) []string {
	all := unicodeEscape(s)
	forms := []string{s, all, strings.ReplaceAll(strings.ToUpper(all), `\U`, `\u`), goJSONEscape(all)}
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f || strings.ContainsRune(`"\<>&'`, r) }) {
		// No escaping changes it: the common case, and worth the shortcut,
		// since every call of every resource spells its secrets.
		return forms
	}
	escapes := []func(string) string{goJSONEscape, jsJSONEscape, asciiJSONEscape}
	for _, e1 := range escapes {
		forms = append(forms, e1(s))
		for _, e2 := range escapes {
			forms = append(forms, e2(e1(s)))
		}
	}
	for _, f := range slices.Clone(forms) {
		forms = append(forms, html.EscapeString(f), htmlNamed.Replace(f))
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// htmlNamed escapes for HTML with named references, where html.EscapeString
// writes &#34; and &#39;.
var htmlNamed = strings.NewReplacer(`&`, "&amp;", `<`, "&lt;", `>`, "&gt;", `"`, "&quot;", `'`, "&apos;")

// goJSONEscape is s inside a JSON string as Go's encoding/json writes it.
func goJSONEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// jsJSONEscape is s inside a JSON string as JavaScript's JSON.stringify
// writes it: no escaping of <, > and &.
func jsJSONEscape(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	out := strings.TrimSuffix(b.String(), "\n")
	return out[1 : len(out)-1]
}

// asciiJSONEscape is jsJSONEscape with every character beyond ASCII as
// \uXXXX, as Python's json and other ASCII-only encoders write it.
func asciiJSONEscape(s string) string {
	var b strings.Builder
	for _, r := range jsJSONEscape(s) {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		b.WriteString(unicodeEscape(string(r)))
	}
	return b.String()
}

// unicodeEscape is every character of s as \uXXXX (a surrogate pair
// beyond the BMP), in lower case.
func unicodeEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > 0xffff {
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// fieldPatterns match a secret field with its string value in the quoting
// styles a message carries an object in: JSON or a JavaScript object
// literal (quoted or bare key, double or single quotes, ":" or "="), that
// object quoted once more in a JSON string (\"apiKey\":\"…\"), and
// HTML-escaped (&quot;apiKey&quot;:&quot;…&quot;); and a flat object as the
// value ("headers":{…}).
// keys are attribute names to match as well as secretFieldWords.
func fieldPatterns(keys []string) []*regexp.Regexp {
	words := slices.Clone(secretFieldWords)
	for _, k := range keys {
		words = append(words, strings.Split(strings.TrimSuffix(k, "_wo"), "_"))
	}
	names := make([]string, 0, len(words))
	for _, w := range words {
		names = append(names, strings.Join(w, `[_-]?`))
	}
	slices.Sort(names)
	names = slices.Compact(names)
	alt := `(?:` + strings.Join(names, "|") + `)`
	key := `(?:"` + alt + `"|'` + alt + `'|\b` + alt + `\b)\s*[:=]\s*`
	return []*regexp.Regexp{
		regexp.MustCompile(`(?i)(` + key + `")((?:[^"\\]|\\.)*)(")`),
		regexp.MustCompile(`(?i)(` + key + `')((?:[^'\\]|\\.)*)(')`),
		// Quoted again: the value's own \" and \\ are \\\" and \\\\.
		regexp.MustCompile(`(?i)(\\"` + alt + `\\"\s*:\s*\\")((?:[^"\\]|\\\\\\\\|\\\\\\"|\\\\[^"\\])*)(\\")`),
		regexp.MustCompile(`(?i)((?:&quot;|&#34;)` + alt + `(?:&quot;|&#34;)\s*:\s*(?:&quot;|&#34;))(.*?)(&quot;|&#34;)`),
		// A secret field whose value is an object (webhook headers): all of
		// it, when it holds no object in turn.
		regexp.MustCompile(`(?i)(` + key + `\{)([^{}]*)(\})`),
	}
}
