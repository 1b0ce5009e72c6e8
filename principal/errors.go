package principal

import (
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Errors returned by this package wrap one of them; test
// with [errors.Is].
var (
	// ErrNotFound reports an identity, session, group or policy the store
	// does not know.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports a change the store refuses because of the
	// current state: deleting a policy that is still attached, creating
	// a sixth policy version.
	ErrConflict = errors.New("conflict")
	// ErrInvalid reports an argument the store refuses: a wrong ARN type,
	// an empty name, a nil document.
	ErrInvalid = errors.New("invalid argument")
	// ErrBuiltin reports an attempt to change a built-in policy or group.
	ErrBuiltin = errors.New("built-in entities cannot be changed")
	// ErrExpired reports a session whose credentials have expired.
	ErrExpired = errors.New("session expired")
	// ErrNoCaller reports a request with no identifiable caller.
	ErrNoCaller = errors.New("no caller")
)

// NotFoundError names what a store could not find. It wraps [ErrNotFound].
type NotFoundError struct {
	Kind string // "identity", "session", "group", "policy", "inline policy"
	Key  string // the ARN, access key ID or name looked up
}

// Error implements the error interface.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("principal: %s %q: %v", e.Kind, e.Key, ErrNotFound)
}

// Unwrap returns [ErrNotFound].
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// CallerError reports that the authorizer could not resolve a [Caller] to a
// live identity: the session is unknown or expired, or the user or role it
// stands for no longer exists. The decision that comes with it is always a
// deny. Err wraps [ErrNotFound], [ErrExpired] or [ErrNoCaller]; a failing
// store is reported with its own error instead.
type CallerError struct {
	Caller Caller
	// Expiration is set when the session expired.
	Expiration time.Time
	Err        error
}

// Error implements the error interface.
func (e *CallerError) Error() string {
	return fmt.Sprintf("principal: resolving caller %s: %v", e.Caller, e.Err)
}

// Unwrap returns the cause.
func (e *CallerError) Unwrap() error { return e.Err }

func notFound(kind, key string) error { return &NotFoundError{Kind: kind, Key: key} }
