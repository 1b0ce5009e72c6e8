package arn

import "github.com/astran-oss/astran-go/internal/glob"

// Match reports whether value matches the IAM wildcard pattern.
//
//   - "*" matches any run of characters, including the empty run. It crosses
//     every character, ":" and "/" included: "arn:*" matches any value that
//     starts with "arn:", and "user/*" matches "user/a/b@x.io".
//   - "?" matches exactly one character (one UTF-8 encoded rune; an invalid
//     byte counts as one character), ":" and "/" included.
//   - Every other character matches itself, case-sensitively. There is no
//     escape: a pattern cannot match a literal "*" or "?" only.
//
// The whole value must match (the pattern is anchored at both ends).
// Patterns are expected to be valid UTF-8, as every JSON string is; for an
// invalid pattern the result is well defined but unspecified.
//
// Match is the matcher of the policy engine's compiled patterns. It does
// not allocate and never backtracks over more than one star: the
// text before the first star must match a prefix, the text after the last
// star a suffix, and each star-free piece in between is found at its
// leftmost position after the previous one (which is correct because a star
// can absorb anything the leftmost choice skips). Pieces without "?" are
// found with [strings.Index]; the running time is
// O(len(pattern) + len(value)·q), where q is the length of the longest
// star-free piece that contains a "?" (q = 1 when there is none).
func Match(pattern, value string) bool { return glob.MatchPlain(pattern, value) }

// MatchARN reports whether the ARN value matches the ARN pattern, segment by
// segment, as IAM matches the Resource and Principal elements of a policy.
//
// Both strings are split at their first five colons into at most six
// segments ("arn", partition, service, region, account, resource); the
// resource is everything after the fifth colon and may contain colons.
// Then:
//
//   - In the first five segments a wildcard stays inside its segment: "*"
//     and "?" never match ":" ("arn:*:s3:::b" does not match
//     "arn:a:b:s3:::b").
//   - In the resource segment [Match] applies unchanged: "*" matches any run
//     including ":" and "/" ("arn:demo:s3:::b/*" matches
//     "arn:demo:s3:::b/x/y:z").
//   - A pattern with fewer than six segments whose last segment ends with
//     "*" matches every value whose first segments match: that trailing star
//     matches the rest of the value, colons included ("arn:demo:*" matches
//     every ARN of partition demo, and "*" matches every value). Other
//     wildcards of that last segment stay inside its segment.
//   - A pattern with fewer than six segments without a trailing "*" only
//     matches a value with exactly as many segments.
//
// Matching is case-sensitive. Like [Match], MatchARN does not allocate and
// runs in time linear in len(value) for a given pattern.
func MatchARN(pattern, value string) bool { return glob.MatchARNPlain(pattern, value) }
