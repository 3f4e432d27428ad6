package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/l2msg/terraform-provider-l2msg/internal/emulator"
)

// badInput is one invalid configuration. want must match the error and
// name the attribute, since terraform prints nested paths only as the
// resource line.
type badInput struct {
	name string
	// provider replaces the provider block when set.
	provider string
	// env is set for the case; such cases cannot run in parallel.
	env  map[string]string
	body string
	want string
}

func badInputs(url string) []badInput {
	const ok = `instance_name = "x"`
	provider := func(extra string) string {
		return fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key  = %q\n  %s\n}\n", url, testAPIKey, extra)
	}
	keyOnly := fmt.Sprintf("provider \"l2msg\" {\n  api_key = %q\n}\n", testAPIKey)
	return []badInput{
		// resource attributes: empty, patterns, enums, sizes
		{name: "empty name", body: `instance_name = ""`, want: `(?s)instance_name.*must not be empty`},
		{name: "blank name", body: `instance_name = "   "`, want: `(?s)instance_name.*must not be empty`},
		{name: "slash in name", body: `instance_name = "a/b"`, want: `(?s)instance_name.*must not contain a slash`},
		{name: "oversize name", body: fmt.Sprintf("instance_name = %q", strings.Repeat("n", 256)), want: `(?s)instance_name.*character count must be at most 255`},
		{name: "oversize name in characters", body: fmt.Sprintf("instance_name = %q", strings.Repeat("é", 256)), want: `(?s)instance_name.*character count must be at most 255`},
		{name: "unknown integration", body: ok + "\n  integration = \"TELEGRAM\"", want: `(?s)integration.*value must be one of`},
		{name: "plus in number", body: ok + "\n  number = \"+5511999999999\"", want: `(?s)number.*country code first`},
		{name: "oversize number", body: ok + "\n  number = \"551199999999912345678\"", want: `(?s)number.*must be 6 to 20 digits`},
		{name: "business without number", body: ok + "\n  integration = \"WHATSAPP-BUSINESS\"", want: `(?s)number.*requires the business phone number`},
		// The server's columns: msgCall VarChar(100), webhook url VarChar(500).
		{name: "oversize msg_call", body: ok + fmt.Sprintf("\n  msg_call = %q", strings.Repeat("é", 101)), want: `(?s)msg_call.*character count must be at most 100`},
		{name: "oversize webhook url", body: ok + fmt.Sprintf("\n  webhook = { url = %q }", "https://h.example.com/"+strings.Repeat("p", 479)), want: `(?s)webhook\.url.*character count must be at most 500`},
		{name: "oversize token", body: ok + fmt.Sprintf("\n  token = %q", strings.Repeat("k", 256)), want: `(?s)token.*1 to 255 visible ASCII`},
		// types
		{name: "bool given a word", body: ok + "\n  reject_call = \"maybe\"", want: `(?s)reject_call.*a bool is required`},
		{name: "events given a string", body: ok + "\n  webhook = {\n url = \"https://h.example.com\"\n events = \"CALL\"\n}", want: `(?s)webhook.*events.*set of string required`},
		{name: "headers given a string", body: ok + "\n  webhook = {\n url = \"https://h.example.com\"\n headers = \"x\"\n}", want: `(?s)webhook.*headers.*map of string required`},
		{name: "unknown argument", body: ok + "\n  colour = \"red\"", want: `(?s)colour.*not expected here`},
		// webhook
		{name: "ftp webhook url", body: ok + "\n  webhook = { url = \"ftp://hooks.example.com\" }", want: `(?s)webhook\.url.*must\s+start\s+with\s+http://\s+or\s+https://`},
		{name: "relative webhook url", body: ok + "\n  webhook = { url = \"/hook\" }", want: `(?s)webhook\.url.*must\s+start\s+with`},
		{name: "webhook url without host", body: ok + "\n  webhook = { url = \"https://\" }", want: `(?s)webhook\.url.*has\s+no\s+host`},
		{name: "unparsable webhook url", body: ok + "\n  webhook = { url = \"http://exa mple.com\" }", want: `(?s)webhook\.url.*not\s+a\s+valid\s+URL`},
		{name: "unknown event", body: ok + "\n  webhook = {\n url = \"https://h.example.com\"\n events = [\"MESSAGE_UPSERT\"]\n}", want: `(?s)webhook.events.*value must be one of`},
		{name: "empty events", body: ok + "\n  webhook = {\n url = \"https://h.example.com\"\n events = []\n}", want: `(?s)webhook.events.*at least 1`},
		{name: "timeout not a duration", body: ok + "\n  timeouts {\n create = \"soon\"\n}", want: `(?s)Time Duration.*create = "soon"`},
		// provider attributes
		{name: "empty api_key", provider: fmt.Sprintf("provider \"l2msg\" {\n  base_url = %q\n  api_key = \"\"\n}\n", url), body: ok, want: `(?s)api_key.*must not be empty`},
		{name: "base_url without host", provider: fmt.Sprintf("provider \"l2msg\" {\n  base_url = \"http://\"\n  api_key = %q\n}\n", testAPIKey), body: ok, want: `(?s)base_url.*has\s+no\s+host`},
		{name: "negative max_retries", provider: provider("max_retries = -1"), body: ok, want: `(?s)max_retries.*at least 0`},
		{name: "max_retries given a word", provider: provider(`max_retries = "many"`), body: ok, want: `(?s)max_retries.*a number is required`},
		{name: "request_timeout not a duration", provider: provider(`request_timeout = "forever"`), body: ok, want: `(?s)request_timeout.*positive Go duration`},
		{name: "zero min_retry_delay", provider: provider(`min_retry_delay = "0s"`), body: ok, want: `(?s)min_retry_delay.*positive Go duration`},
		{name: "max_retry_delay below min", provider: provider("min_retry_delay = \"10s\"\n  max_retry_delay = \"1s\""), body: ok, want: `(?s)max_retry_delay.*must not be shorter than min_retry_delay`},
		// environment variables
		{name: "bad L2MSG_MAX_RETRIES", env: map[string]string{EnvMaxRetries: "lots"}, body: ok, want: `(?s)L2MSG_MAX_RETRIES.*max_retries.*whole number`},
		{name: "bad L2MSG_REQUEST_TIMEOUT", env: map[string]string{EnvRequestTimeout: "30"}, body: ok, want: `(?s)L2MSG_REQUEST_TIMEOUT.*request_timeout.*positive Go duration`},
		{name: "bad L2MSG_MIN_RETRY_DELAY", env: map[string]string{EnvMinRetryDelay: "-1s"}, body: ok, want: `(?s)L2MSG_MIN_RETRY_DELAY.*min_retry_delay`},
		{name: "L2MSG_MAX_RETRY_DELAY below the default min", env: map[string]string{EnvMaxRetryDelay: "10ms"}, body: ok, want: `(?s)max_retry_delay.*L2MSG_MAX_RETRY_DELAY.*must not be shorter`},
		{name: "bad L2MSG_BASE_URL", provider: keyOnly, env: map[string]string{EnvBaseURL: "localhost:8080"}, body: ok, want: `(?s)base_url.*L2MSG_BASE_URL.*must\s+start\s+with\s+http`},
	}
}

// TestAccInstance_badInputRejectedAtPlan: every invalid configuration fails
// at plan with the attribute named, and nothing reaches the server. The
// cases run in parallel.
func TestAccInstance_badInputRejectedAtPlan(t *testing.T) {
	t.Parallel()
	runBadInputs(t, false)
}

// TestAccInstance_badEnvironmentRejectedAtPlan: the same for the provider's
// environment variables. They change the process, which the in-process
// provider reads, so these cases run one at a time, in a test of their own
// that does not hold the others back.
func TestAccInstance_badEnvironmentRejectedAtPlan(t *testing.T) {
	runBadInputs(t, true)
}

// runBadInputs runs the cases of badInputs that set environment variables,
// or those that do not.
func runBadInputs(t *testing.T, withEnv bool) {
	emu, url := newEmulator(t, emulator.Options{})
	var cases []badInput
	for _, tc := range badInputs(url) {
		if (tc.env != nil) == withEnv {
			cases = append(cases, tc)
		}
	}
	if least := map[bool]int{false: 20, true: 5}[withEnv]; len(cases) < least {
		t.Fatalf("only %d bad inputs", len(cases))
	}
	// Parallel cases run after this function returns.
	t.Cleanup(func() {
		if st := emu.Stats(); st.Total != 0 {
			t.Errorf("bad input reached the server: %d requests, %d mutating (%v)", st.Total, st.Mutating, st.ByRoute)
		}
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			provider := tc.provider
			if provider == "" {
				provider = providerBlock(url)
			}
			test := resource.ParallelTest
			if withEnv {
				for k, v := range tc.env {
					t.Setenv(k, v)
				}
				test = resource.Test
			}
			test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:   provider + "resource \"l2msg_instance\" \"test\" {\n  " + tc.body + "\n}\n",
					PlanOnly: true,
					// terraform wraps long messages: any space may be a newline.
					ExpectError: regexp.MustCompile(strings.ReplaceAll(tc.want, " ", `\s+`)),
				}},
			})
		})
	}
}
