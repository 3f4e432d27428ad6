package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
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
// (\" \\ and <>& as they are), HTML-escaped (&lt; &#34;), every character
// as \uXXXX, or escaped once more when a JSON text is quoted inside
// another. A plain string match finds only the first of these.

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
	// values matches any of the secrets in any spelling; nil for none.
	values *regexp.Regexp
	// fields match a secret field and its string value, one expression
	// per quoting style: groups 1 and 3 are kept, group 2 is the value.
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
	return &redactor{values: secretsPattern(secrets), fields: fields}
}

// commonFieldPatterns are the field patterns of secretFieldWords alone.
var commonFieldPatterns = fieldPatterns(nil)

// redact returns s with every secret and every secret field's value
// replaced.
func (r *redactor) redact(s string) string {
	if r == nil {
		return s
	}
	if r.values != nil {
		s = r.values.ReplaceAllLiteralString(s, redactedText)
	}
	for _, f := range r.fields {
		s = f.ReplaceAllString(s, "${1}"+redactedText+"${3}")
	}
	return s
}

// mask returns ctx with the same secrets and fields masked in the
// provider's logs (tflog, which the client logs through too) and in the
// framework's (tfsdklog), plus the log fields whose key alone says they
// are secret.
func (r *redactor) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	ctx = tfsdklog.MaskFieldValuesWithFieldKeys(ctx, secretFieldKeys...)
	res := slices.Clone(r.fields)
	if r.values != nil {
		res = append(res, r.values)
	}
	ctx = tflog.MaskLogRegexes(ctx, res...)
	return tfsdklog.MaskLogRegexes(ctx, res...)
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

// secretsPattern matches any of secrets in any spelling, the longest
// first so that a secret holding another is hidden whole.
func secretsPattern(secrets []string) *regexp.Regexp {
	secrets = slices.DeleteFunc(slices.Clone(secrets), func(s string) bool { return s == "" })
	if len(secrets) == 0 {
		return nil
	}
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	secrets = slices.Compact(secrets)
	alts := make([]string, len(secrets))
	for i, s := range secrets {
		var b strings.Builder
		for _, c := range s {
			b.WriteString(runePattern(c))
		}
		alts[i] = b.String()
	}
	return regexp.MustCompile(strings.Join(alts, "|"))
}

// jsonEscape is the backslash that starts a JSON escape (\n, \u003c), or
// the two of one escaped again (a JSON text quoted in a JSON string:
// \\u003c).
const jsonEscape = `\\{1,2}`

// runePattern matches c as sent, as an HTML character reference, or
// JSON-escaped (short form or \uXXXX in either case, once or twice, and
// an escaped quote HTML-escaped in turn).
func runePattern(c rune) string {
	plain := []string{regexp.QuoteMeta(string(c)), `&#0*` + strconv.Itoa(int(c)) + `;`, `&#[xX]0*` + hexPattern(int(c), 1) + `;`}
	switch c {
	case '"':
		plain = append(plain, `&quot;`)
	case '<':
		plain = append(plain, `&lt;`)
	case '>':
		plain = append(plain, `&gt;`)
	case '&':
		plain = append(plain, `&amp;`)
	case '\'':
		plain = append(plain, `&apos;`)
	}
	var alts []string
	switch c {
	case '\\':
		// One, two or four backslashes: as sent, escaped, escaped twice.
		alts = []string{`\\{1,4}`}
	case '"', '/':
		// As sent, escaped (\"), escaped twice (\\\"), or HTML-escaped
		// after either.
		alts = []string{`\\{0,3}(?:` + strings.Join(plain, "|") + `)`}
	default:
		alts = plain
	}
	if short, ok := map[rune]string{'\b': "b", '\f': "f", '\n': "n", '\r': "r", '\t': "t"}[c]; ok {
		alts = append(alts, jsonEscape+short)
	}
	if c < 0x10000 {
		alts = append(alts, jsonEscape+`u`+hexPattern(int(c), 4))
	} else {
		hi, lo := utf16.EncodeRune(c)
		alts = append(alts, jsonEscape+`u`+hexPattern(int(hi), 4)+jsonEscape+`u`+hexPattern(int(lo), 4))
	}
	return "(?:" + strings.Join(alts, "|") + ")"
}

// hexPattern matches n in hexadecimal, at least width digits, either case.
func hexPattern(n, width int) string {
	var b strings.Builder
	for _, d := range fmt.Sprintf("%0*x", width, n) {
		if d >= 'a' {
			fmt.Fprintf(&b, "[%c%c]", d, d-'a'+'A')
		} else {
			b.WriteRune(d)
		}
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
