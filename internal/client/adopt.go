package client

import (
	"context"
	"errors"
	"fmt"
)

// createOrAdopt is the one way the client sends a create that is not safe
// to repeat (an instance, a bot, an OpenAI credential): the server has no
// idempotency key, so a create whose answer was lost must be looked for
// before it is sent again, or it makes a second object, or fails on the
// first one ("Trigger already exists", "This API key is already
// registered") for ever after.
//
// create sends one attempt; an error that leaves the outcome unknown is an
// *AmbiguousError, any other ends the create. After an ambiguous failure,
// find looks for what the attempt may have made: found, it is adopted;
// not found, the create is sent again, at most the client's max retries
// times; an error from find ends the create (a *NameTakenError as it is,
// a failed look-up as an *UnresolvedCreateError). When every attempt was
// looked for and none had been made, the error is a *NotCreatedError: the
// provider knows the server did nothing, and must not say it may have.
func createOrAdopt[T any](ctx context.Context, c *Client, what string, fields map[string]any,
	create func(ctx context.Context, attempt int) (T, error),
	find func(ctx context.Context, createErr error) (T, bool, error),
) (res T, adopted bool, err error) {
	var zero T
	for attempt := 0; ; attempt++ {
		res, err := create(ctx, attempt)
		switch {
		case err == nil:
			return res, false, nil
		case !IsAmbiguous(err):
			return zero, false, err
		}
		logFields := map[string]any{"attempt": attempt + 1, "error": err.Error()}
		for k, v := range fields {
			logFields[k] = v
		}
		c.logf(ctx, LogWarn, fmt.Sprintf("l2msg %s create failed with an unknown outcome; looking for it", what), logFields)
		found, ok, ferr := find(ctx, err)
		var taken *NameTakenError
		switch {
		case errors.As(ferr, &taken):
			return zero, false, ferr
		case ferr != nil:
			return zero, false, &UnresolvedCreateError{Create: err, Lookup: ferr}
		case ok:
			c.logf(ctx, LogWarn, fmt.Sprintf("the failed create did make the l2msg %s; adopting it", what), fields)
			return found, true, nil
		}
		if attempt >= c.maxRetries {
			return zero, false, &NotCreatedError{Err: unambiguous(err), Attempts: attempt + 1}
		}
		if berr := c.backoff(ctx, attempt); berr != nil {
			return zero, false, errors.Join(&NotCreatedError{Err: unambiguous(err), Attempts: attempt + 1}, berr)
		}
	}
}

// unambiguous is err without the AmbiguousError that said its outcome was
// unknown: once a look-up has settled it, the underlying failure is all
// that is left to report.
func unambiguous(err error) error {
	var amb *AmbiguousError
	if errors.As(err, &amb) {
		return amb.Err
	}
	return err
}

// NotCreatedError is a create that failed every attempt, each of which was
// looked for afterwards and had not been made: the server holds nothing of
// it, and sending it again later is safe.
type NotCreatedError struct {
	Err error
	// Attempts is how many creates were sent.
	Attempts int
}

func (e *NotCreatedError) Error() string {
	return fmt.Sprintf("%v (the server did not make it: looked for after %s, it was not there)", e.Err, attemptsWord(e.Attempts))
}

func (e *NotCreatedError) Unwrap() error { return e.Err }

func attemptsWord(n int) string {
	if n == 1 {
		return "the failed attempt"
	}
	return fmt.Sprintf("each of %d failed attempts", n)
}
