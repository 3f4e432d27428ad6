package client

import (
	"context"
	"fmt"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// newLimiter returns nil (no limit) for 0. Requests are spaced evenly with a
// burst of one, so no second ever holds more than rps+1 requests: servers
// count their limits per window, and a burst at the start of an apply with
// high -parallelism is exactly what collects 429s.
func newLimiter(rps float64) (*rate.Limiter, error) {
	if rps == 0 {
		return nil, nil
	}
	if math.IsNaN(rps) || math.IsInf(rps, 0) || rps < 0 {
		return nil, fmt.Errorf("requests per second must be a number greater than 0, got %v", rps)
	}
	return rate.NewLimiter(rate.Limit(rps), 1), nil
}

// RequestsPerSecond returns the client's rate limit; 0 means none.
func (c *Client) RequestsPerSecond() float64 {
	if c.limiter == nil {
		return 0
	}
	return float64(c.limiter.Limit())
}

// throttle waits for the limiter's next slot. Unlike rate.Limiter.Wait, it
// does not fail early when the slot lies past the deadline: it waits and
// returns ctx.Err(), which callers already recognise.
func (c *Client) throttle(ctx context.Context) error {
	if c.limiter == nil {
		return nil
	}
	now := time.Now()
	r := c.limiter.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if c.slotTaken != nil {
		c.slotTaken(now.Add(d))
	}
	if d == 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		// Give the slot back so the requests still waiting move up.
		r.Cancel()
		return ctx.Err()
	}
}
