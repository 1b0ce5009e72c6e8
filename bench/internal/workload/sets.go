package workload

import (
	"fmt"
	"strings"
)

// Principal is the caller of every benchmark request (the tutorial's user).
const Principal = "arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io"

// Users of the realistic S3 workload.
const (
	Bob   = "bob@astran.io"
	Alice = "alice@astran.io"
)

// TutorialAdmin is workload 1 with the tutorial's marketing group holding the
// AstranAdmin built-in (full access to S3, IAM, STS and kits): the tutorial's
// requests are allowed.
func TutorialAdmin() *Workload {
	return &Workload{
		Name:    "admin",
		Builtin: "AstranAdmin",
		Policies: []Policy{{
			ID: "arn:astran:iam::astran:policy/AstranAdmin",
			// The built-in's text (builtin.Document), kept equal by TestTutorialAdminIsBuiltin.
			Statements: []Statement{{
				Sid: "FullAccess", Actions: []string{"s3:*", "iam:*", "sts:*", "ck:*"}, Resources: []string{"*"},
			}},
		}},
		Requests: tutorialRequests(Allow),
	}
}

// TutorialNone is workload 1 after the tutorial detaches AstranAdmin: the user
// has no policy at all, so every request is implicitly denied.
func TutorialNone() *Workload {
	return &Workload{Name: "none", Requests: tutorialRequests(ImplicitDeny)}
}

func tutorialRequests(want Decision) []Request {
	return []Request{
		{Name: "mb-test", Action: "s3:CreateBucket", Resource: "arn:astran:s3:::test", Want: want,
			Context: map[string]string{KeyUsername: Bob}},
	}
}

// S3Set is workload 2: three policies, 20 statements with action and resource
// wildcards, ${aws:username}, StringLike/IpAddress/Bool/Date conditions and one
// explicit Deny, and a mix of requests covering each statement kind.
func S3Set() *Workload {
	allow := func(sid string, actions, resources []string, conds ...Condition) Statement {
		return Statement{Sid: sid, Actions: actions, Resources: resources, Conditions: conds}
	}
	l := func(s ...string) []string { return s }
	c := func(op, key string, values ...string) Condition {
		return Condition{Op: op, Key: key, Values: values}
	}
	const acct = "arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013"
	home := Policy{ID: acct + ":policy/HomeFolders", Statements: []Statement{
		allow("ListAllBuckets", l("s3:ListAllMyBuckets", "s3:GetBucketLocation"), l("arn:aws:s3:::*")),
		allow("ListOwnHomePrefix", l("s3:ListBucket"), l("arn:aws:s3:::corp-home"),
			c("StringLike", KeyPrefix, "home/${aws:username}/*", "home/${aws:username}/")),
		allow("OwnHomeObjects", l("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
			l("arn:aws:s3:::corp-home/home/${aws:username}/*")),
		allow("OwnBackupsFromOffice", l("s3:PutObject"), l("arn:aws:s3:::corp-backups/${aws:username}/*"),
			c("IpAddress", KeySourceIP, "10.0.0.0/8")),
	}}
	team := Policy{ID: acct + ":policy/TeamData", Statements: []Statement{
		allow("ReadShared", l("s3:Get*"), l("arn:aws:s3:::corp-shared", "arn:aws:s3:::corp-shared/*")),
		allow("ListShared", l("s3:ListBucket"), l("arn:aws:s3:::corp-shared")),
		allow("UploadsFromOffice", l("s3:PutObject"), l("arn:aws:s3:::corp-uploads/*"),
			c("IpAddress", KeySourceIP, "10.0.0.0/8", "192.168.0.0/16")),
		allow("ReportsOverTLS", l("s3:GetObject"), l("arn:aws:s3:::corp-reports/*"),
			c("Bool", KeySecure, "true")),
		allow("QuarterlyWindow", l("s3:PutObject"), l("arn:aws:s3:::corp-reports/quarterly/*"),
			c("DateGreaterThan", KeyTime, "2026-01-01T00:00:00Z"),
			c("DateLessThan", KeyTime, "2027-01-01T00:00:00Z")),
		allow("AppLogs", l("s3:GetObject", "s3:ListBucket"), l("arn:aws:s3:::corp-logs", "arn:aws:s3:::corp-logs/app-*")),
		allow("AnalyticsAgent", l("s3:GetObject"), l("arn:aws:s3:::corp-analytics/*"),
			c("StringLike", KeyUserAgent, "analytics-agent/*")),
		allow("SharedTagging", l("s3:PutObjectTagging", "s3:GetObjectTagging"), l("arn:aws:s3:::corp-shared/tags/*")),
		allow("MultipartUploads", l("s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"), l("arn:aws:s3:::corp-uploads/*")),
	}}
	ops := Policy{ID: acct + ":policy/Operations", Statements: []Statement{
		allow("VersioningAudit", l("s3:GetBucketVersioning", "s3:ListBucketVersions"), l("arn:aws:s3:::corp-*")),
		allow("StaticSite", l("s3:GetObject"), l("arn:aws:s3:::corp-www/*.html", "arn:aws:s3:::corp-www/assets/*")),
		allow("BucketPolicyRead", l("s3:GetBucketPolicy"), l("arn:aws:s3:::corp-shared")),
		allow("DataLakeParquet", l("s3:GetObject"), l("arn:aws:s3:::corp-lake/raw/*/2026-*.parquet")),
		allow("ListSite", l("s3:ListBucket"), l("arn:aws:s3:::corp-www")),
		allow("ArchiveRestoreTLS", l("s3:RestoreObject"), l("arn:aws:s3:::corp-archive/*"), c("Bool", KeySecure, "true")),
		{Sid: "NoDeletesOnSharedAndLogs", Deny: true, Actions: l("s3:DeleteObject", "s3:DeleteBucket"),
			Resources: l("arn:aws:s3:::corp-shared", "arn:aws:s3:::corp-shared/*", "arn:aws:s3:::corp-logs/*")},
	}}
	ctx := func(kv ...string) map[string]string {
		m := map[string]string{KeyUsername: Bob, KeySecure: "true", KeySourceIP: "10.1.2.3",
			KeyTime: "2026-11-28T16:00:00Z", KeyUserAgent: "aws-cli/2.17"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
				continue
			}
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	obj := func(bucket, key string) string { return "arn:aws:s3:::" + bucket + "/" + key }
	bkt := func(bucket string) string { return "arn:aws:s3:::" + bucket }
	r := func(name, action, res string, want Decision, cx map[string]string) Request {
		return Request{Name: name, Action: action, Resource: res, Context: cx, Want: want}
	}
	reqs := []Request{
		// Requests whose action is granted by a ${aws:username} statement.
		r("home-get-own", "s3:GetObject", obj("corp-home", "home/"+Bob+"/notes.txt"), Allow, ctx()),
		r("home-get-other", "s3:GetObject", obj("corp-home", "home/"+Alice+"/notes.txt"), ImplicitDeny, ctx()),
		r("home-put-alice", "s3:PutObject", obj("corp-home", "home/"+Alice+"/cv.pdf"), Allow, ctx(KeyUsername, Alice)),
		r("home-get-anon", "s3:GetObject", obj("corp-home", "home/"+Bob+"/notes.txt"), ImplicitDeny, ctx(KeyUsername, "")),
		r("home-list-own", "s3:ListBucket", bkt("corp-home"), Allow, ctx(KeyPrefix, "home/"+Bob+"/")),
		r("home-list-root", "s3:ListBucket", bkt("corp-home"), ImplicitDeny, ctx(KeyPrefix, "home/")),
		r("backup-office", "s3:PutObject", obj("corp-backups", Bob+"/db.dump"), Allow, ctx()),
		r("backup-home-ip", "s3:PutObject", obj("corp-backups", Bob+"/db.dump"), ImplicitDeny, ctx(KeySourceIP, "203.0.113.9")),
		r("shared-get", "s3:GetObject", obj("corp-shared", "docs/handbook.pdf"), Allow, ctx()),
		r("shared-delete", "s3:DeleteObject", obj("corp-shared", "docs/handbook.pdf"), ExplicitDeny, ctx()),
		r("uploads-office", "s3:PutObject", obj("corp-uploads", "in/x.bin"), Allow, ctx(KeySourceIP, "192.168.4.20")),
		r("uploads-outside", "s3:PutObject", obj("corp-uploads", "in/x.bin"), ImplicitDeny, ctx(KeySourceIP, "198.51.100.7")),
		r("reports-tls", "s3:GetObject", obj("corp-reports", "2026/q3.csv"), Allow, ctx()),
		r("reports-plain", "s3:GetObject", obj("corp-reports", "2026/q3.csv"), ImplicitDeny, ctx(KeySecure, "false")),
		r("quarterly-in-window", "s3:PutObject", obj("corp-reports", "quarterly/q4.pdf"), Allow, ctx()),
		r("quarterly-late", "s3:PutObject", obj("corp-reports", "quarterly/q4.pdf"), ImplicitDeny, ctx(KeyTime, "2027-02-01T09:00:00Z")),
		r("logs-get", "s3:GetObject", obj("corp-logs", "app-api/2026/11/28.log"), Allow, ctx()),
		r("logs-delete", "s3:DeleteObject", obj("corp-logs", "app-api/2026/11/28.log"), ExplicitDeny, ctx()),
		r("analytics-agent", "s3:GetObject", obj("corp-analytics", "events.csv"), Allow, ctx(KeyUserAgent, "analytics-agent/2.1")),
		r("analytics-cli", "s3:GetObject", obj("corp-analytics", "events.csv"), ImplicitDeny, ctx()),
		r("www-html", "s3:GetObject", obj("corp-www", "index.html"), Allow, ctx()),
		r("www-config", "s3:GetObject", obj("corp-www", "config.json"), ImplicitDeny, ctx()),
		r("lake-parquet", "s3:GetObject", obj("corp-lake", "raw/events/2026-11-01.parquet"), Allow, ctx()),
		r("lake-put", "s3:PutObject", obj("corp-lake", "raw/events/x.parquet"), ImplicitDeny, ctx()),
		r("list-www", "s3:ListBucket", bkt("corp-www"), Allow, ctx()),
		// Requests whose action no ${aws:username} statement grants.
		r("list-buckets", "s3:ListAllMyBuckets", bkt("corp-home"), Allow, ctx()),
		r("bucket-location", "s3:GetBucketLocation", bkt("corp-lake"), Allow, ctx()),
		r("versioning", "s3:GetBucketVersioning", bkt("corp-lake"), Allow, ctx()),
		r("versions-other", "s3:ListBucketVersions", bkt("partner-data"), ImplicitDeny, ctx()),
		r("shared-tags", "s3:GetObjectTagging", obj("corp-shared", "tags/a.json"), Allow, ctx()),
		r("shared-tag-put", "s3:PutObjectTagging", obj("corp-shared", "docs/a.json"), ImplicitDeny, ctx()),
		r("policy-read", "s3:GetBucketPolicy", bkt("corp-shared"), Allow, ctx()),
		r("shared-rmb", "s3:DeleteBucket", bkt("corp-shared"), ExplicitDeny, ctx()),
		r("abort-upload", "s3:AbortMultipartUpload", obj("corp-uploads", "in/big.iso"), Allow, ctx()),
		r("restore-tls", "s3:RestoreObject", obj("corp-archive", "2019/tape.tar"), Allow, ctx()),
		r("restore-plain", "s3:RestoreObject", obj("corp-archive", "2019/tape.tar"), ImplicitDeny, ctx(KeySecure, "false")),
		r("create-bucket", "s3:CreateBucket", bkt("corp-new"), ImplicitDeny, ctx()),
		r("replicate", "s3:ReplicateObject", obj("corp-shared", "docs/handbook.pdf"), ImplicitDeny, ctx()),
	}
	w := &Workload{Name: "s3set", Policies: []Policy{home, team, ops}, Requests: reqs}
	varActions := map[string]bool{}
	for _, p := range w.Policies {
		for _, s := range p.Statements {
			if s.HasVariables() {
				for _, a := range s.Actions {
					varActions[a] = true
				}
			}
		}
	}
	for i := range w.Requests {
		w.Requests[i].Vars = varActions[w.Requests[i].Action]
	}
	return w
}

// ScalingSizes are the statement counts of workload 3.
var ScalingSizes = []int{10, 100, 1000, 10000}

// Scaling is workload 3: n statements in policies of at most 10 statements
// each, every statement granting two S3 actions on its own bucket prefix, every
// 50th statement a Deny on a sub-prefix, every 10th with an IpAddress
// condition. The requests hit the first and the last statement, an explicit
// deny, a condition failure and a miss.
func Scaling(n int) *Workload {
	w := &Workload{Name: fmt.Sprintf("n=%d", n)}
	na := len(S3Actions)
	actionsOf := func(i int) []string {
		a, b := S3Actions[i%na], S3Actions[(i*7+3)%na]
		if a == b {
			return []string{a}
		}
		return []string{a, b}
	}
	var cur *Policy
	for i := 0; i < n; i++ {
		if i%10 == 0 {
			w.Policies = append(w.Policies, Policy{ID: fmt.Sprintf("arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/team-%04d", i/10)})
			cur = &w.Policies[len(w.Policies)-1]
		}
		st := Statement{
			Sid:       fmt.Sprintf("S%d", i),
			Actions:   actionsOf(i),
			Resources: []string{fmt.Sprintf("arn:aws:s3:::bucket-%05d/data/*", i)},
		}
		switch {
		case i%50 == 49:
			st.Deny = true
			st.Resources = []string{fmt.Sprintf("arn:aws:s3:::bucket-%05d/data/secret/*", i-1)}
			st.Actions = actionsOf(i - 1)
		case i%10 == 3:
			st.Conditions = []Condition{{Op: "IpAddress", Key: KeySourceIP, Values: []string{"10.0.0.0/8"}}}
		}
		cur.Statements = append(cur.Statements, st)
	}
	ctx := map[string]string{KeySourceIP: "10.9.8.7"}
	obj := func(i int, key string) string { return fmt.Sprintf("arn:aws:s3:::bucket-%05d/data/%s", i, key) }
	last := n - 1
	if last%50 == 49 {
		last-- // the statement before a Deny is a plain Allow
	}
	w.Requests = []Request{
		{Name: "hit-first", Action: actionsOf(0)[0], Resource: obj(0, "a.bin"), Context: ctx, Want: Allow},
		{Name: "hit-last", Action: actionsOf(last)[0], Resource: obj(last, "z.bin"), Context: ctx, Want: Allow},
		{Name: "cond-fail", Action: actionsOf(3)[0], Resource: obj(3, "c.bin"), Context: map[string]string{KeySourceIP: "203.0.113.1"}, Want: ImplicitDeny},
		{Name: "miss", Action: "s3:GetObject", Resource: "arn:aws:s3:::unknown-bucket/data/x", Context: ctx, Want: ImplicitDeny},
	}
	if n >= 50 {
		w.Requests = append(w.Requests, Request{Name: "deny", Action: actionsOf(48)[0], Resource: obj(48, "secret/k.pem"), Context: ctx, Want: ExplicitDeny})
	}
	return w
}

// IsVariable reports whether s contains a policy variable.
func IsVariable(s string) bool { return strings.Contains(s, "${") }
