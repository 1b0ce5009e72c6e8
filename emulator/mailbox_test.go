package emulator_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/astran-oss/astran-go/emulator"
)

func TestServer_SetPassword(t *testing.T) {
	srv, _ := newServerWithUser(t, "bob@astran.io")
	if err := srv.SetPassword("bob@astran.io", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if st, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "s3cret"); st != 200 {
		t.Errorf("login after SetPassword: %d %+v", st, tok)
	}
	if err := srv.SetPassword("eve@astran.io", "x"); !errors.Is(err, emulator.ErrNoSuchUser) {
		t.Errorf("unknown user: %v", err)
	}
	email, _ := srv.RootLogin()
	if err := srv.SetPassword(email, "new-root-pw"); err != nil {
		t.Fatal(err)
	}
	if st, _ := passwordGrant(t, srv.RootIssuer(), "root-client", email, "new-root-pw"); st != 200 {
		t.Errorf("root login after SetPassword: %d", st)
	}
}

func TestMailbox_adminEndpoint(t *testing.T) {
	srv, _ := newServerWithUser(t, "bob@astran.io")
	base, _, _ := strings.Cut(srv.Issuer(), "/auth/")
	_, list := send(t, http.MethodGet, base+"/emulator/mailbox", "", nil)
	var msgs []emulator.Message
	if err := json.Unmarshal(list, &msgs); err != nil || len(msgs) != 1 || msgs[0].To != "bob@astran.io" {
		t.Fatalf("mailbox JSON: %+v %v", msgs, err)
	}
	// The link shows a form, then takes the password.
	if st, page := send(t, http.MethodGet, msgs[0].Link, "", nil); st != 200 || !strings.Contains(string(page), `name="password"`) {
		t.Errorf("link page: %d %s", st, page)
	}
	if st, _ := postForm(t, msgs[0].Link, url.Values{"password": {""}}); st != http.StatusBadRequest {
		t.Errorf("empty password: %d", st)
	}
	if st, body := postForm(t, msgs[0].Link, url.Values{"password": {"pw"}}); st != http.StatusOK {
		t.Errorf("set password: %d %s", st, body)
	}
	if st, _ := postForm(t, msgs[0].Link, url.Values{"password": {"pw2"}}); st != http.StatusBadRequest {
		t.Errorf("reused link: %d", st)
	}
	if st, _ := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw"); st != 200 {
		t.Errorf("login: %d", st)
	}
}

func TestWithClock(t *testing.T) {
	fixed := time.Date(2025, 3, 27, 8, 43, 40, 813640000, time.UTC)
	srv := newServer(t, emulator.WithClock(func() time.Time { return fixed }), emulator.WithSessionDuration(2*time.Hour))
	out, err := iam.NewFromConfig(srv.RootConfig()).CreateUser(t.Context(), &iam.CreateUserInput{UserName: aws.String("bob@astran.io")})
	if err != nil {
		t.Fatal(err)
	}
	if !out.User.CreateDate.Equal(fixed) {
		t.Errorf("CreateDate %v, want %v", out.User.CreateDate, fixed)
	}
	srv.Advance(time.Hour)
	if got := srv.Now(); !got.Equal(fixed.Add(time.Hour)) {
		t.Errorf("Now after Advance = %v", got)
	}
	if err := srv.SetPassword("bob@astran.io", "pw"); err != nil {
		t.Fatal(err)
	}
	c := login(t, srv, "bob@astran.io", "pw")
	if !c.Expires.Equal(fixed.Add(3 * time.Hour).Truncate(time.Second)) {
		t.Errorf("session expires %v, want two hours after %v", c.Expires, srv.Now())
	}
}
