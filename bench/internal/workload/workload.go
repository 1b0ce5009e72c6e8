// Package workload describes the benchmark workloads in an engine-neutral
// form: policies as a small IAM-shaped intermediate representation, requests
// with the decision every engine must reach, and the translators that turn
// them into IAM JSON, Cedar and Rego text.
package workload

import (
	"slices"
	"strings"

	"github.com/astran-oss/astran-go/policy"
)

// Decision is the outcome of one evaluation: IAM's three decisions, valued
// as policy.Decision's, and Deny.
type Decision uint8

// Decisions. Deny is used by engines that cannot tell an explicit deny from
// an implicit one (MinIO returns a bool): it agrees with both deny kinds.
const (
	ImplicitDeny = Decision(policy.ImplicitDeny)
	ExplicitDeny = Decision(policy.ExplicitDeny)
	Allow        = Decision(policy.Allow)
	Deny         = Allow + 1
)

// String returns the decision's name.
func (d Decision) String() string {
	if d == Deny {
		return "Deny"
	}
	return policy.Decision(d).String()
}

// Agrees reports whether a peer's decision got is compatible with want.
// A plain Deny agrees with either deny kind; otherwise the values must match.
func Agrees(want, got Decision) bool {
	if got == Deny {
		return want == ImplicitDeny || want == ExplicitDeny
	}
	return want == got
}

// Condition is one IAM condition: operator, key and the values ORed together.
type Condition struct {
	Op     string // IAM operator: StringLike, StringEquals, IpAddress, Bool, DateGreaterThan, DateLessThan
	Key    string // IAM condition key, e.g. aws:SourceIp
	Values []string
}

// Statement is one IAM statement. Resources may contain ${aws:username}.
type Statement struct {
	Sid        string
	Deny       bool
	Actions    []string
	Resources  []string
	Conditions []Condition
}

// HasVariables reports whether the statement references a policy variable.
func (s Statement) HasVariables() bool {
	for _, r := range s.Resources {
		if strings.Contains(r, "${") {
			return true
		}
	}
	for _, c := range s.Conditions {
		for _, v := range c.Values {
			if strings.Contains(v, "${") {
				return true
			}
		}
	}
	return false
}

// Policy is a named list of statements.
type Policy struct {
	ID         string
	Statements []Statement
}

// Request is one authorization question with the expected answer. Context
// holds single-valued IAM condition keys; an absent key is not in the map.
type Request struct {
	Name     string
	Action   string
	Resource string
	Context  map[string]string
	Want     Decision
	// Vars marks requests whose evaluation expands a policy variable (their
	// action is granted by a statement that uses ${aws:username}).
	Vars bool
}

// Username returns the request's aws:username, or "".
func (r Request) Username() string { return r.Context[KeyUsername] }

// Workload is a set of policies and the requests evaluated against them.
type Workload struct {
	Name     string
	Policies []Policy
	Requests []Request
	// Builtin, when set, names a builtin.Document that our engine
	// loads instead of Policies[0] (the IR copy is what peers get).
	Builtin string
}

// Statements returns the number of statements over all policies.
func (w *Workload) Statements() int {
	n := 0
	for _, p := range w.Policies {
		n += len(p.Statements)
	}
	return n
}

// Actions returns the closed action universe that Cedar's translation
// expands IAM action wildcards over: the S3 action catalogue (S3Actions) plus
// every literal action the policies name, sorted. The requests are not
// consulted: a translator cannot know future requests.
func (w *Workload) Actions() []string {
	seen := map[string]bool{}
	for _, p := range w.Policies {
		for _, s := range p.Statements {
			for _, a := range s.Actions {
				if !strings.ContainsAny(a, "*?") {
					seen[a] = true
				}
			}
		}
	}
	for _, a := range S3Actions {
		seen[a] = true
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Usernames returns the sorted distinct aws:username values of the requests.
func (w *Workload) Usernames() []string {
	var out []string
	for _, r := range w.Requests {
		if u := r.Username(); u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return out
}

// Subset returns a copy of w with only the requests for which keep is true.
func (w *Workload) Subset(name string, keep func(Request) bool) *Workload {
	c := *w
	c.Name = name
	c.Requests = nil
	for _, r := range w.Requests {
		if keep(r) {
			c.Requests = append(c.Requests, r)
		}
	}
	return &c
}

// Condition keys used by the workloads.
const (
	KeyUsername  = "aws:username"
	KeySourceIP  = "aws:SourceIp"
	KeySecure    = "aws:SecureTransport"
	KeyTime      = "aws:CurrentTime"
	KeyUserAgent = "aws:UserAgent"
	KeyPrefix    = "s3:prefix"
)

// ContextKeys lists every condition key a workload may use, in a fixed order.
var ContextKeys = []string{KeyUsername, KeySourceIP, KeySecure, KeyTime, KeyUserAgent, KeyPrefix}

// S3Actions is the S3 action universe of the scaling workload: actions that
// every engine (MinIO validates action names) accepts. s3:GetObjectVersion is
// left out on purpose: MinIO treats it as also granting s3:GetObject.
var S3Actions = []string{
	"s3:AbortMultipartUpload", "s3:BypassGovernanceRetention", "s3:CreateBucket", "s3:DeleteBucket",
	"s3:DeleteBucketPolicy", "s3:DeleteObject", "s3:DeleteObjectTagging",
	"s3:DeleteObjectVersion", "s3:DeleteObjectVersionTagging", "s3:GetBucketCors",
	"s3:GetBucketLocation", "s3:GetBucketNotification", "s3:GetBucketObjectLockConfiguration",
	"s3:GetBucketPolicy", "s3:GetBucketPolicyStatus", "s3:GetBucketTagging", "s3:GetBucketVersioning",
	"s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetObject",
	"s3:GetObjectAttributes", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging",
	"s3:GetObjectVersionTagging", "s3:GetReplicationConfiguration",
	"s3:ListAllMyBuckets", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions",
	"s3:ListMultipartUploadParts", "s3:PutBucketCors", "s3:PutBucketNotification",
	"s3:PutBucketObjectLockConfiguration", "s3:PutBucketPolicy", "s3:PutBucketTagging",
	"s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration",
	"s3:PutObject", "s3:PutObjectLegalHold", "s3:PutObjectRetention", "s3:PutObjectTagging",
	"s3:PutObjectVersionTagging", "s3:PutReplicationConfiguration", "s3:ReplicateDelete",
	"s3:ReplicateObject", "s3:ReplicateTags", "s3:RestoreObject",
}
