package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// httpURL accepts absolute http and https URLs with a host.
func httpURL() validator.String { return httpURLValidator{} }

type httpURLValidator struct{}

func (httpURLValidator) Description(context.Context) string {
	return "must be an absolute http:// or https:// URL"
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := checkHTTPURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL", fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	}
}

func checkHTTPURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a valid URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q must start with http:// or https://", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	return nil
}

// notBlank rejects values that are empty or only white space; an empty key
// is a configuration mistake, not a request for the environment variable.
func notBlank() validator.String { return notBlankValidator{} }

type notBlankValidator struct{}

func (notBlankValidator) Description(context.Context) string { return "must not be empty" }

func (v notBlankValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (notBlankValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if strings.TrimSpace(req.ConfigValue.ValueString()) == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty value",
			fmt.Sprintf("Attribute %s must not be empty or only white space.", req.Path))
	}
}

// positiveDuration accepts Go duration strings greater than zero ("500ms",
// "30s", "2m"). timetypes.GoDuration (terraform-plugin-framework-timetypes)
// was weighed and left out: it checks the syntax only, so this validator
// would stay for "greater than zero" and both would report a value like
// "soon"; the environment variables need parsePositiveDuration anyway; and
// its semantic equality buys nothing for settings that never reach state
// or, like wait_for_connection, are only read at create.
func positiveDuration() validator.String { return positiveDurationValidator{} }

type positiveDurationValidator struct{}

func (positiveDurationValidator) Description(context.Context) string {
	return `must be a positive Go duration such as "500ms", "30s" or "2m"`
}

func (v positiveDurationValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveDurationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parsePositiveDuration(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", fmt.Sprintf("Attribute %s %s.", req.Path, err))
	}
}

func parsePositiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil || d <= 0 {
		return 0, fmt.Errorf(`must be a positive Go duration such as "500ms", "30s" or "2m"; got %q`, s)
	}
	return d, nil
}

// secretPatternValidator checks a secret against a pattern without ever
// echoing the value (stringvalidator.RegexMatches prints what it got).
type secretPatternValidator struct {
	pattern *regexp.Regexp
	rule    string
}

func (v secretPatternValidator) Description(context.Context) string { return v.rule }

func (v secretPatternValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v secretPatternValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || v.pattern.MatchString(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid value",
		fmt.Sprintf("Attribute %s %s. The value is not shown: it is secret.", req.Path, v.rule))
}

// isIPHost reports an IPv4 or IPv6 address (without brackets).
func isIPHost(host string) bool { return net.ParseIP(host) != nil }

// positiveRate accepts finite numbers greater than zero.
func positiveRate() validator.Float64 { return positiveRateValidator{} }

func validRate(rps float64) bool { return rps > 0 && !math.IsInf(rps, 0) }

type positiveRateValidator struct{}

func (positiveRateValidator) Description(context.Context) string { return "must be greater than 0" }

func (v positiveRateValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveRateValidator) ValidateFloat64(_ context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueFloat64(); !validRate(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid requests_per_second",
			fmt.Sprintf("Attribute %s must be a number greater than 0, got %v. Leave it out for no limit.", req.Path, v))
	}
}

// v1OnlyEvents warns about webhook events that only v1 servers know:
// l2msg's page lists NEW_JWT_TOKEN, but v2 servers refuse it at apply.
func v1OnlyEvents() validator.Set { return v1OnlyEventsValidator{} }

type v1OnlyEventsValidator struct{}

func (v1OnlyEventsValidator) Description(context.Context) string {
	return "warns about events v2 servers refuse (" + strings.Join(client.V1OnlyEvents, ", ") + ")"
}

func (v v1OnlyEventsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v1OnlyEventsValidator) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	var events []types.String
	resp.Diagnostics.Append(req.ConfigValue.ElementsAs(ctx, &events, true)...)
	for _, e := range events {
		if slices.Contains(client.V1OnlyEvents, e.ValueString()) {
			resp.Diagnostics.AddAttributeWarning(req.Path, "Event only v1 servers accept",
				fmt.Sprintf("Attribute %s holds %s, which l2msg's documentation lists but Evolution API v2 servers "+
					"refuse: the apply fails with 400 on a v2 server. Remove it unless your server is v1.", req.Path, e.ValueString()))
		}
	}
}

// jid accepts what the server can match in an ignore list. The server
// compares each entry with the chat's JID as a whole string, except two
// entries it reads as "all of them": `@g.us` (every group) and
// `@s.whatsapp.net` (every contact). A phone number without its domain,
// a leading `+` or WhatsApp Web's `@c.us` never matches anything, so they
// are refused rather than silently ignored.
func jid() validator.String { return jidValidator{} }

var jidPattern = regexp.MustCompile(`^(([0-9]+(-[0-9]+)?)?@(s\.whatsapp\.net|g\.us)|[0-9]+@(lid|newsletter)|[0-9A-Za-z]+@broadcast)$`)

type jidValidator struct{}

func (jidValidator) Description(context.Context) string {
	return "must be a WhatsApp JID: `<number>@s.whatsapp.net`, `<id>@g.us`, `<id>@lid`, `<id>@newsletter` or " +
		"`<id>@broadcast`; `@g.us` alone stands for every group and `@s.whatsapp.net` alone for every contact"
}

func (v jidValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v jidValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if jidPattern.MatchString(s) {
		return
	}
	hint := ""
	switch {
	case strings.TrimSpace(s) == "":
		hint = " It is empty."
	case strings.HasPrefix(s, "+"):
		hint = " Leave out the +: the number starts with the country code."
	case !strings.Contains(s, "@"):
		hint = fmt.Sprintf(" A contact is %s@s.whatsapp.net, a group …@g.us.", s)
	case strings.HasSuffix(s, "@c.us"):
		hint = " @c.us is WhatsApp Web's form; the server uses @s.whatsapp.net."
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid JID",
		fmt.Sprintf("Attribute %s: %q %s; the server matches entries as whole JIDs, so this one would never match.%s",
			req.Path, s, v.Description(ctx), hint))
}

// jsRegexProblem says why the server refuses a regex trigger, or "" when
// it accepts it or the provider cannot tell. The server compiles the value
// with JavaScript's new RegExp(value) (no flags) on every message, and a
// value it cannot compile makes the bot never answer. Go's parser is used
// as a judge only where the two languages agree: a pattern Go refuses is
// refused only for a fault JavaScript refuses too (an unclosed group or
// class, a stray `)`, a quantifier with nothing to repeat, a trailing
// backslash, a reversed range of plain characters, an unknown `(?…)`
// group); what JavaScript has and Go lacks (lookaround, backreferences,
// \u escapes, identity escapes like \y, `[]`, repeat counts over 1000)
// passes. A pattern Go accepts is refused only for Go and Perl syntax that
// no JavaScript accepts: inline flags `(?i)` and `(?P<name>…)`.
func jsRegexProblem(p string) string {
	_, err := syntax.Parse(p, syntax.Perl)
	if err == nil {
		if bad := goOnlyGroup(p); bad != "" {
			return fmt.Sprintf("%s is Go and Perl syntax that JavaScript's RegExp refuses", bad)
		}
		return ""
	}
	var se *syntax.Error
	if !errors.As(err, &se) {
		return ""
	}
	switch se.Code {
	case syntax.ErrMissingParen, syntax.ErrUnexpectedParen, syntax.ErrTrailingBackslash,
		syntax.ErrMissingRepeatArgument, syntax.ErrInvalidRepeatOp:
	case syntax.ErrMissingBracket:
		// JavaScript's [] (nothing) and [^] (anything) are Go's errors.
		if strings.Contains(p, "[]") || strings.Contains(p, "[^]") {
			return ""
		}
	case syntax.ErrInvalidCharRange:
		// [\w-a] is a range error in Go, three members in JavaScript.
		if strings.Contains(se.Expr, `\`) {
			return ""
		}
	case syntax.ErrInvalidPerlOp:
		// Lookahead, lookbehind and named groups are JavaScript's.
		if strings.HasPrefix(se.Expr, "(?=") || strings.HasPrefix(se.Expr, "(?!") || strings.HasPrefix(se.Expr, "(?<") {
			return ""
		}
	default:
		return ""
	}
	return se.Error()
}

var inlineFlags = regexp.MustCompile(`^\(\?[imsU-]+\)`)

// goOnlyGroup finds an inline flag group or a (?P<name> group outside a
// character class, as JavaScript reads classes and escapes.
func goOnlyGroup(p string) string {
	inClass := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case strings.HasPrefix(p[i:], "(?P"):
			return "(?P"
		case c == '(':
			if m := inlineFlags.FindString(p[i:]); m != "" {
				return m
			}
		}
	}
	return ""
}
