package emu

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/builtin"
	"github.com/astran-oss/astran-go/emulator/internal/oidc"
	"github.com/astran-oss/astran-go/policy"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
)

// STSNamespace is the XML namespace of STS responses.
const STSNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// RootRealm is the Keycloak realm of root accounts.
const RootRealm = "root-accounts"

func (s *Services) newSession(identity arn.ARN, name, source string, d time.Duration) *Session {
	ses := &Session{AccessKeyID: "ASIA" + strings.ToUpper(RandomHex(16)), Secret: RandomSecret(), Token: RandomToken(),
		Identity: identity, Name: name, SourceIdentity: source, Expiration: s.Now().Add(d).UTC().Truncate(time.Second)}
	s.State.PurgeSessions(s.Now().Add(-time.Hour))
	s.State.PutSession(ses)
	return ses
}

func tokenError(err error) *APIError {
	if errors.Is(err, oidc.ErrTokenExpired) {
		return apiErr(http.StatusBadRequest, "ExpiredTokenException", "Invalid token: Token expired")
	}
	return apiErr(http.StatusBadRequest, "InvalidIdentityToken", "Invalid token: %s", err.Error())
}

func duration(form map[string][]string, def time.Duration, max time.Duration) (time.Duration, *APIError) {
	v := form["DurationSeconds"]
	if len(v) == 0 || v[0] == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 900 || time.Duration(n)*time.Second > max {
		return 0, apiErr(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the allowed range")
	}
	return time.Duration(n) * time.Second, nil
}

// ServeSTS handles the STS Query API.
func (s *Services) ServeSTS(w http.ResponseWriter, r *http.Request) {
	reqID := newUUID()
	form, hash, aerr := readForm(w, r)
	if aerr != nil {
		queryError(w, STSNamespace, aerr, reqID)
		return
	}
	get := func(k string) string { return formValue(form, k) }
	var body string
	switch action := get("Action"); action {
	case "LoginWithWebIdentity":
		body, aerr = s.loginWithWebIdentity(get, form)
	case "AssumeRoleWithWebIdentity":
		body, aerr = s.assumeRoleWithWebIdentity(r.Context(), get, form, reqID)
	case "GetCallerIdentity":
		var c Caller
		var err error
		if c, err = s.authenticate(r, hash, false); err != nil {
			aerr = authError(err)
			break
		}
		body = s.getCallerIdentity(c, reqID)
	default:
		aerr = apiErr(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version 2011-06-15", action)
	}
	if aerr != nil {
		queryError(w, STSNamespace, aerr, reqID)
		return
	}
	writeXML(w, http.StatusOK, body)
}

func (s *Services) loginWithWebIdentity(get func(string) string, form map[string][]string) (string, *APIError) {
	tok := get("WebIdentityToken")
	if tok == "" {
		return "", apiErr(http.StatusBadRequest, "ValidationError", "WebIdentityToken is required")
	}
	claims, realm, err := s.OIDC.Verify(tok)
	if err != nil {
		return "", tokenError(err)
	}
	d, aerr := duration(form, s.SessionDuration, 12*time.Hour)
	if aerr != nil {
		return "", aerr
	}
	var identity arn.ARN
	userID := claims.Subject
	if realm == RootRealm {
		identity = s.State.RootARN()
	} else {
		u, ok := s.State.User(claims.Email)
		if !ok || u.Subject != claims.Subject {
			return "", apiErr(http.StatusForbidden, "AccessDenied", "User %s does not exist", claims.Email)
		}
		identity = u.ARN
	}
	name := get("UserSessionName")
	if name == "" {
		name = claims.Email
	}
	src, _ := arn.OIDCProvider(s.State.Partition, builtin.Account, claims.Issuer)
	ses := s.newSession(identity, name, src.String(), d)
	var x xw
	x.open("LoginWithWebIdentityResponse")
	x.open("LoginWithWebIdentityResult")
	writeCredentials(&x, ses)
	x.elem("SubjectFromWebIdentityToken", claims.Subject)
	aud := "s5"
	if len(claims.Audience) > 0 {
		aud = claims.Audience[0]
	}
	x.elem("Audience", aud)
	x.open("User")
	x.elem("Id", userID)
	x.elem("Arn", identity.String())
	x.close("User")
	x.elem("Provider", claims.Issuer)
	x.elem("SourceIdentity", src.String())
	x.close("LoginWithWebIdentityResult")
	x.close("LoginWithWebIdentityResponse")
	return x.b.String(), nil
}

func writeCredentials(x *xw, ses *Session) {
	x.open("Credentials")
	x.elem("AccessKeyId", ses.AccessKeyID)
	x.elem("SecretAccessKey", ses.Secret)
	x.elem("SessionToken", ses.Token)
	x.zulu("Expiration", ses.Expiration)
	x.close("Credentials")
}

// externalTokens caches the go-oidc providers of external identity
// providers by issuer.
type externalTokens struct {
	mu        sync.Mutex // guards providers
	providers map[string]*gooidc.Provider
}

// webIdentity is what AssumeRoleWithWebIdentity takes from a verified token.
type webIdentity struct {
	issuer, subject string
	audience        []string
	sourceIdentity  string // the https://aws.amazon.com/source_identity claim
}

// verifyWebIdentity verifies a token of the emulator's own provider or of an
// external provider registered in IAM, chosen by the token's issuer.
func (s *Services) verifyWebIdentity(ctx context.Context, tok string) (webIdentity, *APIError) {
	iss, err := oidc.UnverifiedIssuer(tok)
	if err != nil {
		return webIdentity{}, tokenError(err)
	}
	if s.OIDC.Issues(iss) {
		claims, _, err := s.OIDC.Verify(tok)
		if err != nil {
			return webIdentity{}, tokenError(err)
		}
		return webIdentity{issuer: claims.Issuer, subject: claims.Subject, audience: claims.Audience, sourceIdentity: claims.SourceIdentity}, nil
	}
	if _, ok := s.State.ProviderByURL(iss); !ok {
		return webIdentity{}, apiErr(http.StatusBadRequest, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", iss)
	}
	wi, err := s.verifyExternal(ctx, iss, tok)
	if err != nil {
		return webIdentity{}, tokenError(err)
	}
	return wi, nil
}

// validSourceIdentity follows STS: 2 to 64 characters of [\w+=,.@-].
func validSourceIdentity(v string) bool {
	if len(v) < 2 || len(v) > 64 {
		return false
	}
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_+=,.@-", r)) {
			return false
		}
	}
	return true
}

func (s *Services) verifyExternal(ctx context.Context, issuer, token string) (webIdentity, error) {
	external := &s.external
	external.mu.Lock()
	p := external.providers[issuer]
	external.mu.Unlock()
	client := &http.Client{Timeout: 10 * time.Second}
	ctx = gooidc.ClientContext(ctx, client)
	if p == nil {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		var err error
		if p, err = gooidc.NewProvider(ctx, issuer); err != nil {
			return webIdentity{}, err
		}
		external.mu.Lock()
		if external.providers == nil {
			external.providers = map[string]*gooidc.Provider{}
		}
		external.providers[issuer] = p
		external.mu.Unlock()
	}
	idt, err := p.VerifierContext(gooidc.ClientContext(context.Background(), client),
		&gooidc.Config{SkipClientIDCheck: true, Now: s.Now}).Verify(ctx, token)
	if err != nil {
		var te *gooidc.TokenExpiredError
		if errors.As(err, &te) {
			return webIdentity{}, oidc.ErrTokenExpired
		}
		return webIdentity{}, err
	}
	var extra struct {
		SourceIdentity string `json:"https://aws.amazon.com/source_identity"`
	}
	if err := idt.Claims(&extra); err != nil {
		return webIdentity{}, err
	}
	return webIdentity{issuer: issuer, subject: idt.Subject, audience: idt.Audience, sourceIdentity: extra.SourceIdentity}, nil
}

func (s *Services) assumeRoleWithWebIdentity(ctx context.Context, get func(string) string, form map[string][]string, reqID string) (string, *APIError) {
	tok, roleARN, session := get("WebIdentityToken"), get("RoleArn"), get("RoleSessionName")
	if tok == "" || roleARN == "" || session == "" {
		return "", apiErr(http.StatusBadRequest, "ValidationError", "RoleArn, RoleSessionName and WebIdentityToken are required")
	}
	ra, err := arn.Parse(roleARN)
	if err != nil || ra.Type() != arn.TypeRole {
		return "", apiErr(http.StatusBadRequest, "ValidationError", "RoleArn is not a role ARN")
	}
	role, ok := s.State.Role(ra.Name())
	if !ok || role.ARN != ra {
		return "", apiErr(http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	max := time.Duration(role.MaxSession) * time.Second
	d, aerr := duration(form, time.Hour, max)
	if aerr != nil {
		return "", aerr
	}
	wi, aerr := s.verifyWebIdentity(ctx, tok)
	if aerr != nil {
		return "", aerr
	}
	issuer, sub, aud := wi.issuer, wi.subject, wi.audience
	// The action has no SourceIdentity parameter: the source identity comes
	// only from the token, and setting it needs sts:SetSourceIdentity.
	source := wi.sourceIdentity
	if source != "" && !validSourceIdentity(source) {
		return "", apiErr(http.StatusBadRequest, "ValidationError", "The source identity claim of the web identity token is invalid")
	}
	prov, ok := s.State.ProviderByURL(issuer)
	if !ok {
		return "", apiErr(http.StatusBadRequest, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for %s", issuer)
	}
	audOK := false
	for _, a := range aud {
		for _, id := range prov.ClientIDs {
			if a == id {
				audOK = true
			}
		}
	}
	if !audOK {
		return "", apiErr(http.StatusBadRequest, "InvalidIdentityToken", "Incorrect token audience")
	}
	host := trimScheme(issuer)
	reqCtx := map[string][]string{host + ":aud": aud, host + ":sub": {sub}, "aws:FederatedProvider": {prov.ARN.String()}}
	tags := map[string]string{}
	for i := 1; i <= 50; i++ {
		p := "Tags.member." + strconv.Itoa(i)
		if k := get(p + ".Key"); k != "" {
			tags[k] = get(p + ".Value")
			reqCtx["aws:RequestTag/"+k] = []string{get(p + ".Value")}
			reqCtx["aws:TagKeys"] = append(reqCtx["aws:TagKeys"], k)
		} else {
			break
		}
	}
	if source != "" {
		reqCtx["sts:SourceIdentity"] = []string{source}
	}
	allowed, err := s.Engine.AllowAssumeRole(ctx, ra, prov.ARN, reqCtx)
	if err == nil && allowed && source != "" {
		allowed, err = s.Engine.AllowSetSourceIdentity(ctx, ra, prov.ARN, reqCtx)
	}
	if err != nil || !allowed {
		return "", apiErr(http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	doc, arns, aerr := s.sessionPolicy(get)
	if aerr != nil {
		return "", aerr
	}
	ses := s.newSession(ra, session, source, d)
	ses.Policy, ses.PolicyARNs = doc, arns
	if len(tags) > 0 {
		ses.Tags = tags
	}
	var x xw
	x.b.WriteString(`<AssumeRoleWithWebIdentityResponse xmlns="` + STSNamespace + `">`)
	x.open("AssumeRoleWithWebIdentityResult")
	writeCredentials(&x, ses)
	x.elem("SubjectFromWebIdentityToken", sub)
	x.open("AssumedRoleUser")
	x.elem("AssumedRoleId", role.ID+":"+session)
	x.elem("Arn", "arn:"+ra.Partition+":sts::"+ra.Account+":assumed-role/"+role.Name+"/"+session)
	x.close("AssumedRoleUser")
	if len(aud) > 0 {
		x.elem("Audience", aud[0])
	}
	x.elem("Provider", prov.ARN.String())
	x.opt("SourceIdentity", ses.SourceIdentity)
	x.close("AssumeRoleWithWebIdentityResult")
	x.open("ResponseMetadata")
	x.elem("RequestId", reqID)
	x.close("ResponseMetadata")
	x.close("AssumeRoleWithWebIdentityResponse")
	return x.b.String(), nil
}

// MaxSessionPolicySize is STS's limit on the Policy parameter.
const MaxSessionPolicySize = 2048

// sessionPolicy validates the session policies of an AssumeRole* request:
// the inline Policy and the managed PolicyArns (at most 10, canonical),
// which together limit the session; none when the request has neither.
func (s *Services) sessionPolicy(get func(string) string) (*policy.Document, []arn.ARN, *APIError) {
	var doc *policy.Document
	var arns []arn.ARN
	var pols []policy.Policy
	if raw := get("Policy"); raw != "" {
		if len(raw) > MaxSessionPolicySize {
			return nil, nil, apiErr(http.StatusBadRequest, "PackedPolicyTooLarge", "Packed size of the session policy exceeds %d characters", MaxSessionPolicySize)
		}
		var err error
		if doc, err = s.Engine.ParsePolicy(raw); err != nil {
			return nil, nil, apiErr(http.StatusBadRequest, "MalformedPolicyDocument", "%s", err.Error())
		}
		pols = append(pols, policy.Policy{ID: "session-policy", Document: doc})
	}
	for i := 1; ; i++ {
		raw := get("PolicyArns.member." + strconv.Itoa(i) + ".arn")
		if raw == "" {
			break
		}
		if i > 10 {
			return nil, nil, apiErr(http.StatusBadRequest, "ValidationError", "PolicyArns has more than 10 members")
		}
		a, aerr := s.policyARN(raw)
		if aerr != nil {
			return nil, nil, aerr
		}
		mdoc, ok := s.managedDocument(a)
		if !ok {
			return nil, nil, noSuch("Policy %s does not exist or is not attachable.", raw)
		}
		arns = append(arns, a)
		pols = append(pols, policy.Policy{ID: a.String(), Document: mdoc})
	}
	if len(pols) == 0 {
		return nil, nil, nil
	}
	// Compiled here only to refuse what the authorizer could not compile.
	if _, err := policy.Compile(pols); err != nil {
		return nil, nil, apiErr(http.StatusBadRequest, "MalformedPolicyDocument", "%s", err.Error())
	}
	return doc, arns, nil
}

// managedDocument returns the document of a managed policy (canonical
// built-in, or the default version of a customer policy).
func (s *Services) managedDocument(a arn.ARN) (*policy.Document, bool) {
	if builtin.IsBuiltin(a) {
		return builtin.Document(a.Name())
	}
	s.State.RLock()
	defer s.State.RUnlock()
	mp := s.State.PolicyLocked(a)
	if mp == nil {
		return nil, false
	}
	return mp.DefaultVersion().Doc, true
}

func (s *Services) getCallerIdentity(c Caller, reqID string) string {
	if c.Home != nil {
		home := c.Home
		c.Home = nil
		return home.getCallerIdentity(c, reqID)
	}
	id := s.State.Account
	a := c.Identity.String()
	switch c.Identity.Type() {
	case arn.TypeUser:
		if u, ok := s.State.User(c.Identity.Name()); ok {
			id = u.ID
		}
	case arn.TypeRole:
		if r, ok := s.State.Role(c.Identity.Name()); ok && c.Session != nil {
			id = r.ID + ":" + c.Session.Name
			a = "arn:" + c.Identity.Partition + ":sts::" + c.Identity.Account + ":assumed-role/" + r.Name + "/" + c.Session.Name
		}
	}
	var x xw
	x.b.WriteString(`<GetCallerIdentityResponse xmlns="` + STSNamespace + `">`)
	x.open("GetCallerIdentityResult")
	x.elem("Arn", a)
	x.elem("UserId", id)
	x.elem("Account", s.State.Account)
	x.close("GetCallerIdentityResult")
	x.open("ResponseMetadata")
	x.elem("RequestId", reqID)
	x.close("ResponseMetadata")
	x.close("GetCallerIdentityResponse")
	return x.b.String()
}
