package policy

import "github.com/astran-oss/astran-go/policy/types"

// The document side of the data model lives in package types; these aliases
// make it part of this package's API. Each name is documented there.

// Dialect selects the flavour of the policy language. See [types.Dialect].
type Dialect = types.Dialect

// The dialects. See [types.Astran].
const (
	// Astran is Astran's dialect, the default. See [types.Astran].
	Astran = types.Astran
	// AWS is Amazon's dialect. See [types.AWS].
	AWS = types.AWS
)

// Effect is the effect of a statement. See [types.Effect].
type Effect = types.Effect

// The two effects. See [types.EffectAllow].
const (
	EffectAllow = types.EffectAllow
	EffectDeny  = types.EffectDeny
)

// Version strings of the policy language. See [types.Version2012].
const (
	Version2012 = types.Version2012
	Version2008 = types.Version2008
)

// DefaultMaxSize is the default document size limit, in characters. See
// [types.DefaultMaxSize].
const DefaultMaxSize = types.DefaultMaxSize

// Document is an IAM policy document. See [types.Document].
type Document = types.Document

// Statement is one statement of a [Document]. See [types.Statement].
type Statement = types.Statement

// Condition is a condition block. See [types.Condition].
type Condition = types.Condition

// Principal is the value of a Principal or NotPrincipal element. See
// [types.Principal].
type Principal = types.Principal

// ParseOptions configures [Parse] and [types.Document.Validate]. See
// [types.ParseOptions].
type ParseOptions = types.ParseOptions

// CompileOptions configures [Compile]. See [types.CompileOptions].
type CompileOptions = types.CompileOptions

// Policy is a named document, as given to [Compile]. See [types.Policy].
type Policy = types.Policy

// Locator finds elements of a JSON policy document by their JSON path. See
// [types.Locator].
type Locator = types.Locator

// Sentinel errors, one per category: every error of [Parse],
// [types.Document.Validate] and [Compile] wraps one or more of them (test with
// [errors.Is]). They are the values of package types. See [types.ErrSyntax].
var (
	ErrSyntax          = types.ErrSyntax          // malformed JSON
	ErrTooLarge        = types.ErrTooLarge        // a document over the size limit
	ErrTooDeep         = types.ErrTooDeep         // JSON nested too deeply
	ErrUnknownField    = types.ErrUnknownField    // an element the grammar does not have
	ErrDuplicateKey    = types.ErrDuplicateKey    // a JSON object key given twice
	ErrDuplicateSid    = types.ErrDuplicateSid    // two statements with the same Sid
	ErrMissingField    = types.ErrMissingField    // a required element absent
	ErrConflict        = types.ErrConflict        // elements that exclude each other
	ErrInvalidType     = types.ErrInvalidType     // a JSON value of the wrong type
	ErrInvalidValue    = types.ErrInvalidValue    // a value that is not allowed
	ErrUnknownOperator = types.ErrUnknownOperator // an unknown condition operator
)

// SyntaxError is a JSON syntax error. See [types.SyntaxError].
type SyntaxError = types.SyntaxError

// SizeError reports a document over the size limit. See [types.SizeError].
type SizeError = types.SizeError

// ValidationError is one problem in a document. See [types.ValidationError].
type ValidationError = types.ValidationError

// ErrorList is every problem found in one document. See [types.ErrorList].
type ErrorList = types.ErrorList

// CompileError reports an invalid policy given to [Compile]. See
// [types.CompileError].
type CompileError = types.CompileError
