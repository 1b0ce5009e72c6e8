package iamclient

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// Error categories. Every error returned by a [Client] method is an *[Error]
// whose Kind is one of these (or nil when the failure fits none, e.g. a
// network error), so callers test them with errors.Is.
var (
	// ErrNotFound: the user, group, policy, role, version or provider does
	// not exist (IAM code NoSuchEntity).
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: an entity with that name already exists (IAM code
	// EntityAlreadyExists).
	ErrAlreadyExists = errors.New("already exists")
	// ErrDeleteConflict: the entity still has attachments, members or
	// versions (IAM code DeleteConflict). The cascade options avoid it.
	ErrDeleteConflict = errors.New("delete conflict")
	// ErrLimitExceeded: a quota was hit, e.g. five versions of a policy
	// (IAM code LimitExceeded).
	ErrLimitExceeded = errors.New("limit exceeded")
	// ErrAccessDenied: the caller's policies do not allow the call, or IAM
	// refused its credentials (expired, revoked, unknown, bad signature).
	ErrAccessDenied = errors.New("access denied")
	// ErrInvalidInput: a value was refused, locally (an invalid email or
	// policy document, before anything is sent) or by IAM (InvalidInput,
	// MalformedPolicyDocument, ValidationError).
	ErrInvalidInput = errors.New("invalid input")
	// ErrBuiltin: the call would modify or delete one of Astran's built-in
	// policies or groups. It is refused locally, before anything is sent
	// (and maps IAM's UnmodifiableEntity).
	ErrBuiltin = errors.New("built-in entities cannot be modified or deleted")
	// ErrNoEndpoint: the client was built without a partition or endpoint.
	ErrNoEndpoint = errors.New("no IAM endpoint: set Options.Partition, Options.BaseEndpoint or $ASTRAN_IAM_ENDPOINT")
)

// Error describes a failed operation. It wraps both its category (Kind, for
// errors.Is) and its cause (Err: the SDK error, from which errors.As reaches
// smithy.APIError, or the local validation error).
type Error struct {
	Op   string // the IAM operation, e.g. "CreateUser"
	Name string // the user, group, role, policy or provider concerned, if any
	Kind error  // one of the Err* categories, or nil
	Err  error  // the cause
}

// Error returns "iamclient: Op Name: kind: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("iamclient: ")
	b.WriteString(e.Op)
	if e.Name != "" {
		b.WriteString(" ")
		b.WriteString(e.Name)
	}
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Err != nil && e.Err != e.Kind {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the category and the cause.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil && e.Err != e.Kind {
		errs = append(errs, e.Err)
	}
	return errs
}

// Code returns the IAM error code (e.g. "NoSuchEntity"), or "" when the
// failure did not come from the API.
func (e *Error) Code() string {
	var apiErr smithy.APIError
	if errors.As(e.Err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// codeKinds maps IAM error codes to categories.
var codeKinds = map[string]error{
	"NoSuchEntity":                 ErrNotFound,
	"NoSuchEntityException":        ErrNotFound,
	"NotFound":                     ErrNotFound,
	"EntityAlreadyExists":          ErrAlreadyExists,
	"EntityAlreadyExistsException": ErrAlreadyExists,
	"DeleteConflict":               ErrDeleteConflict,
	"DeleteConflictException":      ErrDeleteConflict,
	"LimitExceeded":                ErrLimitExceeded,
	"LimitExceededException":       ErrLimitExceeded,
	"AccessDenied":                 ErrAccessDenied,
	"AccessDeniedException":        ErrAccessDenied,
	"InvalidClientTokenId":         ErrAccessDenied,
	"SignatureDoesNotMatch":        ErrAccessDenied,
	"ExpiredToken":                 ErrAccessDenied,
	"ExpiredTokenException":        ErrAccessDenied,
	"InvalidAccessKeyId":           ErrAccessDenied,
	"UnrecognizedClientException":  ErrAccessDenied,
	"InvalidInput":                 ErrInvalidInput,
	"MalformedPolicyDocument":      ErrInvalidInput,
	"ValidationError":              ErrInvalidInput,
	"ValidationException":          ErrInvalidInput,
	"InvalidParameterValue":        ErrInvalidInput,
	"UnmodifiableEntity":           ErrBuiltin,
}

// wrap classifies err, returned by operation op on name. It returns nil when
// err is nil.
func wrap(op, name string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) && e.Op == op {
		return err
	}
	return &Error{Op: op, Name: name, Kind: kindOf(err), Err: err}
}

func kindOf(err error) error {
	if errors.Is(err, ErrNoEndpoint) {
		return ErrNoEndpoint
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return codeKinds[apiErr.ErrorCode()]
	}
	return nil
}

// invalid returns a local validation error of op on name.
func invalid(op, name string, err error) error {
	return &Error{Op: op, Name: name, Kind: ErrInvalidInput, Err: err}
}

// refuseBuiltin returns the local refusal to modify a built-in.
func refuseBuiltin(op, name string) error {
	return &Error{Op: op, Name: name, Kind: ErrBuiltin}
}
