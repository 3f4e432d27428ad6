package client

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Terraform runs at most -parallelism deletes at once, and each holds its
// slot until its Delete returns. Were every Delete to wait for its own name,
// a destroy of N instances would cost at least one poll per batch,
// N/parallelism polls, and every batch would sit out the server's
// asynchronous delete. What a destroy must not do is report success before
// every name is gone: that is the end of its last Delete, not of each.
//
// So a Delete whose instance the server accepted to delete returns at once
// when another Delete of the client is under way: that one takes over the
// confirmation of every pending name, and hands it on in turn. The last one
// confirms them all, with one poll when the server is done. Which Delete is
// the last is judged by time: terraform needs a moment to start the next
// Delete after one returns, and stalls now and then (saving state, or
// starved of CPU), so the last waits a grace period, twice the longest gap
// seen between two Deletes starting, before it polls, and hands off still if
// a Delete starts meanwhile, even while it polls. A stall longer than the
// grace costs one more poll, not correctness.
//
// The price: a Delete that handed off has left state before its name is
// confirmed gone. If the confirmation fails, the error of the Delete that
// was confirming names every such instance, so none goes unnoticed. A
// create of a name deleted and not yet confirmed by this client waits for
// it (CreateOrAdopt), so a replacement never races its own delete.
const (
	handoffGraceMin = 500 * time.Millisecond
	handoffGraceMax = 3 * time.Second
	// deletePollMax caps the backoff between polls for names the server
	// still lists.
	deletePollMax = 5 * time.Second
)

// handoff is the part of deletions that tracks the Deletes under way.
type handoff struct {
	deleters int           // DeleteAndConfirm calls under way
	joined   chan struct{} // closed, and replaced, when one starts
	// lastStart and gap (the longest time between two starts) size the
	// grace period.
	lastStart time.Time
	gap       time.Duration
}

// begin records a DeleteAndConfirm starting; it takes over the
// confirmation of every pending name.
func (d *deletions) begin() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.init()
	now := time.Now()
	if !d.lastStart.IsZero() {
		d.gap = max(d.gap, now.Sub(d.lastStart))
	}
	d.lastStart = now
	d.deleters++
	close(d.joined)
	d.joined = make(chan struct{})
}

// grace is how long the last Delete waits for another to start; d.mu is
// held.
func (d *deletions) grace() time.Duration {
	return min(max(2*d.gap, handoffGraceMin), handoffGraceMax)
}

// UnconfirmedDeletesError lists the instances whose delete the server
// accepted but which were still listed, or not yet polled, when the wait for
// them stopped.
type UnconfirmedDeletesError struct {
	Names []string // sorted
	Err   error    // why the wait stopped
}

func (e *UnconfirmedDeletesError) Error() string {
	return fmt.Sprintf("the server accepted the delete of %s but had not been seen finishing it when the wait stopped: %v",
		NameList(e.Names), e.Err)
}

func (e *UnconfirmedDeletesError) Unwrap() error { return e.Err }

// Has reports whether name is among the unconfirmed.
func (e *UnconfirmedDeletesError) Has(name string) bool {
	_, found := slices.BinarySearch(e.Names, name)
	return found
}

// Others returns the unconfirmed names other than name.
func (e *UnconfirmedDeletesError) Others(name string) []string {
	return slices.DeleteFunc(slices.Clone(e.Names), func(n string) bool { return n == name })
}

// NameList names instances for a message: `instance "a"`, `instances "a", "b"`.
func NameList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return "instance " + q[0]
	}
	return "instances " + strings.Join(q, ", ")
}

// DeleteAndConfirm deletes an instance. It returns once every delete this
// client has had accepted is confirmed gone, or at once when another
// DeleteAndConfirm of the client is under way and takes that over (see
// above). deleteErr is the delete's own outcome (IsNotFound: the instance
// was gone already). waitErr, an *UnconfirmedDeletesError, lists the names
// the wait could not confirm, this call's own or those it took over; it
// ends with ctx, which the caller bounds with a deadline.
func (c *Client) DeleteAndConfirm(ctx context.Context, name string) (deleteErr, waitErr error) {
	c.deletions.begin()
	deleteErr = c.DeleteInstance(ctx, name)
	return deleteErr, c.settle(ctx)
}

// settle ends a DeleteAndConfirm: it hands the pending names on, or
// confirms them.
func (c *Client) settle(ctx context.Context) error {
	d := &c.deletions
	d.mu.Lock()
	d.deleters--
	if d.deleters > 0 {
		d.mu.Unlock()
		return nil
	}
	if !d.unconfirmed() {
		d.mu.Unlock()
		return nil
	}
	joined, grace := d.joined, d.grace()
	d.mu.Unlock()

	t := time.NewTimer(grace)
	select {
	case <-joined:
		t.Stop()
		return nil
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	return c.confirmPending(ctx, joined)
}

// unconfirmed drops the deletions already confirmed and reports whether
// any other is left; d.mu is held.
func (d *deletions) unconfirmed() bool {
	for name, p := range d.pending {
		if isClosed(p.done) && p.err == nil && p.waiters == 0 {
			delete(d.pending, name)
		}
	}
	return len(d.pending) > 0
}

// confirmPending waits until a poll has seen every pending name gone, or a
// Delete starts (joined) and takes over, or ctx ends.
func (c *Client) confirmPending(ctx context.Context, joined <-chan struct{}) error {
	d := &c.deletions
	d.mu.Lock()
	waiting := make([]*deletion, 0, len(d.pending))
	for _, p := range d.pending {
		waiting = append(waiting, p)
		if ctx.Err() == nil {
			c.await(ctx, p, deletePollMax)
		} else {
			p.waiters++
		}
	}
	d.mu.Unlock()

	handedOff := false
wait:
	for _, p := range waiting {
		select {
		case <-p.done:
		case <-joined:
			handedOff = true
			break wait
		case <-ctx.Done():
			break wait
		}
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	var names []string
	var cause error
	for _, p := range waiting {
		p.waiters--
		switch {
		case isClosed(p.done) && p.err == nil:
			if d.pending[p.name] == p {
				delete(d.pending, p.name)
			}
		case handedOff:
			// Still pending, or failed: the Delete that took over
			// confirms or reports it.
		case isClosed(p.done):
			names = append(names, p.name)
			cause = p.err
			if d.pending[p.name] == p {
				delete(d.pending, p.name)
			}
		default:
			// Still pending: it stays so, for a later Delete of this
			// client to confirm, or a create of the name to wait for.
			names = append(names, p.name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	if cause == nil {
		cause = ctx.Err()
	}
	slices.Sort(names)
	return &UnconfirmedDeletesError{Names: names, Err: cause}
}

// awaitPendingDelete waits for a delete of name that this client has had
// accepted and not yet seen finished; it returns at once for any other name.
func (c *Client) awaitPendingDelete(ctx context.Context, name string) error {
	d := &c.deletions
	d.mu.Lock()
	_, pending := d.pending[name]
	d.mu.Unlock()
	if !pending {
		return nil
	}
	return c.WaitForDeletion(ctx, name, deletePollMax)
}
