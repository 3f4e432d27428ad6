package emulator

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The chatbot integrations (reference §4) share one implementation: every
// kind has the same routes, the same common columns, the same trigger rules
// and the same per-instance default settings. A botKind holds what differs.

// botField is one column of a bot or settings row.
type botField struct {
	name string
	// typ is the JSON type: boolean, string, integer, array (of strings).
	typ string
	// limit is the VarChar length; 0 means text or not a string.
	limit int
	// enum lists the allowed values of an enum column.
	enum []string
	// def is the DB default stored when the field is not sent; nil is NULL.
	def any
}

var (
	triggerTypes     = []string{"all", "keyword", "none", "advanced"}
	triggerOperators = []string{"equals", "contains", "startsWith", "endsWith", "regex"}
)

// commonBotFields are BaseChatbotDto's columns, in schema order.
var commonBotFields = []botField{
	{name: "enabled", typ: "boolean", def: true},
	{name: "description", typ: "string", limit: 255},
	{name: "triggerType", typ: "string", enum: triggerTypes},
	{name: "triggerOperator", typ: "string", enum: triggerOperators},
	{name: "triggerValue", typ: "string"},
	{name: "expire", typ: "integer", def: json.Number("0")},
	{name: "keywordFinish", typ: "string", limit: 100},
	{name: "delayMessage", typ: "integer"},
	{name: "unknownMessage", typ: "string", limit: 100},
	{name: "listeningFromMe", typ: "boolean", def: false},
	{name: "stopBotFromMe", typ: "boolean", def: false},
	{name: "keepOpen", typ: "boolean", def: false},
	{name: "debounceTime", typ: "integer"},
	{name: "ignoreJids", typ: "array"},
	{name: "splitMessages", typ: "boolean", def: false},
	{name: "timePerChar", typ: "integer", def: json.Number("50")},
}

// behaviourFields are the eleven fields a bot takes from its kind's
// default settings, in the order the settings row lists them.
var behaviourFields = []string{
	"expire", "keywordFinish", "delayMessage", "unknownMessage", "listeningFromMe",
	"stopBotFromMe", "keepOpen", "debounceTime", "ignoreJids", "splitMessages", "timePerChar",
}

// builtinSettings is what fetchSettings answers when the instance has no row.
var builtinSettings = map[string]any{
	"expire": 300, "keywordFinish": "bye", "delayMessage": 1000,
	"unknownMessage": "Sorry, I dont understand", "listeningFromMe": true, "stopBotFromMe": true,
	"keepOpen": false, "debounceTime": 1, "ignoreJids": []any{}, "splitMessages": false,
	"timePerChar": 0, "fallbackId": "", "fallback": nil,
}

type botKind struct {
	prefix string // path prefix, also the kind's key: "typebot"
	name   string // {Name} in messages
	env    string // env switch; "" means always enabled
	// fallback is the settings column the fallbackId is written to.
	fallback string
	// fields are the kind's own columns; required the schema-required ones.
	fields   []botField
	required []string
	// unchecked lists columns the kind's schema leaves out: stored, not
	// type-checked, so a wrong type fails the insert instead.
	unchecked []string
	// dupCreate and dupUpdate are the columns of the duplicate check.
	dupCreate, dupUpdate []string
	// settingsRequired are the settings-schema required fields.
	settingsRequired []string
	settingsFields   []botField
}

var (
	typebotSettingsRequired = []string{"expire", "keywordFinish", "delayMessage", "unknownMessage", "listeningFromMe", "stopBotFromMe"}
	flowiseSettingsRequired = append(slices.Clone(typebotSettingsRequired), "keepOpen", "debounceTime", "ignoreJids")
	fullSettingsRequired    = append(slices.Clone(flowiseSettingsRequired), "splitMessages", "timePerChar")
)

// Environment switches of the chatbot kinds; the Evolution bot has none.
const (
	SwitchTypebot = "TYPEBOT_ENABLED"
	SwitchOpenai  = "OPENAI_ENABLED"
	SwitchDify    = "DIFY_ENABLED"
	SwitchFlowise = "FLOWISE_ENABLED"
	SwitchN8n     = "N8N_ENABLED"
	SwitchEvoai   = "EVOAI_ENABLED"
)

var botKinds = []*botKind{
	{
		prefix: "typebot", name: "Typebot", env: SwitchTypebot, fallback: "typebotIdFallback",
		fields:           []botField{{name: "url", typ: "string", limit: 500}, {name: "typebot", typ: "string", limit: 100}},
		required:         []string{"url", "typebot"},
		unchecked:        []string{"keepOpen", "debounceTime", "splitMessages", "timePerChar"},
		dupUpdate:        []string{"url", "typebot"},
		settingsRequired: typebotSettingsRequired,
	},
	{
		prefix: "openai", name: "Openai", env: SwitchOpenai, fallback: "openaiIdFallback",
		fields: []botField{
			{name: "openaiCredsId", typ: "string"},
			{name: "botType", typ: "string", enum: []string{"assistant", "chatCompletion"}},
			{name: "assistantId", typ: "string", limit: 255},
			{name: "functionUrl", typ: "string", limit: 500},
			{name: "model", typ: "string", limit: 100},
			{name: "systemMessages", typ: "array"},
			{name: "assistantMessages", typ: "array"},
			{name: "userMessages", typ: "array"},
			{name: "maxTokens", typ: "integer"},
		},
		required:         []string{"openaiCredsId", "botType"},
		unchecked:        []string{"splitMessages", "timePerChar"},
		settingsRequired: append([]string{"openaiCredsId"}, flowiseSettingsRequired...),
		settingsFields:   []botField{{name: "openaiCredsId", typ: "string"}, {name: "speechToText", typ: "boolean", def: false}},
	},
	{
		prefix: "dify", name: "Dify", env: SwitchDify, fallback: "difyIdFallback",
		fields: []botField{
			{name: "botType", typ: "string", enum: []string{"chatBot", "textGenerator", "agent", "workflow"}},
			{name: "apiUrl", typ: "string", limit: 255},
			{name: "apiKey", typ: "string", limit: 255},
		},
		required:         []string{"botType"},
		dupCreate:        []string{"botType", "apiUrl", "apiKey"},
		settingsRequired: fullSettingsRequired,
	},
	{
		prefix: "flowise", name: "Flowise", env: SwitchFlowise, fallback: "flowiseIdFallback",
		fields:           []botField{{name: "apiUrl", typ: "string", limit: 255}, {name: "apiKey", typ: "string", limit: 255}},
		required:         []string{"apiUrl"},
		dupCreate:        []string{"apiUrl", "apiKey"},
		settingsRequired: flowiseSettingsRequired,
	},
	{
		prefix: "n8n", name: "N8n", env: SwitchN8n, fallback: "n8nIdFallback",
		fields: []botField{
			{name: "webhookUrl", typ: "string", limit: 255},
			{name: "basicAuthUser", typ: "string", limit: 255},
			// The schema types basicAuthPassword, which nothing reads; the
			// column is filled from basicAuthPass, which the schema ignores.
			{name: "basicAuthPass", typ: "string", limit: 255},
		},
		required:         []string{"webhookUrl"},
		unchecked:        []string{"basicAuthPass"},
		dupCreate:        []string{"webhookUrl", "basicAuthUser", "basicAuthPass"},
		settingsRequired: fullSettingsRequired,
	},
	{
		prefix: "evoai", name: "Evoai", env: SwitchEvoai, fallback: "evoaiIdFallback",
		fields:           []botField{{name: "agentUrl", typ: "string", limit: 255}, {name: "apiKey", typ: "string", limit: 255}},
		required:         []string{"agentUrl"},
		dupCreate:        []string{"agentUrl", "apiKey"},
		settingsRequired: fullSettingsRequired,
	},
	{
		prefix: "evolutionBot", name: "EvolutionBot", fallback: "botIdFallback",
		fields:           []botField{{name: "apiUrl", typ: "string", limit: 255}, {name: "apiKey", typ: "string", limit: 255}},
		required:         []string{"apiUrl"},
		dupUpdate:        []string{"apiUrl", "apiKey"},
		settingsRequired: fullSettingsRequired,
	},
}

func init() {
	for _, k := range botKinds {
		if k.dupUpdate == nil {
			k.dupUpdate = k.dupCreate
		}
	}
	// Appended here rather than listed in routes.go so the table there stays
	// the instance routes; the chatbot routes are generated per kind.
	routes = append(routes, chatbotRoutes()...)
}

// BotKinds lists the chatbot kinds by path prefix ("typebot", "openai", …),
// the keys the chatbot admin methods take.
func BotKinds() []string {
	out := make([]string, len(botKinds))
	for i, k := range botKinds {
		out[i] = k.prefix
	}
	return out
}

func botKindOf(prefix string) *botKind {
	for _, k := range botKinds {
		if k.prefix == prefix {
			return k
		}
	}
	return nil
}

func (k *botKind) columns() []botField { return append(slices.Clone(commonBotFields), k.fields...) }

func (k *botKind) field(name string) (botField, bool) {
	for _, f := range k.columns() {
		if f.name == name {
			return f, true
		}
	}
	return botField{}, false
}

// settingsColumns are a settings row's behaviour columns plus the kind's own.
func (k *botKind) settingsColumns() []botField {
	var out []botField
	for _, name := range behaviourFields {
		f, _ := k.field(name)
		out = append(out, f)
	}
	return append(out, k.settingsFields...)
}

// checkBotSchema validates a bot body the way the kind's JSON schema does:
// type and enum errors in property order, then missing required properties.
func (k *botKind) checkBotSchema(body map[string]any) []string {
	var c checker
	for _, f := range k.columns() {
		if slices.Contains(k.unchecked, f.name) {
			continue
		}
		checkValue(&c, body, f)
	}
	if k.prefix == "n8n" {
		c.typed(body, "basicAuthPassword", "basicAuthPassword", "string")
	}
	c.required(body, "instance", append([]string{"enabled", "triggerType"}, k.required...)...)
	return c.errs
}

// checkValue adds the schema errors of one present property.
func checkValue(c *checker, obj map[string]any, f botField) {
	v, ok := obj[f.name]
	if !ok {
		return
	}
	if !isType(v, f.typ) {
		c.add(f.name + " is not of a type(s) " + f.typ)
	} else if f.typ == "array" {
		items, _ := v.([]any)
		for i, item := range items {
			if _, ok := item.(string); !ok {
				c.add(f.name + "[" + strconv.Itoa(i) + "] is not of a type(s) string")
			}
		}
	}
	if f.enum != nil {
		if s, ok := v.(string); !ok || !slices.Contains(f.enum, s) {
			c.add(f.name + " is not one of enum values: " + strings.Join(f.enum, ","))
		}
	}
}

// storable reports whether Prisma would accept v for column f: the insert
// type check of fields the schema left out, the VarChar limits, and JSON
// null, which a Json column only takes as Prisma.JsonNull.
func storable(f botField, v any) bool {
	if v == nil {
		return f.typ != "array"
	}
	if !isType(v, f.typ) {
		return false
	}
	if s, ok := v.(string); ok && f.limit > 0 && utf8.RuneCountInString(s) > f.limit {
		return false
	}
	return true
}

// isInteger is JSON schema's integer: a number without a fractional part.
func isInteger(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	f, err := n.Float64()
	return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
}

// truthy is JavaScript's truthiness of a decoded JSON value.
func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	case json.Number:
		f, err := t.Float64()
		return err == nil && f != 0
	}
	return true
}

// sameValue compares stored JSON values (numbers by value).
func sameValue(a, b any) bool {
	na, okA := a.(json.Number)
	nb, okB := b.(json.Number)
	if okA && okB {
		fa, errA := na.Float64()
		fb, errB := nb.Float64()
		return errA == nil && errB == nil && fa == fb
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
