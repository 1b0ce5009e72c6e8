package emu

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/astran-oss/astran-go/policy"
)

// MaxBucketPolicySize is S3's limit on a bucket policy (20 KB).
const MaxBucketPolicySize = 20 << 10

// bucketPolicy is a stored bucket policy: the document as submitted and
// compiled once.
type bucketPolicy struct {
	raw string
	set *policy.Set
}

// errMalformedPolicy wraps every reason a bucket policy is refused.
var errMalformedPolicy = errors.New("malformed bucket policy")

// parseBucketPolicy validates a bucket policy for bucket the way S3 does:
// a policy document (validated by the policy engine) whose statements each
// name their principals (Principal, or NotPrincipal with Deny), list
// resources, and only resources of this bucket.
func (s *Services) parseBucketPolicy(bucketName string, raw []byte) (*bucketPolicy, error) {
	fail := func(format string, args ...any) (*bucketPolicy, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{errMalformedPolicy}, args...)...)
	}
	if len(raw) > MaxBucketPolicySize {
		return fail("policies must be smaller than 20 KB, this one has %d bytes", len(raw))
	}
	doc, err := s.Engine.ParsePolicy(string(raw))
	if err != nil {
		return fail("%v", err)
	}
	bucketARN := "arn:" + s.State.Partition + ":s3:::" + bucketName
	for i, st := range doc.Statements {
		switch {
		case st.Principal == nil && st.NotPrincipal == nil:
			return fail("statement %d: missing required field Principal", i)
		case st.NotPrincipal != nil && st.Effect == policy.EffectAllow:
			return fail("statement %d: NotPrincipal is only allowed with Deny", i)
		case len(st.Resource) == 0 && len(st.NotResource) == 0:
			return fail("statement %d: missing required field Resource", i)
		}
		for _, res := range append(append([]string(nil), st.Resource...), st.NotResource...) {
			if res != bucketARN && !strings.HasPrefix(res, bucketARN+"/") {
				return fail("statement %d: policy has invalid resource %q (not in bucket %s)", i, res, bucketName)
			}
		}
	}
	set, err := policy.Compile([]policy.Policy{{ID: bucketARN + "/policy", Document: doc}})
	if err != nil {
		return fail("%v", err)
	}
	return &bucketPolicy{raw: string(raw), set: set}, nil
}

// bucketPolicySet returns the compiled policy of a bucket, nil when it has
// none or does not exist.
func (s *Services) bucketPolicySet(name string) *policy.Set {
	st := &s.s3
	st.mu.RLock()
	defer st.mu.RUnlock()
	if b := st.buckets[name]; b != nil && b.policy != nil {
		return b.policy.set
	}
	return nil
}

// serveBucketPolicy answers PutBucketPolicy, GetBucketPolicy and
// DeleteBucketPolicy (?policy).
func (s *Services) serveBucketPolicy(w http.ResponseWriter, r *http.Request, bkt string, body []byte, authz func(action, resource string, ctx map[string][]string) bool) {
	bucketARN := "arn:" + s.State.Partition + ":s3:::" + bkt
	st := &s.s3
	switch r.Method {
	case http.MethodPut:
		if !authz("PutBucketPolicy", bucketARN, nil) || !s.bucketExists(w, r, bkt) {
			return
		}
		bp, err := s.parseBucketPolicy(bkt, body)
		if err != nil {
			s3Error(w, r, http.StatusBadRequest, "MalformedPolicy", err.Error(), bkt)
			return
		}
		st.mu.Lock()
		b := st.buckets[bkt]
		if b != nil {
			b.policy = bp
		}
		st.mu.Unlock()
		if b == nil {
			s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bkt)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case http.MethodGet:
		if !authz("GetBucketPolicy", bucketARN, nil) || !s.bucketExists(w, r, bkt) {
			return
		}
		st.mu.RLock()
		var raw string
		if b := st.buckets[bkt]; b != nil && b.policy != nil {
			raw = b.policy.raw
		}
		st.mu.RUnlock()
		if raw == "" {
			s3Error(w, r, http.StatusNotFound, "NoSuchBucketPolicy", "The bucket policy does not exist", bkt)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, raw)
	case http.MethodDelete:
		if !authz("DeleteBucketPolicy", bucketARN, nil) || !s.bucketExists(w, r, bkt) {
			return
		}
		st.mu.Lock()
		if b := st.buckets[bkt]; b != nil {
			b.policy = nil
		}
		st.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		s3Error(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", "")
	}
}
