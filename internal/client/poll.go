package client

import (
	"context"
	"time"
)

// firstPoll is short so a quick server answers a quick wait; later polls
// back off, doubling up to the caller's cap.
const firstPoll = 200 * time.Millisecond

// poll calls check until it reports done or a permanent error, sleeping
// between calls with a backoff capped at maxPoll. It returns ctx's error
// when ctx ends first; the caller bounds the wait with a deadline.
func poll(ctx context.Context, maxPoll time.Duration, check func() (done bool, err error)) error {
	// A non-positive cap would make every later poll immediate: a busy loop
	// against the server for as long as the wait lasts.
	if maxPoll <= 0 {
		maxPoll = firstPoll
	}
	delay := min(firstPoll, maxPoll)
	for {
		done, err := check()
		if done || err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		delay = min(delay*2, maxPoll)
	}
}
