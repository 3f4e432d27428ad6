package client

import (
	"context"
	"fmt"
	"time"
)

// WaitForState polls connectionState until the instance reports want (for
// example StateOpen once a phone has paired), backing off from a short first
// poll up to maxPoll. It returns the last state seen, also on error. An
// instance that disappears or a refused key ends the wait at once; other
// errors are retried until ctx ends.
func (c *Client) WaitForState(ctx context.Context, name, want string, maxPoll time.Duration) (string, error) {
	var last string
	err := poll(ctx, maxPoll, func() (bool, error) {
		state, err := c.ConnectionState(ctx, name)
		switch {
		case err == nil:
			last = state
			return state == want, nil
		case IsNotFound(err) || isWrongPlace(err) || IsUnauthorized(err) || IsForbidden(err):
			return false, err
		}
		return false, nil
	})
	if err != nil {
		return last, fmt.Errorf("waiting for instance %q to be %s: %w", name, want, err)
	}
	return last, nil
}
