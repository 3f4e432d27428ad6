// Package emulator is an in-memory HTTP server that answers the routes of the
// l2msg / Evolution API v2 that the provider uses (instances, settings,
// webhook, Chatwoot, proxy, event streams and chatbots) the way the real
// server does: status codes, envelopes and quirks included.
//
// It is written from the server's behaviour, independently of
// internal/client, so that an encoding mistake in one is caught by the other
// instead of cancelled out. The sources are Evolution API's own code (tag
// 2.3.6) and the project's notes on it and on l2msg's documentation
// (l2msg-api.md, evolution-integrations.md), which are kept outside this
// repository (the maintainers keep them in ../shared/reference); the behaviours
// that matter to a reader of this code are summarized below and pinned by
// the emulator's tests. It uses only the standard library.
//
// Where the contract is silent, the emulator follows the Evolution v2.3 source:
//
//   - An enabled webhook sent with "events": [] is stored and reported with
//     every event name (AllEvents), because Evolution's webhook controller
//     expands the empty list before saving. Options.LiteralEmptyEvents stores
//     [] instead, for testing clients against servers that keep it literally.
//     A disabled webhook always stores [].
//   - An enabled webhook without "events" makes Evolution read .length of
//     undefined: on create that surfaces as 400 ["Cannot read properties of
//     undefined (reading 'length')"], on /webhook/set as an uncaught 500 with
//     that plain-string message.
//   - WHATSAPP-BAILEYS instances start "close"; qrcode:true at create connects
//     them at once, so the create answer says "connecting" and carries the QR.
//     WHATSAPP-BUSINESS and EVOLUTION instances talk to an API rather than a
//     phone, and Evolution starts them "open".
//   - The create answer has "webhook": {} when no webhook was given and no
//     "qrcode" key unless a QR was made (Evolution leaves it undefined).
//   - /settings/set answers 201 {"settings":{"instanceName":…,"settings":<body>}}
//     echoing the body as sent, like Evolution's SettingsService.create.
//   - /instance/restart on a closed instance answers 200
//     {"error":true,"message":"[object Object]"}: Evolution catches its own
//     BadRequestException there and stringifies it.
//   - fetchInstances with an instance's own key lists only the instances that
//     have that key (narrowed by the filters); none → 401.
//   - A body that is not valid JSON answers 400 with error "Internal Server
//     Error" and a plain-string message, as express's body-parser error does
//     through Evolution's error handler. A body without a JSON Content-Type
//     is treated as {} (express does not parse it).
//   - Unknown routes answer 404 {"message":["Cannot METHOD /path"]}; literal
//     path segments match case-insensitively and a trailing slash is ignored,
//     as in express.
//   - NEW_JWT_TOKEN (v1 only) is not an accepted event name.
//
// Deletes, as measured on the real server (Evolution API 2.3.6, see
// deletes.go):
//
//   - DELETE answers at once and the instance goes in the background: it is
//     listed (logged out) for 0.16–0.73 s more, and a second delete then
//     answers 200 again; once the listing stops showing it, a create of the
//     name still answers 403 `This name "…" is already in use.` for 0.08–0.27
//     s. Options.DeleteDelay keeps it listed longer; DeleteAtOnce removes it
//     and frees the name as the delete answers.
//   - Before that, the server delivers REMOVE_INSTANCE to the instance's
//     webhook when it is enabled and lists that event or none (every event),
//     and waits for the delivery and its retries: 10 attempts, the first wait
//     5 s, doubling, at most 300 s (Options.WebhookRetry shortens it). The
//     emulator never sends a webhook, since it must stay on loopback, so
//     "cannot be reached" is decided by the address: a host under the
//     reserved .invalid domain never resolves. Options.WebhookReceiversDown
//     makes every receiver unreachable, as the real server without outside
//     access finds them. A receiver that can be reached takes the event at
//     once.
//   - clientName in fetchInstances rows is the server's
//     DATABASE_CONNECTION_CLIENT_NAME, "evolution" by default
//     (Options.ClientName).
//
// Integrations (from evolution-integrations.md):
//
//   - Every integration's environment switch (CHATWOOT_ENABLED, …) is on by
//     default; Options.Disabled and SetSwitch turn one off.
//   - /proxy/set runs Evolution's proxy test, which fetches a public
//     IP-echo service directly and through the proxy, with no timeout, and
//     saves only when both succeed and differ: otherwise 400 "Invalid proxy"
//     and nothing saved, which is every proxy on a server without outside
//     access. Options.RefuseProxies does that, letting through only the
//     hosts in Options.WorkingProxies. By default the emulator, which never
//     leaves the machine, decides by the address instead:
//     a host under the reserved .invalid domain fails the test (400
//     "Invalid proxy"), as a name that never resolves does; a host in the
//     documentation networks 192.0.2.0/24, 198.51.100.0/24 or
//     203.0.113.0/24 hangs until the client gives up (or proxyHangLimit),
//     as an address that never answers does. Protocols other than http and
//     socks (2.3.6), ports outside 1–65535, and credentials that break the
//     proxy URL the server builds without escaping them (':' in the
//     username; '/', '?', '#', '\' or '%' in either) fail the test too.
//     Everything else passes.
//   - The proxy write is not awaited by Evolution: the first set without
//     username/password, or any value over 100 characters, answers 201 and
//     stores nothing.
//   - /chatwoot/set with autoCreate calls Chatwoot after saving the
//     configuration. The emulator models Chatwoot as reachable unless the
//     url's host is under .invalid: then the answer is 500 "getaddrinfo
//     ENOTFOUND <host>" and the configuration stays saved. Created inboxes
//     are listed in Snapshot.ChatwootInboxes. The first set does not store
//     signDelimiter. POST /chatwoot/webhook (Chatwoot's callback) is not
//     served.
//   - The event streams (websocket, rabbitmq, nats, sqs, kafka, pusher) answer
//     /{kind}/set and /{kind}/find as Evolution 2.3.6's EventController does:
//     [] of an enabled stream is stored as every event, a disabled one stores
//     [], an enabled one without "events" and a body without the kind's key
//     are uncaught TypeErrors (500). Switched off, set answers 201 and find
//     200, both with an empty body (not "null"), and nothing is stored;
//     Pusher's set ignores its switch. (SQS_GLOBAL_ENABLED=true, which also
//     makes /sqs/set do nothing, is not modelled.) fetchInstances carries the
//     Websocket, Rabbitmq, Nats and Sqs rows (or null) whatever the switches
//     say, and no Kafka or Pusher row.
//   - The chatbot routes (typebot, openai, dify, flowise, n8n, evoai,
//     evolutionBot, openai/creds) follow evolution-integrations.md §4: rule
//     errors are 500s with plain-string messages, every update failure is
//     "Error updating {Name}", create fills omitted behaviour fields from the
//     kind's default settings, and fetch returns a bot of any instance.
//     The bot schemas' isNotEmpty rules are not emulated (the reference does
//     not list them).
//   - A kind's settings row is made by the first write that needs it: a bot
//     create that leaves a behaviour field falsy (any OpenAI bot), from the
//     bot's own values, or a settings set. As on the real server (measured
//     on 2.3.6), two such writes of one instance and kind at the same time
//     both find no row and both insert one; the later insert fails and its
//     write answers 500 "Error setting default settings" having made
//     nothing, no bot either. The emulator holds the first insert back for
//     Options.SettingsRaceWindow (DefaultSettingsRaceWindow) so that writes
//     sent together meet as they do on the real server; the loser answers
//     once the winner's row is in. Options.NoSettingsRace makes them wait
//     for each other instead.
package emulator
