// Package retry runs an operation again after transient failures, waiting
// with capped exponential backoff and full jitter between attempts.
//
// It is machinery for package [github.com/astran-oss/astran-go/sts].
package retry

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// Defaults used when a [Policy] field is zero.
const (
	DefaultMaxAttempts = 3
	DefaultBase        = 200 * time.Millisecond
	DefaultCap         = 5 * time.Second
)

// Policy says how often and how long to retry.
type Policy struct {
	// MaxAttempts is the total number of attempts, the first included.
	// Zero means DefaultMaxAttempts; one or less disables retries.
	MaxAttempts int
	// Backoff returns the wait before attempt number attempt+1 (attempt
	// counts from 1). Nil means ExpJitter(DefaultBase, DefaultCap).
	Backoff func(attempt int) time.Duration
	// OnRetry, when set, is called before each wait with the error that
	// caused it. It must not block.
	OnRetry func(attempt int, wait time.Duration, err error)
}

// ExpJitter returns "full jitter" exponential backoff: a uniformly random
// wait in [0, min(cap, base*2^(attempt-1))).
func ExpJitter(base, limit time.Duration) func(int) time.Duration {
	return func(attempt int) time.Duration {
		if attempt < 1 {
			attempt = 1
		}
		d := base
		for i := 1; i < attempt && d < limit; i++ {
			d *= 2
		}
		if d > limit {
			d = limit
		}
		if d <= 0 {
			return 0
		}
		return rand.N(d)
	}
}

// Attempts returns the effective number of attempts of p.
func (p Policy) Attempts() int {
	switch {
	case p.MaxAttempts == 0:
		return DefaultMaxAttempts
	case p.MaxAttempts < 1:
		return 1
	}
	return p.MaxAttempts
}

// Delay returns the effective wait after attempt.
func (p Policy) Delay(attempt int) time.Duration {
	if p.Backoff == nil {
		return ExpJitter(DefaultBase, DefaultCap)(attempt)
	}
	if d := p.Backoff(attempt); d > 0 {
		return d
	}
	return 0
}

// Do calls fn until it succeeds, returns an error that retryable rejects,
// the attempts are used up, or ctx ends. It returns fn's last error, or the
// context's error when ctx ended while waiting.
func Do(ctx context.Context, p Policy, retryable func(error) bool, fn func(context.Context) error) error {
	n := p.Attempts()
	var err error
	for attempt := 1; ; attempt++ {
		err = fn(ctx)
		if err == nil || attempt >= n || ctx.Err() != nil || !retryable(err) {
			return err
		}
		wait := p.Delay(attempt)
		if p.OnRetry != nil {
			p.OnRetry(attempt, wait, err)
		}
		if werr := Wait(ctx, wait); werr != nil {
			return fmt.Errorf("%w (retry abandoned: %w)", err, werr)
		}
	}
}

// Wait blocks for d or until ctx ends, whichever comes first, and returns
// ctx.Err() in the second case.
func Wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
