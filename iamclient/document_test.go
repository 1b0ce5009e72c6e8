package iamclient_test

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
)

// TestClient_ParseDocument checks the one reading of documents from IAM:
// the encodings IAM uses, and the dialect and size rule the caller chose.
func TestClient_ParseDocument(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/a b"}]}`
	const old = `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	big := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::` + strings.Repeat("b", 7000) + `"}]}`
	astran := newClient(nil)
	aws := iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.Dialect = policy.AWS; o.MaxDocumentSize = -1 })
	tests := map[string]struct {
		client *iamclient.Client
		stored string
		ok     bool
	}{
		"plain JSON":                 {astran, doc, true},
		"URL-encoded":                {astran, url.PathEscape(doc), true},
		"form-encoded":               {astran, url.QueryEscape(doc), true},
		"bad escape":                 {astran, "%zz", false},
		"2008 version, Astran":       {astran, old, false},
		"2008 version, AWS":          {aws, url.PathEscape(old), true},
		"over 6,144 characters":      {astran, url.PathEscape(big), false},
		"over 6,144 characters, off": {aws, url.PathEscape(big), true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			d, err := tc.client.ParseDocument(tc.stored)
			if tc.ok != (err == nil) || tc.ok != (d != nil) {
				t.Fatalf("ParseDocument = %v, %v; want ok=%v", d, err, tc.ok)
			}
			if err != nil && (!strings.HasPrefix(err.Error(), "iamclient: ") || errors.Unwrap(err) == nil) {
				t.Fatalf("error %v: want a wrapped iamclient error", err)
			}
		})
	}
	if d, err := astran.ParseDocument(""); d != nil || err != nil {
		t.Fatalf(`ParseDocument("") = %v, %v`, d, err)
	}
}

// FuzzParseDocument checks that ParseDocument never panics and that a
// document reads the same URL-encoded and plain.
func FuzzParseDocument(f *testing.F) {
	for _, seed := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":"arn:demo:s3:::b/${aws:username}/*"}}`,
		"{", "", "%7B", " {}",
	} {
		f.Add(seed)
	}
	c := newClient(nil)
	f.Fuzz(func(t *testing.T, text string) {
		plain, perr := c.ParseDocument(text)
		if !strings.HasPrefix(strings.TrimSpace(text), "{") {
			return
		}
		enc, eerr := c.ParseDocument(url.PathEscape(text))
		if (perr == nil) != (eerr == nil) || !reflect.DeepEqual(plain, enc) {
			t.Fatalf("%q: plain %v (%v), URL-encoded %v (%v)", text, plain, perr, enc, eerr)
		}
	})
}

func TestClient_GetPolicyDocument_decoding(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Sid":"A+B","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:demo:s3:::b/a b+c%/*"}]}`
	tests := map[string]struct {
		stored  string
		wantErr bool
	}{
		"URL-encoded (RFC 3986)": {stored: url.PathEscape(doc)},
		"query-escaped":          {stored: strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")},
		"plain JSON":             {stored: doc},
		"bad escape":             {stored: "%7B%zz", wantErr: true},
		"not a policy":           {stored: url.PathEscape(`{"Version":"2012-10-17"}`), wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t)
			handle(f, "GetPolicy", func(in *iam.GetPolicyInput) (*iam.GetPolicyOutput, error) {
				return &iam.GetPolicyOutput{Policy: &types.Policy{Arn: in.PolicyArn, DefaultVersionId: aws.String("v2")}}, nil
			})
			handle(f, "GetPolicyVersion", func(in *iam.GetPolicyVersionInput) (*iam.GetPolicyVersionOutput, error) {
				if aws.ToString(in.VersionId) != "v2" {
					t.Errorf("asked for version %q, want the default v2", aws.ToString(in.VersionId))
				}
				return &iam.GetPolicyVersionOutput{PolicyVersion: &types.PolicyVersion{
					VersionId: in.VersionId, IsDefaultVersion: true, Document: aws.String(tc.stored),
				}}, nil
			})
			v, err := c.GetPolicyDocument(t.Context(), testPolicyARN)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				var ie *iamclient.Error
				if !errors.As(err, &ie) || ie.Op != "GetPolicyVersion" {
					t.Errorf("err = %#v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			st := v.Document.Statements[0]
			if st.Sid != "A+B" || st.Resource[0] != "arn:demo:s3:::b/a b+c%/*" || v.VersionID != "v2" || !v.IsDefault {
				t.Errorf("decoded %+v / %+v", v, st)
			}
		})
	}
}
