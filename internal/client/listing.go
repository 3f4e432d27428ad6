package client

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// A refresh of N instances would otherwise ask fetchInstances N times. The
// unfiltered listing holds every instance with its settings, so one request
// can answer every lookup of a terraform walk: the provider configures a new
// client for each walk, so the listing lives no longer than one command.
//
// Staleness: the listing is a snapshot, like any refresh that reads
// instances one after another. It is dropped by every write this client
// makes (a plan or a refresh makes none; an apply does not read back through
// it), and it is refetched once older than listingMaxAge, so that a very
// long refresh on a slow network does not report many-minutes-old values
// for the instances it reaches last. Terraform's own walk of 500 resources
// takes 20 to 40 seconds on two cores, without any provider (bench/results):
// the age must exceed that, or a fleet's refresh costs a second listing for
// nothing. A change made by someone else while the refresh runs may be
// missed either way; the next plan sees it.
const (
	listingMaxAge = 2 * time.Minute
	// A failed listing is not retried for every lookup: lookups go to the
	// server one by one until then, as they did without a listing.
	failedListingMaxAge = 5 * time.Second
	// listingTimeout bounds a shared fetch, which no single caller's
	// context owns.
	listingTimeout = 2 * time.Minute
)

// listing is the client's shared fetchInstances answer.
type listing struct {
	mu   sync.Mutex
	gen  uint64 // bumped by every write
	snap *listingSnapshot
	// fetches joins the lookups that need a listing of the same generation
	// into one request.
	fetches singleflight.Group
	now     func() time.Time // nil: time.Now; tests set it
}

type listingSnapshot struct {
	gen    uint64
	at     time.Time
	byName map[string]Instance
	err    error // the fetch failed: look names up one by one
}

func (l *listing) clock() time.Time {
	if l.now != nil {
		return l.now()
	}
	return time.Now()
}

// invalidate drops the listing. A fetch already in flight still answers the
// lookups that joined it, which started before the write, but its answer is
// not kept for later ones.
func (l *listing) invalidate() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gen++
	l.snap = nil
}

// LookupInstance returns one instance by name, like FetchInstance, but
// serves it from a listing of every instance shared by all lookups until
// the next write (see listingMaxAge). A name missing from the listing is
// looked up on its own before it is reported as not found: the listing may
// predate the instance, or leave out instances the key cannot list.
func (c *Client) LookupInstance(ctx context.Context, name string) (*Instance, error) {
	snap, err := c.sharedListing(ctx)
	if err != nil {
		return nil, err
	}
	if snap.err == nil {
		if inst, ok := snap.byName[name]; ok {
			// The copy shares its rows with the listing: copy them too,
			// so a caller cannot change what other lookups see.
			inst.cloneRows()
			return &inst, nil
		}
	}
	return c.FetchInstance(ctx, name)
}

// sharedListing returns a current listing, fetching it at most once however
// many lookups ask at the same time. The error is only ever ctx's.
func (c *Client) sharedListing(ctx context.Context) (*listingSnapshot, error) {
	l := &c.listing
	s, gen := l.current()
	if s != nil {
		return s, nil
	}

	// The fetch carries the first caller's values but not its
	// cancellation: one lookup giving up must not fail the others waiting
	// on the same answer. DoChan runs it in its own goroutine, so a caller
	// whose context ends stops waiting without stopping it.
	detached := context.WithoutCancel(ctx)
	answer := l.fetches.DoChan(strconv.FormatUint(gen, 10), func() (any, error) {
		// A fetch that ended between current() above and DoChan has
		// left the group but kept its answer: use it rather than fetch
		// again.
		if s, _ := l.current(); s != nil && s.gen == gen {
			return s, nil
		}
		return c.fetchListing(detached, gen), nil
	})
	select {
	case r := <-answer:
		snap, _ := r.Val.(*listingSnapshot) // always: fetchListing's answer
		return snap, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// current returns the kept listing when it is of the current generation
// and fresh, and the current generation either way.
func (l *listing) current() (*listingSnapshot, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.snap; s != nil && s.gen == l.gen && l.fresh(s) {
		return s, l.gen
	}
	return nil, l.gen
}

func (l *listing) fresh(s *listingSnapshot) bool {
	maxAge := listingMaxAge
	if s.err != nil {
		maxAge = failedListingMaxAge
	}
	return l.clock().Sub(s.at) < maxAge
}

// fetchListing runs one shared fetch of generation gen, and keeps its
// answer for later lookups unless a write came in meanwhile.
func (c *Client) fetchListing(ctx context.Context, gen uint64) *listingSnapshot {
	ctx, cancel := context.WithTimeout(ctx, listingTimeout)
	defer cancel()
	l := &c.listing
	at := l.clock()
	list, err := c.FetchInstances(ctx)
	snap := &listingSnapshot{gen: gen, at: at, err: err}
	if err == nil {
		snap.byName = make(map[string]Instance, len(list))
		for _, inst := range list {
			snap.byName[inst.Name] = inst
		}
	}

	l.mu.Lock()
	if l.gen == gen {
		l.snap = snap
	}
	l.mu.Unlock()
	return snap
}
