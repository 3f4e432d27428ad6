package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The chatbot resources are built from tables: each attribute is a field
// below, and each kind lists its own fields next to the shared ones. The
// schema, the request body and the reading of the server's row all come
// from the same field, so a field is described, typed and mapped once.

type fieldType int

const (
	fString fieldType = iota
	fBool
	fInt
	fStrings // list of strings
)

// field is one attribute of a chatbot resource and its JSON field.
type field struct {
	name string // attribute name
	wire string // JSON field
	typ  fieldType
	desc string

	required bool
	// serverFilled fields are Optional+Computed: left out, the server
	// fills them (from the kind's defaults) and the plan keeps the value
	// it last read.
	serverFilled bool
	// def is the default of an Optional+Computed attribute with a fixed
	// default (bool, int64, string or []string); it is always sent.
	def any
	// secret fields are Sensitive and get a write-only twin.
	secret bool
	// replace marks a field whose change replaces the resource.
	replace bool
	// noClear fields are never sent empty: the server rejects an empty
	// enum, and a trigger the bot no longer uses is harmless.
	noClear bool

	oneOf []string
	limit int // most characters (the server's VarChar)
	min   int64
	// url fields take an absolute http:// or https:// URL: the server
	// calls it for every message.
	url bool
	// elem checks each string of a list field; by default it must not be empty.
	elem validator.String
}

// maxInt32 is the largest value of the server's integer columns.
const maxInt32 = math.MaxInt32

// Descriptions of the fields every bot kind shares, written once.
var (
	triggerTypeField = field{name: "trigger_type", wire: "triggerType", required: true, oneOf: []string{"all", "keyword", "none", "advanced"},
		desc: "When the bot answers: `all` (every message; one enabled `all` bot per kind and instance), `keyword` (a message matching " +
			"`trigger_operator` and `trigger_value`), `advanced` (the expression in `trigger_value`) or `none` (every message, " +
			"like `all`, without the one-per-kind rule)."}
	triggerOperatorField = field{name: "trigger_operator", wire: "triggerOperator", noClear: true, oneOf: []string{"equals", "contains", "startsWith", "endsWith", "regex"},
		desc: "How a `keyword` trigger matches `trigger_value`: `equals` (the whole message), `contains`, `startsWith`, `endsWith`, " +
			"or `regex` (`trigger_value` is a JavaScript regular expression, used without flags; a syntax error the provider can " +
			"recognise, such as an unclosed group or Go's inline `(?i)`, is refused at plan). " +
			"Required with `keyword`, not allowed with other trigger types."}
	triggerValueField = field{name: "trigger_value", wire: "triggerValue", noClear: true,
		desc: "The keyword or regular expression (with `keyword`) or the expression, such as `contains:price,cost` (with `advanced`); required with " +
			"those two, not allowed with `all` and `none`. No two bots of a kind in an instance may have the same trigger."}

	commonBotFields = []field{
		{name: "enabled", wire: "enabled", typ: fBool, def: true, desc: "Whether the bot answers messages. Defaults to `true`."},
		{name: "description", wire: "description", limit: 255, desc: "A label for the bot, shown in the manager and in this provider's messages."},
		triggerTypeField, triggerOperatorField, triggerValueField,
		{name: "expire", wire: "expire", typ: fInt, serverFilled: true, desc: "Minutes of silence after which a conversation with the bot ends; `0` never."},
		{name: "keyword_finish", wire: "keywordFinish", serverFilled: true, limit: 100, desc: "A message that ends the conversation with the bot."},
		{name: "delay_message", wire: "delayMessage", typ: fInt, serverFilled: true, desc: "Milliseconds the bot waits (typing) before each answer."},
		{name: "unknown_message", wire: "unknownMessage", serverFilled: true, limit: 100, desc: "The answer to a message the bot cannot handle."},
		{name: "listening_from_me", wire: "listeningFromMe", typ: fBool, serverFilled: true, desc: "Whether messages sent from the instance's own number also reach the bot."},
		{name: "stop_bot_from_me", wire: "stopBotFromMe", typ: fBool, serverFilled: true, desc: "Whether a message sent from the instance's own number stops the bot in that chat."},
		{name: "keep_open", wire: "keepOpen", typ: fBool, serverFilled: true, desc: "Whether a conversation stays open (paused, not closed) when it ends."},
		{name: "debounce_time", wire: "debounceTime", typ: fInt, serverFilled: true, desc: "Seconds to wait for more messages before passing them to the bot together."},
		{name: "ignore_jids", wire: "ignoreJids", typ: fStrings, def: []string{}, elem: jid(),
			desc: "Chats the bot ignores, by JID: `5511999999999@s.whatsapp.net` for a contact, `…@g.us` for a group; `@g.us` alone " +
				"stands for every group and `@s.whatsapp.net` alone for every contact. Defaults to none; always sent, so the kind's " +
				"default `ignore_jids` is not inherited (the server still ignores the chats listed there for every bot of the kind)."},
		{name: "split_messages", wire: "splitMessages", typ: fBool, serverFilled: true, desc: "Whether a long answer is sent as several messages."},
		{name: "time_per_char", wire: "timePerChar", typ: fInt, serverFilled: true, desc: "Milliseconds of typing simulated per character of an answer, with `split_messages`."},
	}
)

// apiKeyField is the secret of the kinds that call an API with a key.
func apiKeyField(service string) field {
	return field{name: "api_key", wire: "apiKey", secret: true, limit: 255, desc: "The key the bot sends to " + service + "."}
}

// urlField is a kind's endpoint.
func urlField(name, wire, service string, required bool, limit int) field {
	return field{name: name, wire: wire, required: required, limit: limit, url: true, desc: "The URL of " + service + "."}
}

func (f field) attrType() attr.Type {
	switch f.typ {
	case fBool:
		return types.BoolType
	case fInt:
		return types.Int64Type
	case fStrings:
		return types.ListType{ElemType: types.StringType}
	}
	return types.StringType
}

// description completes a field's text with what the schema implies:
// the allowed values, from the same list the validator checks, when the
// text does not already name each of them.
func (f field) description() string {
	d := f.desc
	if f.oneOf != nil && slices.ContainsFunc(f.oneOf, func(v string) bool { return !strings.Contains(d, "`"+v+"`") }) {
		d += " One of `" + strings.Join(f.oneOf, "`, `") + "`."
	}
	if f.serverFilled {
		d += " Left out, the server fills it in from the kind's default settings (`l2msg_<kind>_settings`) when the bot is created, and keeps it afterwards."
	}
	if f.replace {
		d += " Changing it replaces the resource."
	} else {
		d += " Updated in place."
	}
	return d
}

// schemaAttributes returns the field's attribute, and for a secret the
// shared secret twin (secret_twin.go).
func (f field) schemaAttributes() map[string]schema.Attribute {
	out := map[string]schema.Attribute{}
	optional, computed := !f.required, f.serverFilled || f.def != nil
	desc := f.description()
	switch f.typ {
	case fBool:
		a := schema.BoolAttribute{Description: desc, Required: f.required, Optional: optional, Computed: computed}
		if b, ok := f.def.(bool); ok {
			a.Default = booldefault.StaticBool(b)
		} else if f.serverFilled {
			a.PlanModifiers = []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()}
		}
		out[f.name] = a
	case fInt:
		a := schema.Int64Attribute{Description: desc, Required: f.required, Optional: optional, Computed: computed,
			Validators: []validator.Int64{int64validator.Between(f.min, maxInt32)}}
		if n, ok := f.def.(int64); ok {
			a.Default = int64default.StaticInt64(n)
		} else if f.serverFilled {
			a.PlanModifiers = []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}
		}
		if f.replace {
			a.PlanModifiers = append(a.PlanModifiers, int64planmodifier.RequiresReplace())
		}
		out[f.name] = a
	case fStrings:
		elem := f.elem
		if elem == nil {
			elem = stringvalidator.UTF8LengthAtLeast(1)
		}
		a := schema.ListAttribute{Description: desc, ElementType: types.StringType, Required: f.required, Optional: optional, Computed: computed,
			Validators: []validator.List{listvalidator.ValueStringsAre(elem)}}
		if l, ok := f.def.([]string); ok {
			a.Default = listdefault.StaticValue(stringList(l))
		} else if f.serverFilled {
			a.PlanModifiers = []planmodifier.List{listplanmodifier.UseStateForUnknown()}
		}
		out[f.name] = a
	default:
		// One error for one mistake: an enumeration, a URL and a required
		// value each refuse "" themselves.
		var validators []validator.String
		switch {
		case f.oneOf != nil:
			validators = append(validators, stringvalidator.OneOf(f.oneOf...))
		case f.url:
			validators = append(validators, httpURL())
		case f.required:
			validators = append(validators, notBlank())
		default:
			validators = append(validators, stringvalidator.UTF8LengthAtLeast(1))
		}
		if f.limit > 0 {
			validators = append(validators, stringvalidator.UTF8LengthAtMost(f.limit))
		}
		if f.secret {
			maps.Copy(out, secretTwinAttributes(f.name, strings.TrimSuffix(f.desc, "."), validators...))
			return out
		}
		a := schema.StringAttribute{Description: desc, Required: f.required, Optional: optional, Computed: computed,
			Validators: validators}
		if s, ok := f.def.(string); ok {
			a.Default = stringdefault.StaticString(s)
		} else if f.serverFilled {
			a.PlanModifiers = []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
		}
		if f.replace {
			a.PlanModifiers = append(a.PlanModifiers, stringplanmodifier.RequiresReplace())
		}
		out[f.name] = a
	}
	return out
}

func stringList(items []string) types.List {
	vals := make([]attr.Value, len(items))
	for i, s := range items {
		vals[i] = types.StringValue(s)
	}
	return types.ListValueMust(types.StringType, vals)
}

// toWire converts an attribute's value to its JSON value. ok is false for
// a null or unknown value, which is left out of the body.
func (f field) toWire(ctx context.Context, v attr.Value) (any, bool) {
	if v == nil || v.IsNull() || v.IsUnknown() {
		return nil, false
	}
	switch t := v.(type) {
	case types.Bool:
		return t.ValueBool(), true
	case types.Int64:
		return t.ValueInt64(), true
	case types.String:
		return t.ValueString(), true
	case types.List:
		out := []string{}
		_ = t.ElementsAs(ctx, &out, false)
		return out, true
	}
	return nil, false
}

// fromWire converts the server's JSON value. A NULL column, and for an
// optional attribute that the server cannot clear, an empty value, become
// null.
func (f field) fromWire(v any) (attr.Value, error) {
	emptyIsNull := !f.required && !f.serverFilled && f.def == nil
	switch f.typ {
	case fBool:
		b, ok := v.(bool)
		if !ok {
			return types.BoolNull(), nil
		}
		return types.BoolValue(b), nil
	case fInt:
		n, ok := v.(json.Number)
		if !ok {
			return types.Int64Null(), nil
		}
		i, err := n.Int64()
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a whole number", f.wire, n)
		}
		if i == 0 && emptyIsNull {
			return types.Int64Null(), nil
		}
		return types.Int64Value(i), nil
	case fStrings:
		items, ok := v.([]any)
		if !ok || (len(items) == 0 && emptyIsNull) {
			if f.def != nil || f.serverFilled {
				return stringList(nil), nil
			}
			return types.ListNull(types.StringType), nil
		}
		strs := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("%s holds %v, not a string", f.wire, it)
			}
			strs = append(strs, s)
		}
		return stringList(strs), nil
	}
	s, ok := v.(string)
	if !ok || (s == "" && emptyIsNull) {
		return types.StringNull(), nil
	}
	return types.StringValue(s), nil
}

// clearValue is what an update sends for an optional field the
// configuration no longer sets: the server keeps a field that is left out
// and rejects null, so its empty value is the only way to clear it.
func (f field) clearValue() any {
	switch f.typ {
	case fBool:
		return false
	case fInt:
		return 0
	case fStrings:
		return []string{}
	}
	return ""
}
