package iamclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient"
)

// iamServer answers the IAM query API for one action with body, recording
// the requests.
func iamServer(t *testing.T, body string) (*httptest.Server, chan *http.Request) {
	reqs := make(chan *http.Request, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		reqs <- r
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, reqs
}

const getUserXML = `<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User>
<Path>/</Path><UserName>bob@astran.io</UserName><UserId>AIDAC654348CB5834CDE8B4A2011F31CD2CB</UserId>
<Arn>arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io</Arn>
<CreateDate>2025-03-27T08:43:40.813640Z</CreateDate>
<Tags><member><Key>team</Key><Value>marketing</Value></member></Tags>
<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType><PermissionsBoundaryArn>arn:astran:iam::astran:policy/AstranStandardUser</PermissionsBoundaryArn></PermissionsBoundary>
</User></GetUserResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetUserResponse>`

func staticConfig() aws.Config {
	return aws.Config{Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
}

func TestNew_httpRoundTrip(t *testing.T) {
	srv, reqs := iamServer(t, getUserXML)
	c := iamclient.New(staticConfig(), func(o *iamclient.Options) {
		o.Partition = "demo"
		o.BaseEndpoint = srv.URL
		o.HTTPClient = srv.Client()
		o.Getenv = func(string) string { return "" }
	})
	u, err := c.GetUser(t.Context(), "bob@astran.io")
	if err != nil {
		t.Fatal(err)
	}
	r := <-reqs
	if r.Form.Get("Action") != "GetUser" || r.Form.Get("UserName") != "bob@astran.io" {
		t.Errorf("form = %v", r.Form)
	}
	if auth := r.Header.Get("Authorization"); !strings.Contains(auth, "/us-east-1/iam/aws4_request") {
		t.Errorf("Authorization = %q, want SigV4 for us-east-1/iam", auth)
	}
	want := iamclient.User{
		ARN:                 arn.MustParse("arn:demo:iam::ce09c61d-afac-404f-a96b-ebbbced80013:user/bob@astran.io"),
		ID:                  "AIDAC654348CB5834CDE8B4A2011F31CD2CB",
		Name:                "bob@astran.io",
		Path:                "/",
		CreateDate:          time.Date(2025, 3, 27, 8, 43, 40, 813640000, time.UTC),
		PermissionsBoundary: builtin.PolicyARN(builtin.AstranStandardUser),
		Tags:                map[string]string{"team": "marketing"},
	}
	if u.ARN != want.ARN || u.ID != want.ID || u.Name != want.Name || u.Path != want.Path ||
		!u.CreateDate.Equal(want.CreateDate) || u.PermissionsBoundary != want.PermissionsBoundary || u.Tags["team"] != "marketing" {
		t.Errorf("GetUser =\n %+v\nwant\n %+v", u, want)
	}
}

func TestNew_endpoint(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := map[string]struct {
		opts iamclient.Options
		cfg  aws.Config
		want string
	}{
		"partition default":      {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)}, want: "https://demo.iam.astran.io"},
		"ASTRAN_PARTITION":       {opts: iamclient.Options{Getenv: env(map[string]string{"ASTRAN_PARTITION": "acme"})}, want: "https://acme.iam.astran.io"},
		"ASTRAN_IAM_ENDPOINT":    {opts: iamclient.Options{Partition: "demo", Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://127.0.0.1:9"})}, want: "http://127.0.0.1:9"},
		"cfg.BaseEndpoint":       {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)}, cfg: aws.Config{BaseEndpoint: aws.String("http://cfg")}, want: "http://cfg"},
		"env beats cfg":          {opts: iamclient.Options{Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://env"})}, cfg: aws.Config{BaseEndpoint: aws.String("http://cfg")}, want: "http://env"},
		"BaseEndpoint beats all": {opts: iamclient.Options{BaseEndpoint: "http://opt", Partition: "demo", Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://env"})}, cfg: aws.Config{BaseEndpoint: aws.String("http://cfg")}, want: "http://opt"},
		"nothing":                {opts: iamclient.Options{Getenv: env(nil)}, want: ""},
		"cfg.ConfigSources IAM": {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)},
			cfg: aws.Config{BaseEndpoint: aws.String("http://cfg"), ConfigSources: []any{"unrelated", serviceEndpoints{"S3": "http://s3", "IAM": "http://iam-src"}}}, want: "http://iam-src"},
		"cfg.ConfigSources without IAM": {opts: iamclient.Options{Partition: "demo", Getenv: env(nil)},
			cfg: aws.Config{ConfigSources: []any{serviceEndpoints{"S3": "http://s3"}}}, want: "https://demo.iam.astran.io"},
		"env beats ConfigSources": {opts: iamclient.Options{Getenv: env(map[string]string{"ASTRAN_IAM_ENDPOINT": "http://env"})},
			cfg: aws.Config{ConfigSources: []any{serviceEndpoints{"IAM": "http://iam-src"}}}, want: "http://env"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := iamclient.New(tc.cfg, func(o *iamclient.Options) { *o = tc.opts })
			if got := c.Endpoint(); got != tc.want {
				t.Errorf("Endpoint() = %q, want %q", got, tc.want)
			}
		})
	}
}

// serviceEndpoints is a ConfigSources entry like the ones sts.NewConfig and
// the emulator put in an aws.Config.
type serviceEndpoints map[string]string

func (m serviceEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	ep, ok := m[sdkID]
	return ep, ok, nil
}

func TestNew_noEndpoint(t *testing.T) {
	c := iamclient.New(staticConfig(), func(o *iamclient.Options) { o.Getenv = func(string) string { return "" } })
	_, err := c.GetUser(t.Context(), "bob@astran.io")
	if !errors.Is(err, iamclient.ErrNoEndpoint) {
		t.Fatalf("err = %v, want ErrNoEndpoint", err)
	}
}

func TestNew_malformedPartition(t *testing.T) {
	c := iamclient.New(staticConfig(), func(o *iamclient.Options) {
		o.Partition = "evil.example/x"
		o.Getenv = func(string) string { return "" }
	})
	_, err := c.GetUser(t.Context(), "bob@astran.io")
	if !errors.Is(err, endpoint.ErrInvalidPartition) {
		t.Fatalf("err = %v, want endpoint.ErrInvalidPartition", err)
	}
}
