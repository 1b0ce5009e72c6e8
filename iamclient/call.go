package iamclient

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// operation is the shape of an IAM operation of the SDK, such as the method
// value c.api.ListUsers.
type operation[In, Out any] func(context.Context, *In, ...func(*iam.Options)) (*Out, error)

// change sends in with fn, discarding the answer, unless builtin says that
// the entity name is one of Astran's built-ins, which cannot be changed:
// then it gives [ErrBuiltin] and sends nothing. Errors are *Error values
// of op on name.
func change[In, Out any](ctx context.Context, builtin bool, op, name string, fn operation[In, Out], in *In) error {
	if builtin {
		return refuseBuiltin(op, name)
	}
	_, err := fn(ctx, in)
	return wrap(op, name, err)
}

// list pages through the IAM list operation fn (see [paginate]): in builds
// the request for a marker, and read takes the items, the next marker and
// the truncation flag from an answer.
func list[In, Out, T any](ctx context.Context, op, name string, fn operation[In, Out], in func(marker *string) *In, read func(*Out) page[T]) iter.Seq2[T, error] {
	return paginate(ctx, op, name, func(ctx context.Context, marker *string) (page[T], error) {
		out, err := fn(ctx, in(marker))
		if err != nil {
			return page[T]{}, err
		}
		return read(out), nil
	})
}

// page is one page of a list operation.
type page[T any] struct {
	items  []T
	marker *string // next marker when truncated
	more   bool
}

// paginate yields the items of every page fetched by fetch, starting with a
// nil marker. It stops at the first error (yielded with the zero T, wrapped
// as an *Error of op on name), when the
// consumer stops, or when the server repeats a marker.
func paginate[T any](ctx context.Context, op, name string, fetch func(ctx context.Context, marker *string) (page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var marker *string
		seen := map[string]bool{}
		for {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, wrap(op, name, err))
				return
			}
			p, err := fetch(ctx, marker)
			if err != nil {
				var zero T
				yield(zero, wrap(op, name, err))
				return
			}
			for _, it := range p.items {
				if !yield(it, nil) {
					return
				}
			}
			next := aws.ToString(p.marker)
			if !p.more || next == "" || seen[next] {
				return
			}
			seen[next] = true
			marker = p.marker
		}
	}
}

// apply returns the options that optFns set, starting from the zero value.
func apply[O any](optFns []func(*O)) O {
	var o O
	for _, fn := range optFns {
		fn(&o)
	}
	return o
}

// each takes a listing's result (items, err) and returns a function that,
// unless err is set, calls do with every item in order and stops at the
// first error: `each(c.ListX(ctx, name))(func(x X) error { ... })`. The
// cascading deletes use it so that each list is read just before its items
// are removed.
func each[T any](items []T, err error) func(do func(T) error) error {
	return func(do func(T) error) error {
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := do(it); err != nil {
				return err
			}
		}
		return nil
	}
}

// collect gathers seq into a slice, stopping at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	out := []T{}
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
