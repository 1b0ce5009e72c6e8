package retry

import (
	"context"
	"errors"
	"testing"
	"time"
)

var errTransient = errors.New("transient")
var errFatal = errors.New("fatal")

func isTransient(err error) bool { return errors.Is(err, errTransient) }

func TestDo(t *testing.T) {
	noWait := func(int) time.Duration { return 0 }
	tests := []struct {
		name      string
		policy    Policy
		results   []error
		wantCalls int
		wantErr   error
	}{
		{"success", Policy{Backoff: noWait}, []error{nil}, 1, nil},
		{"transient then success", Policy{Backoff: noWait}, []error{errTransient, errTransient, nil}, 3, nil},
		{"attempts exhausted", Policy{Backoff: noWait}, []error{errTransient, errTransient, errTransient, nil}, 3, errTransient},
		{"fatal not retried", Policy{Backoff: noWait}, []error{errFatal, nil}, 1, errFatal},
		{"retries disabled", Policy{MaxAttempts: -1, Backoff: noWait}, []error{errTransient, nil}, 1, errTransient},
		{"five attempts", Policy{MaxAttempts: 5, Backoff: noWait}, []error{errTransient, errTransient, errTransient, errTransient, nil}, 5, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls, retries := 0, 0
			tt.policy.OnRetry = func(int, time.Duration, error) { retries++ }
			err := Do(t.Context(), tt.policy, isTransient, func(context.Context) error {
				calls++
				return tt.results[calls-1]
			})
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if calls != tt.wantCalls || retries != calls-1 {
				t.Errorf("calls = %d, retries = %d, want %d", calls, retries, tt.wantCalls)
			}
		})
	}
}

func TestDo_contextEndsDuringWait(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	p := Policy{Backoff: func(int) time.Duration { return time.Hour }, OnRetry: func(int, time.Duration, error) { cancel() }}
	err := Do(ctx, p, isTransient, func(context.Context) error { return errTransient })
	if !errors.Is(err, context.Canceled) || !errors.Is(err, errTransient) {
		t.Errorf("err = %v", err)
	}
}

func TestExpJitter(t *testing.T) {
	f := ExpJitter(100*time.Millisecond, time.Second)
	for attempt := 1; attempt < 40; attempt++ {
		limit := 100 * time.Millisecond << (attempt - 1)
		if attempt > 4 || limit > time.Second {
			limit = time.Second
		}
		for range 50 {
			if d := f(attempt); d < 0 || d >= limit {
				t.Fatalf("attempt %d: %v not in [0, %v)", attempt, d, limit)
			}
		}
	}
	if d := ExpJitter(0, 0)(1); d != 0 {
		t.Errorf("zero base: %v", d)
	}
}
