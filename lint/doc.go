// Package lint checks IAM policy documents for the mistakes that the
// grammar accepts: actions that do not exist or are written in the wrong
// case (Astran compares action names case-sensitively), condition keys
// the actions never carry, operators of the wrong type, resources no
// action acts on, grants far broader than intended, and statements that
// change nothing.
//
// [Check] lints a [policy.Document]; [CheckJSON] lints JSON and locates
// each finding by line and column:
//
//	for _, f := range lint.CheckJSON(data) {
//		fmt.Println(f) // 4:17: error ACTION_CASE Statement[0].Action[1]: ...
//	}
//
// Each [Finding] has a stable code, a [Severity] graded as IAM Access
// Analyzer grades its policy checks (error, security warning, warning,
// suggestion), the JSON path of the offending element and, when it is
// certain, a [Fix]. [Rules] lists every check with its explanation. Checks
// know the services from package
// [github.com/astran-oss/astran-go/catalog]; the policy type (identity,
// resource or trust) is inferred ([InferType]) or given in [Options].
// [Options.Ignore] silences a check for the document or for one statement,
// by Sid.
//
// Check and CheckJSON are pure functions, safe for concurrent use. The
// checks that compare pairs (statements against each other, the entries of
// one list) are skipped beyond 512 elements, so that a hostile document
// cannot make them quadratic; IAM's size limit keeps real policies far
// below.
//
// Package lint/linttest has a test helper, NoFindings, that fails a test
// for every finding.
package lint
