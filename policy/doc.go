// Package policy parses, validates and evaluates IAM policy documents with
// the semantics of AWS IAM, in Astran's dialect or in AWS's.
package policy
