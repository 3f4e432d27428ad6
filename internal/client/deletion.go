package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// The server deletes asynchronously, so every delete is followed by polls
// until its name is gone. Polled one name at a time, a destroy of N
// instances costs N polls or more. Instead every delete of a client is
// tracked here, and one poll serves every name waiting at the time it is
// sent: the unfiltered listing when several names are due, the filtered
// fetch when one is. A name is confirmed gone only by a poll sent after its
// delete was answered.
//
// The first poll waits for the client's other deletes still in flight (at
// most gatherMax), so that a batch of deletes sent together, as terraform's
// parallelism sends them, is confirmed by one poll. The wait is as long as
// the slowest of them, a round trip, unless one is being retried. A name
// still listed is polled again with the caller's backoff; a poll for a
// newer name re-checks it at no cost.
const gatherMax = time.Second

// deletions is the client's shared deletion wait.
type deletions struct {
	mu       sync.Mutex
	inflight int // DELETE requests sent and not yet answered
	pending  map[string]*deletion
	running  bool          // a poller goroutine is alive
	wake     chan struct{} // nudges the poller: a name to poll or a delete answered
	// deleted are the names this client saw deleted: a poll confirmed
	// them gone, or their delete found them gone already. The server may
	// still refuse a create of one for a moment (see createFreedName).
	deleted map[string]bool
	handoff // see deletion_handoff.go
}

// deletion is one accepted delete whose name is not yet confirmed gone.
type deletion struct {
	name     string
	accepted time.Time // when the delete was answered
	// waiters counts the waits for this name under way. Only a deletion
	// someone waits for makes the poller poll, but every poll checks every
	// pending name, so one nobody waits for yet may be confirmed early.
	waiters int
	polled  bool          // a poll has seen the name still listed
	next    time.Time     // when it is due again once polled
	delay   time.Duration // its backoff
	maxPoll time.Duration
	done    chan struct{} // closed with err set when confirmed or failed
	err     error
}

// sawDeleted reports whether this client saw the instance of name deleted
// (and has not created it since).
func (d *deletions) sawDeleted(name string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.deleted[name]
}

// created forgets that name was deleted: its instance exists again.
func (d *deletions) created(name string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.deleted, name)
}

func (d *deletions) nudge() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// init prepares the zero value; d.mu is held.
func (d *deletions) init() {
	if d.pending == nil {
		d.pending = map[string]*deletion{}
		d.deleted = map[string]bool{}
		d.wake = make(chan struct{}, 1)
		d.joined = make(chan struct{})
	}
}

// sending and answered bracket a DELETE request (DeleteInstance).
func (d *deletions) sending() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init()
	d.inflight++
}

// answered records an accepted delete as pending: from now on a poll can
// confirm it, before or after its caller starts waiting. A delete answered
// "not found" found the instance gone already.
func (c *Client) answered(name string, err error) {
	d := &c.deletions
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init()
	d.inflight--
	if IsNotFound(err) {
		d.deleted[name] = true
	}
	if err == nil {
		// Polled only once someone waits for it (a delete alone sends
		// nothing more), but any poll sent from now on may confirm it.
		d.pending[name] = &deletion{name: name, accepted: time.Now(), done: make(chan struct{})}
	}
	d.nudge()
}

// startPoller starts the poller unless it runs; d.mu is held.
func (c *Client) startPoller(ctx context.Context) {
	d := &c.deletions
	if d.running {
		return
	}
	d.running = true
	// The poller serves every waiter: it keeps the first caller's values
	// (for logging) but not its cancellation.
	go c.pollDeletions(context.WithoutCancel(ctx))
}

// WaitForDeletion waits until a poll sent after the delete of name was
// answered no longer finds it, backing off from a short first poll up to
// maxPoll while the server still lists it. It stops when ctx ends; the
// caller bounds the wait with a deadline. Waits of concurrent deletes share
// their polls.
func (c *Client) WaitForDeletion(ctx context.Context, name string, maxPoll time.Duration) error {
	// A non-positive cap would make every later poll immediate: a busy loop
	// against the server for as long as the wait lasts.
	if maxPoll <= 0 {
		maxPoll = firstPoll
	}
	d := &c.deletions
	d.mu.Lock()
	d.init()
	p := d.pending[name]
	if p == nil {
		// No delete of this name went through this client: wait from now.
		p = &deletion{name: name, accepted: time.Now(), done: make(chan struct{})}
		d.pending[name] = p
	}
	c.await(ctx, p, maxPoll)
	d.mu.Unlock()

	var err error
	select {
	case <-p.done:
		err = p.err
	case <-ctx.Done():
		err = ctx.Err()
	}
	d.mu.Lock()
	switch {
	case isClosed(p.done):
		if d.pending[name] == p {
			delete(d.pending, name)
		}
	default:
		// Given up; it stays pending for whoever confirms the client's
		// deletes (DeleteAndConfirm).
		p.waiters--
	}
	d.mu.Unlock()
	if err != nil {
		return fmt.Errorf("waiting for instance %q to be deleted: %w", name, err)
	}
	return nil
}

// await registers a wait for p and makes sure the poller serves it; d.mu
// is held. The first wait sets the backoff.
func (c *Client) await(ctx context.Context, p *deletion, maxPoll time.Duration) {
	d := &c.deletions
	if p.maxPoll == 0 {
		p.maxPoll, p.delay = maxPoll, min(firstPoll, maxPoll)
	}
	p.waiters++
	if !isClosed(p.done) {
		c.startPoller(ctx)
		d.nudge()
	}
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// due returns the deletions the next poll should serve, and how long until
// it should be sent: as soon as the first awaited one is due; none when
// nobody waits. d.mu is held.
func (d *deletions) due(now time.Time) (batch []*deletion, wait time.Duration) {
	first := time.Time{}
	for _, p := range d.pending {
		if isClosed(p.done) {
			continue
		}
		batch = append(batch, p)
		if p.waiters == 0 {
			continue
		}
		at := p.next
		if !p.polled {
			at = p.accepted
			if d.inflight > 0 {
				// Other deletes are about to need a poll too.
				at = p.accepted.Add(gatherMax)
			}
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	if first.IsZero() { // nobody waits
		return nil, 0
	}
	return batch, first.Sub(now)
}

// pollDeletions sends the shared polls until no deletion is left pending.
func (c *Client) pollDeletions(ctx context.Context) {
	d := &c.deletions
	for {
		d.mu.Lock()
		batch, wait := d.due(time.Now())
		if len(batch) == 0 {
			d.running = false
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-d.wake:
				t.Stop()
			}
			continue
		}
		sent := time.Now()
		listed, err := c.pollNames(ctx, batch)
		d.mu.Lock()
		for _, p := range batch {
			switch {
			case isClosed(p.done):
			case err == nil && !listed[p.name]:
				d.deleted[p.name] = true
				close(p.done)
			case err != nil && permanentPollError(err):
				p.err = err
				close(p.done)
			default:
				p.polled = true
				p.next = sent.Add(p.delay)
				p.delay = min(p.delay*2, p.maxPoll)
			}
		}
		d.mu.Unlock()
	}
}

// pollNames asks which of the batch's names the server still lists.
func (c *Client) pollNames(ctx context.Context, batch []*deletion) (map[string]bool, error) {
	ctx, cancel := context.WithTimeout(ctx, listingTimeout)
	defer cancel()
	listed := map[string]bool{}
	if len(batch) == 1 {
		// One name: the filtered fetch answers with one row, where the
		// listing carries the whole account.
		name := batch[0].name
		_, err := c.FetchInstance(ctx, name)
		switch {
		case IsNotFound(err):
		case err != nil:
			return nil, err
		default:
			listed[name] = true
		}
		return listed, nil
	}
	// Only the names are read: a row's settings and integrations would
	// cost the decoding of the whole account at every poll.
	var rows []struct {
		Name     string `json:"name"`
		Instance *struct {
			InstanceName string `json:"instanceName"`
		} `json:"instance"` // v1
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/instance/fetchInstances", out: &rows}); err != nil {
		return nil, err
	}
	for _, r := range rows {
		listed[r.Name] = true
		if r.Instance != nil {
			listed[r.Instance.InstanceName] = true
		}
	}
	return listed, nil
}

// permanentPollError is an answer that waiting will not change: a refused
// key or a wrong base URL. Other errors are retried, so a flaky poll does
// not fail a destroy that the server has already accepted.
func permanentPollError(err error) bool {
	return IsUnauthorized(err) || IsForbidden(err) || isWrongPlace(err)
}
