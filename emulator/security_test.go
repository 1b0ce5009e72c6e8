package emulator_test

// Each test names the attack it defends against.

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	awssts "github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/go-jose/go-jose/v4"

	"github.com/astran-oss/astran-go/emulator"
)

// putInline gives a user an inline policy as root.
func putInline(t *testing.T, root *iam.Client, user, doc string) {
	t.Helper()
	if _, err := root.PutUserPolicy(t.Context(), &iam.PutUserPolicyInput{UserName: aws.String(user),
		PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
}

// TestSecurity_builtinPolicyARNInForeignPartition: a user allowed
// iam:AttachUserPolicy but denied AstranAdmin by an ArnEquals iam:PolicyARN
// condition on the canonical ARN must not become admin by spelling the
// built-in in another partition, with a region or with a path; the
// partition's own spelling reaches the condition as the canonical ARN.
func TestSecurity_builtinPolicyARNInForeignPartition(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	putInline(t, root, "bob@astran.io", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["iam:AttachUserPolicy","iam:PutUserPermissionsBoundary"],"Resource":"*"},
		{"Effect":"Deny","Action":"iam:AttachUserPolicy","Resource":"*",
		 "Condition":{"ArnEquals":{"iam:PolicyARN":"arn:astran:iam::astran:policy/AstranAdmin"}}},
		{"Effect":"Deny","Action":"iam:PutUserPermissionsBoundary","Resource":"*",
		 "Condition":{"ArnEquals":{"iam:PermissionsBoundary":"arn:astran:iam::astran:policy/AstranAdmin"}}}]}`)
	bob, _ := clientsFor(srv, login(t, srv, "bob@astran.io", "pw"))
	refused := []string{"NoSuchEntity", "InvalidInput"}
	for _, tc := range []struct {
		arn  string
		want []string // acceptable error codes; nil means success
	}{
		{"arn:x:iam::astran:policy/AstranAdmin", refused},
		{"arn:aws:iam::astran:policy/AstranAdmin", refused},
		{"arn:corp:iam::astran:policy/AstranAdmin", refused},
		{"arn:astran:iam:us-east-1:astran:policy/AstranAdmin", refused},
		{"arn:astran:iam::astran:policy/team/AstranAdmin", refused},
		{"arn:astran:iam::astran:policy/AstranAdministrator", refused},
		{"arn:demo:iam::astran:policy/AstranAdmin", []string{"AccessDenied"}},
		{"arn:astran:iam::astran:policy/AstranAdmin", []string{"AccessDenied"}},
		{"arn:demo:iam::astran:policy/AstranS3ReadOnlyAccess", nil},
	} {
		_, err := bob.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob@astran.io"), PolicyArn: aws.String(tc.arn)})
		checkCode(t, "AttachUserPolicy "+tc.arn, err, tc.want)
		_, err = bob.PutUserPermissionsBoundary(ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("bob@astran.io"), PermissionsBoundary: aws.String(tc.arn)})
		checkCode(t, "PutUserPermissionsBoundary "+tc.arn, err, tc.want)
		// Root is refused the bad spellings too.
		if tc.want != nil && tc.want[0] != "AccessDenied" {
			_, err = root.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("bob@astran.io"), PolicyArn: aws.String(tc.arn)})
			checkCode(t, "root AttachUserPolicy "+tc.arn, err, tc.want)
		}
	}
	out, err := root.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("bob@astran.io")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AttachedPolicies) != 1 || aws.ToString(out.AttachedPolicies[0].PolicyArn) != "arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess" {
		t.Errorf("bob's attached policies = %+v, want only the canonical AstranS3ReadOnlyAccess", out.AttachedPolicies)
	}
	user, err := root.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob@astran.io")})
	if err != nil {
		t.Fatal(err)
	}
	if b := user.User.PermissionsBoundary; b == nil || aws.ToString(b.PermissionsBoundaryArn) != "arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess" {
		t.Errorf("bob's boundary = %+v, want the canonical AstranS3ReadOnlyAccess", b)
	}
}

func checkCode(t *testing.T, what string, err error, want []string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Errorf("%s: %v, want success", what, err)
		}
		return
	}
	for _, w := range want {
		if apiCode(err) == w {
			return
		}
	}
	t.Errorf("%s: %v, want one of %v", what, err, want)
}

// tokenIssuer is an external OpenID provider whose tokens carry any claims.
type tokenIssuer struct {
	url    string
	signer jose.Signer
}

func newTokenIssuer(t *testing.T) *tokenIssuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	ti := &tokenIssuer{signer: signer}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": ti.url, "jwks_uri": ti.url + "/jwks",
			"authorization_endpoint": ti.url + "/auth", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	ti.url = hs.URL
	return ti
}

// token signs a token for audience "app" with the given extra claims.
func (ti *tokenIssuer) token(t *testing.T, now time.Time, extra map[string]any) string {
	t.Helper()
	claims := map[string]any{"iss": ti.url, "sub": "workload-1", "aud": "app", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for k, v := range extra {
		claims[k] = v
	}
	b, _ := json.Marshal(claims)
	jws, err := ti.signer.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// assumeRaw posts AssumeRoleWithWebIdentity with extra form fields and
// returns the status, the response's SourceIdentity and the error code and
// message.
func assumeRaw(t *testing.T, srv *emulator.Server, role, tok string, extra url.Values) (status int, source, code, msg string) {
	t.Helper()
	form := url.Values{"Version": {"2011-06-15"}, "Action": {"AssumeRoleWithWebIdentity"}, "RoleArn": {role},
		"RoleSessionName": {"s1"}, "WebIdentityToken": {tok}}
	for k, v := range extra {
		form[k] = v
	}
	status, body := postForm(t, srv.Endpoints().STS, form)
	var res struct {
		SourceIdentity string `xml:"AssumeRoleWithWebIdentityResult>SourceIdentity"`
		Code           string `xml:"Error>Code"`
		Message        string `xml:"Error>Message"`
	}
	if err := xml.Unmarshal(body, &res); err != nil {
		t.Fatalf("response %q: %v", body, err)
	}
	return status, res.SourceIdentity, res.Code, res.Message
}

// TestSecurity_sourceIdentityChosenByCaller: AssumeRoleWithWebIdentity has no
// SourceIdentity parameter; a posted one is ignored. The source identity
// comes only from the token's https://aws.amazon.com/source_identity claim,
// and only when the trust policy allows sts:SetSourceIdentity.
func TestSecurity_sourceIdentityChosenByCaller(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	idp := newTokenIssuer(t)
	var provs []string
	for _, u := range []struct{ url, client string }{{idp.url, "app"}, {srv.Issuer(), "s5"}} {
		prov, err := root.CreateOpenIDConnectProvider(ctx, &iam.CreateOpenIDConnectProviderInput{Url: aws.String(u.url), ClientIDList: []string{u.client}})
		if err != nil {
			t.Fatal(err)
		}
		provs = append(provs, `"`+aws.ToString(prov.OpenIDConnectProviderArn)+`"`)
	}
	trust := func(actions string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":[` + strings.Join(provs, ",") +
			`]},"Action":` + actions + `}]}`
	}
	roles := map[string]string{}
	for name, actions := range map[string]string{
		"plain":  `"sts:AssumeRoleWithWebIdentity"`,
		"source": `["sts:AssumeRoleWithWebIdentity","sts:SetSourceIdentity"]`,
	} {
		out, err := root.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust(actions))})
		if err != nil {
			t.Fatal(err)
		}
		roles[name] = aws.ToString(out.Role.Arn)
	}
	// The emulator's own token: the parameter was once copied into the session.
	_, own := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw")
	for _, role := range []string{"plain", "source"} {
		status, source, code, msg := assumeRaw(t, srv, roles[role], own.AccessToken, url.Values{"SourceIdentity": {"admin"}})
		if status != http.StatusOK || source != "" {
			t.Errorf("own token, role %s, posted SourceIdentity: status %d source %q (%s %s), want 200 and none", role, status, source, code, msg)
		}
	}
	const claim = "https://aws.amazon.com/source_identity"
	for _, tc := range []struct {
		name       string
		role       string
		claims     map[string]any
		form       url.Values
		wantStatus int
		wantSource string
	}{
		{"posted parameter ignored", "plain", nil, url.Values{"SourceIdentity": {"admin"}}, http.StatusOK, ""},
		{"posted parameter ignored with SetSourceIdentity", "source", nil, url.Values{"SourceIdentity": {"admin"}}, http.StatusOK, ""},
		{"claim without SetSourceIdentity denied", "plain", map[string]any{claim: "alice"}, nil, http.StatusForbidden, ""},
		{"claim with SetSourceIdentity", "source", map[string]any{claim: "alice"}, url.Values{"SourceIdentity": {"admin"}}, http.StatusOK, "alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, source, code, msg := assumeRaw(t, srv, roles[tc.role], idp.token(t, srv.Now(), tc.claims), tc.form)
			if status != tc.wantStatus || source != tc.wantSource {
				t.Errorf("status %d source %q (%s %s), want %d %q", status, source, code, msg, tc.wantStatus, tc.wantSource)
			}
			if tc.wantStatus == http.StatusForbidden && code != "AccessDenied" {
				t.Errorf("code %s, want AccessDenied", code)
			}
		})
	}
}

// Options hold the root password, the users' password and the root secret
// key: no encoder a user can reach by accident may print them. fmt verbs
// other than %v and %s printed the fields, encoding/gob encoded them.
func TestSecurity_optionsSecretsInEncoders(t *testing.T) {
	opts := emulator.Options{Partition: "demo", UserPassword: "user-pw-secret", RootPassword: "root-pw-secret", RootSecretAccessKey: "root-key-secret"}
	secrets := []string{"user-pw-secret", "root-pw-secret", "root-key-secret"}
	type wrapper struct{ Opts emulator.Options }
	for name, v := range map[string]any{"Options": opts, "*Options": &opts, "nested": wrapper{opts}} {
		outs := map[string]string{}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t"} {
			outs[verb] = fmt.Sprintf(verb, v)
		}
		if b, err := json.Marshal(v); err == nil {
			outs["json"] = string(b)
		}
		if b, err := xml.Marshal(v); err == nil {
			outs["xml"] = string(b)
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err == nil {
			t.Errorf("%s: gob encoded the options, want an error", name)
		}
		outs["gob"] = buf.String()
		for how, out := range outs {
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s %s leaks %q: %s", name, how, s, out)
				}
				if how == "%x" && strings.Contains(out, fmt.Sprintf("%x", s)) {
					t.Errorf("%s %%x leaks %q hex-encoded", name, s)
				}
			}
		}
	}
}

// TestSecurity_assumedRoleOfRoleWithPath: a session of role/team/ci is
// assumed-role/ci/s1 (AWS drops the path) and is authorized with the role's
// policies, not denied as an unknown caller.
func TestSecurity_assumedRoleOfRoleWithPath(t *testing.T) {
	srv, root := newServerWithBob(t)
	ctx := t.Context()
	_, trust := webIdentityTrust(t, root, srv.Issuer(), "")
	role := createRole(t, root, &iam.CreateRoleInput{RoleName: aws.String("ci"), Path: aws.String("/team/"), AssumeRolePolicyDocument: aws.String(trust)},
		"arn:astran:iam::astran:policy/AstranS3ReadOnlyAccess")
	if want := "arn:demo:iam::" + srv.Account() + ":role/team/ci"; aws.ToString(role.Arn) != want {
		t.Fatalf("role ARN %s, want %s", aws.ToString(role.Arn), want)
	}
	_, tok := passwordGrant(t, srv.Issuer(), "s5", "bob@astran.io", "pw")
	out, cfg, err := assumeRoleWithWebIdentity(ctx, srv, &awssts.AssumeRoleWithWebIdentityInput{
		RoleArn: role.Arn, RoleSessionName: aws.String("s1"), WebIdentityToken: aws.String(tok.AccessToken)})
	if err != nil {
		t.Fatal(err)
	}
	want := "arn:demo:sts::" + srv.Account() + ":assumed-role/ci/s1"
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != want {
		t.Errorf("AssumedRoleUser %s, want %s", got, want)
	}
	who, err := awssts.NewFromConfig(cfg).GetCallerIdentity(ctx, &awssts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(who.Arn) != want {
		t.Errorf("GetCallerIdentity %v %v, want %s", who, err, want)
	}
	if _, err := s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
		t.Errorf("session of role/team/ci, ListBuckets (allowed by its policy): %v", err)
	}
}
