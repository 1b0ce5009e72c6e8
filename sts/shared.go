package sts

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/singleflight"
)

// shared runs fetch once for all the callers that ask g under key at the
// same time. The shared call is cancelled by no single caller: it runs
// under its own timeout, so that it always ends. A caller whose ctx ends
// stops waiting, with an error saying what it was doing.
func shared[T any](ctx context.Context, g *singleflight.Group, key, doing string, timeout time.Duration, fetch func(context.Context) (T, error)) (T, error) {
	ch := g.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		return fetch(fctx)
	})
	var zero T
	select {
	case <-ctx.Done():
		return zero, fmt.Errorf("sts: %s: %w", doing, ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			return zero, r.Err
		}
		return r.Val.(T), nil
	}
}
