package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// botKind is what one chatbot integration adds to the shared fields.
type botKind struct {
	api client.BotKind
	// resource is the bot resource's name after "l2msg_"; settings the
	// settings resource's.
	resource, settings string
	// title names the kind in messages and docs.
	title string
	// does says how a bot of the kind answers, for the page's first sentence.
	does string
	// fields are the kind's own attributes.
	fields []field
	// dupCreate and dupUpdate are the JSON fields the server requires to
	// differ between two bots of the kind, on create and on update.
	dupCreate, dupUpdate []string
	// rule checks the kind's own plan-time rules (OpenAI's bot types).
	rule func(v botValues, add func(attr, msg string))
	// settingsFields are the kind's own default settings.
	settingsFields []field
}

var (
	typebotKind = &botKind{
		api: client.Typebot, resource: "typebot", settings: "typebot_settings", title: "Typebot",
		does: "by running a Typebot flow",
		fields: []field{
			urlField("url", "url", "the Typebot server (the viewer)", true, 500),
			{name: "typebot", wire: "typebot", required: true, limit: 100, desc: "The public id of the Typebot flow."},
		},
		dupUpdate: []string{"url", "typebot"},
	}
	openaiKind = &botKind{
		api: client.OpenAI, resource: "openai_bot", settings: "openai_settings", title: "OpenAI bot",
		does: "with an OpenAI assistant or chat model, through an `l2msg_openai_credential`",
		fields: []field{
			{name: "openai_creds_id", wire: "openaiCredsId", required: true, replace: true,
				desc: "The id of the `l2msg_openai_credential` the bot uses, a credential of the same instance: another instance's is " +
					"refused before anything is sent. The server deletes a bot with its credential, so a new credential means a new bot."},
			{name: "bot_type", wire: "botType", required: true, oneOf: []string{"assistant", "chatCompletion"},
				desc: "`assistant` (an OpenAI assistant, `assistant_id`) or `chatCompletion` (a model, `model` and `max_tokens`)."},
			{name: "assistant_id", wire: "assistantId", limit: 255, desc: "The OpenAI assistant's id; required with `bot_type = \"assistant\"`."},
			{name: "function_url", wire: "functionUrl", limit: 500, url: true, desc: "A URL the assistant's function calls are sent to."},
			{name: "model", wire: "model", limit: 100, desc: "The chat model, such as `gpt-4o-mini`; required with `bot_type = \"chatCompletion\"`."},
			{name: "max_tokens", wire: "maxTokens", typ: fInt, min: 1, desc: "The most tokens of an answer; required with `bot_type = \"chatCompletion\"`."},
			{name: "system_messages", wire: "systemMessages", typ: fStrings, desc: "System messages sent before the conversation (chatCompletion)."},
			{name: "assistant_messages", wire: "assistantMessages", typ: fStrings, desc: "Assistant messages sent before the conversation (chatCompletion)."},
			{name: "user_messages", wire: "userMessages", typ: fStrings, desc: "User messages sent before the conversation (chatCompletion)."},
		},
		rule: func(v botValues, add func(attr, msg string)) {
			switch stringOf(v["bot_type"]) {
			case "assistant":
				if isNullValue(v["assistant_id"]) {
					add("assistant_id", "assistant_id is required when bot_type is \"assistant\".")
				}
			case "chatCompletion":
				if isNullValue(v["model"]) {
					add("model", "model is required when bot_type is \"chatCompletion\".")
				}
				if isNullValue(v["max_tokens"]) {
					add("max_tokens", "max_tokens is required when bot_type is \"chatCompletion\".")
				}
			}
		},
		settingsFields: []field{
			{name: "openai_creds_id", wire: "openaiCredsId", required: true,
				desc: "The id of the `l2msg_openai_credential` the defaults use, a credential of the same instance: another instance's " +
					"is refused before anything is sent. The server can move this link to another credential but never clear it, " +
					"and refuses to delete a credential the defaults use."},
			{name: "speech_to_text", wire: "speechToText", typ: fBool, def: false, desc: "Whether voice messages are transcribed for the bots. Defaults to `false`."},
		},
	}
	difyKind = &botKind{
		api: client.Dify, resource: "dify_bot", settings: "dify_settings", title: "Dify bot",
		does: "by passing them to a Dify app",
		fields: []field{
			{name: "bot_type", wire: "botType", required: true, oneOf: []string{"chatBot", "textGenerator", "agent", "workflow"},
				desc: "The kind of Dify app: `chatBot`, `textGenerator`, `agent` or `workflow`."},
			urlField("api_url", "apiUrl", "the Dify API", false, 255),
			apiKeyField("Dify"),
		},
		dupCreate: []string{"botType", "apiUrl", "apiKey"},
	}
	flowiseKind = &botKind{
		api: client.Flowise, resource: "flowise_bot", settings: "flowise_settings", title: "Flowise bot",
		does:      "by passing them to a Flowise flow",
		fields:    []field{urlField("api_url", "apiUrl", "the Flowise prediction endpoint", true, 255), apiKeyField("Flowise")},
		dupCreate: []string{"apiUrl", "apiKey"},
	}
	n8nKind = &botKind{
		api: client.N8n, resource: "n8n_bot", settings: "n8n_settings", title: "n8n bot",
		does: "by passing them to an n8n workflow's webhook",
		fields: []field{
			urlField("webhook_url", "webhookUrl", "the n8n workflow's webhook", true, 255),
			{name: "basic_auth_user", wire: "basicAuthUser", limit: 255, desc: "The user of the webhook's basic authentication."},
			// The server stores basicAuthPass; the basicAuthPassword its
			// schema lists is ignored.
			{name: "basic_auth_pass", wire: "basicAuthPass", secret: true, limit: 255, desc: "The password of the webhook's basic authentication."},
		},
		dupCreate: []string{"webhookUrl", "basicAuthUser", "basicAuthPass"},
	}
	evoaiKind = &botKind{
		api: client.EvoAI, resource: "evoai_bot", settings: "evoai_settings", title: "EvoAI bot",
		does:      "by passing them to an EvoAI agent",
		fields:    []field{urlField("agent_url", "agentUrl", "the EvoAI agent", true, 255), apiKeyField("EvoAI")},
		dupCreate: []string{"agentUrl", "apiKey"},
	}
	evolutionKind = &botKind{
		api: client.EvolutionBot, resource: "evolution_bot", settings: "evolution_bot_settings", title: "Evolution bot",
		does:      "by passing each one to your own API (`api_url`), whose answer it sends back",
		fields:    []field{urlField("api_url", "apiUrl", "the bot's API, which receives each message and answers it", true, 255), apiKeyField("the bot's API")},
		dupUpdate: []string{"apiUrl", "apiKey"},
	}

	botKinds = []*botKind{typebotKind, openaiKind, difyKind, flowiseKind, n8nKind, evoaiKind, evolutionKind}
)

// updateDup is the duplicate check of update, which is create's unless
// the kind has its own.
func (k *botKind) updateDup() []string {
	if k.dupUpdate != nil {
		return k.dupUpdate
	}
	return k.dupCreate
}

// chatbotResources are the constructors of every bot, settings and
// credential resource.
func chatbotResources() []func() resource.Resource {
	var out []func() resource.Resource
	for _, k := range botKinds {
		out = append(out,
			func() resource.Resource { return &botResource{kind: k} },
			func() resource.Resource { return &botSettingsResource{kind: k} },
		)
	}
	return append(out, NewOpenAICredentialResource)
}

// article is "a" or "an" for a title: "an OpenAI bot", "an n8n bot".
func article(title string) string {
	if title != "" && strings.ContainsRune("AEIOUaeiou", rune(title[0])) || strings.HasPrefix(title, "n8n") {
		return "An"
	}
	return "A"
}
