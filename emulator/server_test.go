package emulator_test

import (
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/astran-oss/astran-go/emulator"
	"github.com/astran-oss/astran-go/endpoint"
)

func TestNew_env(t *testing.T) {
	srv, err := emulator.New(emulator.WithPartition("acme"), emulator.WithAccount("ce09c61d-afac-404f-a96b-ebbbced80013"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	env := map[string]string{}
	for _, kv := range srv.Env() {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("bad line %q", kv)
		}
		env[k] = v
	}
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "ASTRAN_PARTITION",
		"ASTRAN_OIDC_ISSUER", "ASTRAN_STS_ENDPOINT", "ASTRAN_IAM_ENDPOINT", "ASTRAN_S3_ENDPOINT"} {
		if env[k] == "" {
			t.Errorf("Env lacks %s", k)
		}
	}
	// The aws CLI's and SDKs' per-service variables, and root's login.
	ep := srv.Endpoints()
	email, pw := srv.RootLogin()
	for k, want := range map[string]string{"AWS_ENDPOINT_URL_S3": ep.S3, "AWS_ENDPOINT_URL_IAM": ep.IAM, "AWS_ENDPOINT_URL_STS": ep.STS,
		emulator.EnvRootEmail: email, emulator.EnvRootPassword: pw} {
		if env[k] != want || want == "" {
			t.Errorf("Env %s = %q, want %q", k, env[k], want)
		}
	}
	// The library's own resolver, fed with Env, finds the emulator.
	got, err := endpoint.Resolve(func(o *endpoint.Options) { o.Getenv = func(k string) string { return env[k] } })
	if err != nil || got != srv.Endpoints() {
		t.Errorf("Resolve(Env) = %+v, %v, want %+v", got, err, srv.Endpoints())
	}
	if srv.Partition() != "acme" || srv.Account() != "ce09c61d-afac-404f-a96b-ebbbced80013" ||
		!strings.HasSuffix(srv.Endpoints().Issuer, "/auth/realms/acme") {
		t.Errorf("server %s %s %+v", srv.Partition(), srv.Account(), srv.Endpoints())
	}
	for _, u := range []string{srv.Endpoints().STS, srv.Endpoints().IAM, srv.Endpoints().S3, srv.Endpoints().Issuer} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("endpoint %s is not on loopback", u)
		}
	}
	srv.Close()
	srv.Close() // idempotent
}

func TestNew_fixedPort(t *testing.T) {
	// Find four consecutive free ports by asking for one and trying the next three.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	srv, err := emulator.New(func(o *emulator.Options) { o.Addr = "127.0.0.1:" + strconv.Itoa(port) })
	if err != nil {
		t.Skipf("ports %d-%d not free: %v", port, port+3, err)
	}
	defer srv.Close()
	if want := "http://127.0.0.1:" + strconv.Itoa(port+2); srv.Endpoints().IAM != want {
		t.Errorf("IAM endpoint %s, want %s", srv.Endpoints().IAM, want)
	}
	if _, err := emulator.New(func(o *emulator.Options) { o.Addr = "127.0.0.1:" + strconv.Itoa(port) }); err == nil {
		t.Error("second server on the same ports started")
	}
	if _, err := emulator.New(func(o *emulator.Options) { o.Addr = "nonsense" }); err == nil {
		t.Error("bad address accepted")
	}
}

// TestServer_closeEndsGoroutines checks that Close leaves no serving
// goroutine behind, even with client connections still open.
func TestServer_closeEndsGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, err := emulator.New()
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	cfg := srv.RootConfig()
	cfg.HTTPClient = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	if _, err := iam.NewFromConfig(cfg).ListUsers(t.Context(), &iam.ListUsersInput{}); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	tr.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
	}
}

// TestServer_concurrentClients exercises IAM, STS and S3 from many
// goroutines at once (run with -race).
func TestServer_concurrentClients(t *testing.T) {
	srv := newServer(t, emulator.WithUserPassword("pw"))
	ctx := t.Context()
	root := iam.NewFromConfig(srv.RootConfig())
	rootS3 := s3.NewFromConfig(srv.RootConfig())
	if _, err := root.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String("all")}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: aws.String("all"), PolicyArn: aws.String("arn:astran:iam::astran:policy/AstranAdmin")}); err != nil {
		t.Fatal(err)
	}
	clients := make([]*s3.Client, 8)
	for i := range clients {
		user := "u" + string(rune('a'+i)) + "@astran.io"
		createUser(t, root, user)
		_, clients[i] = clientsFor(srv, login(t, srv, user, "pw"))
	}
	errs := make(chan error, 8)
	for i, c := range clients {
		go func() {
			errs <- func() error {
				user := "u" + string(rune('a'+i)) + "@astran.io"
				if _, err := root.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: aws.String(user), GroupName: aws.String("all")}); err != nil {
					return err
				}
				if _, err := root.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
					return err
				}
				bucket := "bucket-" + string(rune('a'+i))
				if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
					return err
				}
				for j := range 5 {
					key := "k" + string(rune('0'+j))
					if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(key)}); err != nil {
						return err
					}
				}
				_, err := rootS3.ListBuckets(ctx, &s3.ListBucketsInput{})
				return err
			}()
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
