package policy

import "github.com/astran-oss/astran-go/policy/types"

// Parse parses and validates a JSON policy document.
//
// Parsing is strict: unknown elements, duplicate JSON keys, conflicting
// elements (Action with NotAction), missing required elements, values of the
// wrong type, unknown condition operators and malformed condition values are
// all errors. On failure the error is a *[SizeError] (document over the size
// limit), a *[SyntaxError] (malformed JSON, with line and column) or an
// [ErrorList] of every problem found, each a *[ValidationError] carrying the
// JSON path of the culprit and its line and column. All of them wrap the
// Err* sentinels.
//
// The zero options parse Astran's dialect with IAM's 6,144-character limit.
func Parse(data []byte, opts ...func(*ParseOptions)) (*Document, error) {
	return types.Parse(data, opts...)
}
