package policy_test

import (
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func TestSmoke(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Effect":"Allow","Action":"s3:Get*","Resource":"arn:demo:s3:::b/${aws:username}/*"},
	 {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/secret/*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	set := policy.MustCompile([]policy.Policy{{ID: "p", Document: doc}})
	var ctx policy.Context
	ctx.Set("aws:username", "bob")
	for _, c := range []struct {
		res  string
		want policy.Decision
	}{
		{"arn:demo:s3:::b/bob/x", policy.AllowDecision},
		{"arn:demo:s3:::b/alice/x", policy.ImplicitDeny},
	} {
		r := set.Evaluate(&policy.Request{Action: "s3:GetObject", Resource: c.res, Context: ctx})
		if r.Decision != c.want {
			t.Errorf("%s: got %v want %v (%+v)", c.res, r.Decision, c.want, r)
		}
	}
	ctx.Set("aws:username", "secret")
	r := set.Evaluate(&policy.Request{Action: "s3:GetObject", Resource: "arn:demo:s3:::b/secret/x", Context: ctx})
	if r.Decision != policy.ExplicitDeny {
		t.Errorf("got %+v", r)
	}
	_, err = policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"allow","Action":["s3:Get*"],"NotAction":"x","Foo":1,"Condition":{"DateGreaterThan":{"aws:CurrentTime":"xx"},"Bogus":{"a":"b"}}}, {"Effect":"Allow","Effect":"Deny"}]}`))
	t.Log(err)
	_, err = policy.Parse([]byte("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]}"))
	t.Log(err)
}
