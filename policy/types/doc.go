// Package types holds the data model of package policy: documents, requests,
// results and errors. Programs use it through package
// [github.com/astran-oss/astran-go/policy], which aliases every name here.
//
// Besides the types and their methods (Document's Validate, Clone,
// MarshalJSON and UnmarshalJSON), the package holds the decoder of policy
// documents behind [Parse], which policy.Parse calls: Document.UnmarshalJSON
// parses, a method lives with its type, and an internal package of policy
// could not import the types it decodes into without a cycle. The decoder has
// two paths: a fast one that reads a valid document straight from the JSON
// tokens, and a full one that builds a tree of the document and reports every
// problem with its path, line and column. The evaluator lives in package
// policy and its internal packages.
package types
