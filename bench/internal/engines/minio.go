package engines

import (
	"bytes"
	"strings"

	miniopolicy "github.com/minio/pkg/v3/policy"

	"github.com/astran-oss/astran-go/bench/internal/workload"
)

// MinIO is github.com/minio/pkg/v3/policy: Policy.IsAllowed with Args.
//
// MinIO only knows S3 resources: the "arn:<partition>:s3:::" prefix is cut
// and the rest split into BucketName and ObjectName. Condition values go in
// Args.ConditionValues under MinIO's key names (the "aws:"/"s3:" prefix
// dropped: "SourceIp", "username", "prefix", ...). The policies of a workload
// are concatenated into one Policy (MinIO's MergePolicies does the same but
// also drops duplicate statements in O(n²), which a set of distinct
// statements does not need). IsAllowed returns a bool, so MinIO cannot tell
// an explicit deny from an implicit one: its false is reported as Deny.
type MinIO struct{}

// Name implements Engine.
func (MinIO) Name() string { return "minio" }

// Sources implements Engine: IAM JSON, one document per policy, keeping only
// the S3 actions of each statement (MinIO's parser rejects other services'
// actions, which could never match the workloads' S3 requests anyway); a
// statement left with no action is dropped.
func (MinIO) Sources(w *workload.Workload) [][]byte {
	out := make([][]byte, len(w.Policies))
	for i, p := range w.Policies {
		q := workload.Policy{ID: p.ID}
		for _, s := range p.Statements {
			var acts []string
			for _, a := range s.Actions {
				if a == "*" || strings.HasPrefix(a, "s3:") {
					acts = append(acts, a)
				}
			}
			if len(acts) == 0 {
				continue
			}
			s.Actions = acts
			q.Statements = append(q.Statements, s)
		}
		out[i] = workload.IAMJSON(q)
	}
	return out
}

func iamSources(w *workload.Workload) [][]byte {
	out := make([][]byte, len(w.Policies))
	for i, p := range w.Policies {
		out[i] = workload.IAMJSON(p)
	}
	return out
}

// Compile implements Engine.
func (m MinIO) Compile(w *workload.Workload) (Prepared, error) {
	v, err := m.CompilePolicies(m.Sources(w), w)
	if err != nil {
		return nil, err
	}
	mp := &minioPrepared{policy: v.(*miniopolicy.Policy)}
	for _, r := range w.Requests {
		mp.args = append(mp.args, MinIOArgs(r))
	}
	return mp, nil
}

// CompilePolicies implements Engine: ParseConfig each document and
// concatenate the statements into one *miniopolicy.Policy.
func (MinIO) CompilePolicies(srcs [][]byte, _ *workload.Workload) (any, error) {
	merged := &miniopolicy.Policy{Version: miniopolicy.DefaultVersion}
	for _, src := range srcs {
		p, err := miniopolicy.ParseConfig(bytes.NewReader(src))
		if err != nil {
			return nil, err
		}
		merged.Statements = append(merged.Statements, p.Statements...)
	}
	return merged, nil
}

// MinIOArgs translates a request into MinIO's Args.
func MinIOArgs(r workload.Request) miniopolicy.Args {
	res := r.Resource
	if i := strings.Index(res, ":::"); i >= 0 {
		res = res[i+3:]
	}
	bucket, object, _ := strings.Cut(res, "/")
	cv := map[string][]string{}
	for k, v := range r.Context {
		_, name, _ := strings.Cut(k, ":")
		cv[name] = []string{v}
	}
	return miniopolicy.Args{
		AccountName:     r.Username(),
		Action:          miniopolicy.Action(r.Action),
		BucketName:      bucket,
		ObjectName:      object,
		ConditionValues: cv,
	}
}

type minioPrepared struct {
	policy *miniopolicy.Policy
	args   []miniopolicy.Args
}

func (p *minioPrepared) Statements() int { return len(p.policy.Statements) }

func (p *minioPrepared) Evaluator() func(int) workload.Decision {
	return func(i int) workload.Decision {
		if p.policy.IsAllowed(p.args[i]) {
			return workload.Allow
		}
		return workload.Deny
	}
}
