package emulator

import (
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"time"
)

// The real server deletes an instance in the background, in two stages that
// were measured on Evolution API 2.3.6 (see doc.go):
//
//   - after DELETE answers, fetchInstances still lists the instance for
//     0.16–0.73 s (listLagMin..listLagMax);
//   - once it no longer does, a create of the name still answers 403 `This
//     name "…" is already in use.` for a further 0.08–0.27 s
//     (nameHoldMin..nameHoldMax).
//
// Before either, it delivers REMOVE_INSTANCE to the instance's webhook, when
// the webhook is enabled and gets that event, and waits for the delivery
// with its retries; a receiver that cannot be reached holds the delete for
// the whole retry schedule (about 20 minutes).
const (
	listLagMin  = 160 * time.Millisecond
	listLagMax  = 730 * time.Millisecond
	nameHoldMin = 80 * time.Millisecond
	nameHoldMax = 270 * time.Millisecond

	// DeleteAtOnce, as Options.DeleteDelay, removes a deleted instance and
	// frees its name as the delete answers, with no lag at all.
	DeleteAtOnce time.Duration = -1

	// MaxDeleteLag is the longest the measured lag keeps a deleted
	// instance's name taken after the delete answered (no webhook hold).
	MaxDeleteLag = listLagMax + nameHoldMax

	// The server's retries of an event it cannot deliver: 10 attempts, the
	// first wait 5 s, doubling, each at most 300 s (60 times the first).
	webhookAttempts        = 10
	defaultWebhookRetry    = 5 * time.Second
	webhookRetryCapInFirst = 60
)

// between returns a random duration in [lo, hi].
func between(lo, hi time.Duration) time.Duration {
	return lo + rand.N(hi-lo+1)
}

// listLag is how long a deleted instance stays listed: Options.DeleteDelay
// when set, else the measured lag.
func (s *Server) listLag() time.Duration {
	if s.deleteDelay > 0 {
		return s.deleteDelay
	}
	return between(listLagMin, listLagMax)
}

// WebhookHold is how long the server retries an event its webhook receiver
// never takes, for a first wait of first (Options.WebhookRetry): the sum of
// the nine waits between ten attempts. 1215 s for the real 5 s.
func WebhookHold(first time.Duration) time.Duration {
	var total time.Duration
	wait := first
	for range webhookAttempts - 1 {
		total += min(wait, webhookRetryCapInFirst*first)
		wait *= 2
	}
	return total
}

// removeEventHold is how long delivering REMOVE_INSTANCE holds up the delete
// of inst: the whole retry schedule when its webhook is enabled, gets the
// event and its receiver cannot be reached; nothing otherwise (a receiver
// that can be reached takes it at once). The store lock is held.
func (s *Server) removeEventHold(inst *instance) time.Duration {
	wh := inst.webhook
	if wh == nil || !wh.enabled {
		return 0
	}
	// [] is every event, on a server that stores it literally too.
	if len(wh.events) > 0 && !slices.Contains(wh.events, "REMOVE_INSTANCE") {
		return 0
	}
	if !s.receiverDown(wh.url) {
		return 0
	}
	return WebhookHold(s.webhookRetry)
}

// receiverDown decides whether a webhook receiver can be reached. The
// emulator never sends a webhook (it must not leave loopback), so it decides
// by the address, as for proxies and Chatwoot: a host under the reserved
// .invalid domain never resolves. Options.WebhookReceiversDown makes every
// receiver unreachable, as a server without outside access finds them.
func (s *Server) receiverDown(raw string) bool {
	if s.webhookReceiversDown {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return host == "invalid" || strings.HasSuffix(host, ".invalid")
}

// startDelete schedules the removal of inst, whose delete was just
// answered; a second delete while it is pending changes nothing. The store
// lock is held.
func (s *Server) startDelete(inst *instance) {
	switch {
	case s.deleteDelay < 0:
		s.removeLocked(inst.name)
	case inst.deleteAt.IsZero():
		inst.deleteAt = s.now().Add(s.removeEventHold(inst) + s.listLag())
		inst.nameHold = between(nameHoldMin, nameHoldMax)
		s.pending++
	}
}

// nameHeld reports whether a create of name is refused although no instance
// of that name is listed: its delete is finishing. The store lock is held
// (lock has dropped the holds that ended).
func (s *Server) nameHeld(name string) bool {
	_, held := s.heldNames[name]
	return held
}
