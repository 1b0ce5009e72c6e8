package sts_test

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Concurrent callers of a PasswordGrant or a Provider share one request,
// held here at the server: a caller whose context is cancelled or whose
// deadline passes stops waiting, but the shared request goes on, and a
// later caller gets its result, with a single password grant in all.
func TestShared_callersEndingDoNotAbort(t *testing.T) {
	tests := map[string]struct {
		gate func(f *fakeAstran) (gate, arrived chan struct{})
		call func(t *testing.T, f *fakeAstran) func(ctx context.Context) error
	}{
		"PasswordGrant.Token held at the token endpoint": {
			gate: (*fakeAstran).gateTokens,
			call: func(t *testing.T, f *fakeAstran) func(ctx context.Context) error {
				g := newGrant(t, f)
				return func(ctx context.Context) error { _, err := g.Token(ctx); return err }
			},
		},
		"Provider.Retrieve held at STS": {
			gate: (*fakeAstran).gateSTS,
			call: func(t *testing.T, f *fakeAstran) func(ctx context.Context) error {
				p := newProvider(t, f)
				return func(ctx context.Context) error { _, err := p.Retrieve(ctx); return err }
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			gate, arrived := tc.gate(f)
			call := tc.call(t, f)

			ctx, cancel := context.WithCancel(t.Context())
			errc := make(chan error, 1)
			go func() { errc <- call(ctx) }()
			<-arrived // the shared request is held
			// A second caller joins it with a deadline that passes.
			dctx, dcancel := context.WithDeadline(t.Context(), time.Now())
			defer dcancel()
			if err := call(dctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("deadline caller: %v", err)
			}
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled caller: %v", err)
			}
			f.wantJoined(t, gate, call)
		})
	}
}
