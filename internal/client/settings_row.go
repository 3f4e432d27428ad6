package client

import (
	"context"
	"sync"
)

// The server keeps one settings row per instance and chatbot kind, and
// makes it on the first write that needs it: a bot create (which copies its
// own values into the row) or a settings set. It looks for the row, then
// inserts it, in two queries: two such writes of one instance and kind at
// the same time both find no row, both insert, and the later insert fails.
// That write answers 500 "Error setting default settings" and has made
// nothing, not even the bot (measured on Evolution API 2.3.6: two bots and
// the settings of a kind on a new instance failed 4 applies out of 4 at
// terraform's default parallelism). So this client sends those writes one
// at a time per instance and kind; other instances and other kinds stay
// parallel. It serializes only its own writes: another program writing the
// same instance and kind at the same moment can still win the race.

// settingsRowLocks holds one lock per instance and kind with writers.
type settingsRowLocks struct {
	mu    sync.Mutex
	slots map[settingsRowKey]*settingsRowSlot
}

type settingsRowKey struct{ prefix, instance string }

type settingsRowSlot struct {
	held    chan struct{} // a one-place semaphore: full while a write is out
	waiters int           // writers holding or waiting; the slot goes at 0
}

// lock waits until no other write that may make the kind's settings row of
// the instance is out, or ctx ends; the returned func releases it.
func (l *settingsRowLocks) lock(ctx context.Context, kind BotKind, instance string) (unlock func(), err error) {
	key := settingsRowKey{kind.Prefix, instance}
	l.mu.Lock()
	if l.slots == nil {
		l.slots = map[settingsRowKey]*settingsRowSlot{}
	}
	s := l.slots[key]
	if s == nil {
		s = &settingsRowSlot{held: make(chan struct{}, 1)}
		l.slots[key] = s
	}
	s.waiters++
	l.mu.Unlock()
	leave := func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if s.waiters--; s.waiters == 0 {
			delete(l.slots, key)
		}
	}
	select {
	case s.held <- struct{}{}:
		return func() { <-s.held; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}

// withSettingsRow runs a write that may make the kind's settings row of the
// instance, alone among this client's such writes.
func (c *Client) withSettingsRow(ctx context.Context, kind BotKind, instance string, write func() error) error {
	unlock, err := c.settingsRows.lock(ctx, kind, instance)
	if err != nil {
		return err
	}
	defer unlock()
	return write()
}
