package lint

import (
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/catalog"
	"github.com/astran-oss/astran-go/policy"
)

// principals checks Principal and NotPrincipal, and the rules of the
// policy type about them.
func (l *linter) principals(i int, s *stmt) {
	st := s.st
	has := st.Principal != nil || st.NotPrincipal != nil
	switch {
	case l.typ == Identity && has:
		field := "Principal"
		if st.Principal == nil {
			field = "NotPrincipal"
		}
		l.add(codePrincipalInIdentityPolicy, i, fieldPath(s.path, field), "an identity policy names no principal", nil)
	case l.typ != Identity && !has:
		l.add(codeMissingPrincipal, i, s.path, "a "+string(l.typ)+" policy statement needs a Principal", nil)
	}
	if l.typ == Trust {
		for _, f := range [...]struct {
			name string
			l    []string
		}{{"Resource", st.Resource}, {"NotResource", st.NotResource}} {
			if f.l != nil {
				l.add(codeTrustResource, i, fieldPath(s.path, f.name), "a trust policy has no "+f.name, nil)
			}
		}
		fp := fieldPath(s.path, "Action")
		for j, a := range st.Action {
			if a != "*" && !isTrustAction(a) && !hasWildcard(a) {
				l.add(codeTrustAction, i, elemPath(fp, j, len(st.Action)), strconv.Quote(a)+" is not role assumption: it has no effect in a trust policy", nil)
			}
		}
	}
	for _, f := range [...]struct {
		name string
		p    *policy.Principal
	}{{"Principal", st.Principal}, {"NotPrincipal", st.NotPrincipal}} {
		if f.p == nil {
			continue
		}
		pp := fieldPath(s.path, f.name)
		ap := fieldPath(pp, "AWS")
		for j, v := range f.p.AWS {
			l.awsPrincipal(i, v, at(elemPath(ap, j, len(f.p.AWS))))
		}
		fedp := fieldPath(pp, "Federated")
		for j, v := range f.p.Federated {
			l.federated(i, v, elemPath(fedp, j, len(f.p.Federated)))
		}
	}
	if st.Effect != policy.EffectAllow {
		return
	}
	if st.NotPrincipal != nil {
		l.add(codeAllowNotPrincipal, i, fieldPath(s.path, "NotPrincipal"), "Allow with NotPrincipal allows everyone not listed, anonymous callers included", nil)
	}
	if pr := st.Principal; pr != nil && st.Condition == nil && (pr.Wildcard || contains(pr.AWS, "*")) {
		l.add(codePublicPrincipal, i, fieldPath(s.path, "Principal"), "every principal, in every account, is allowed, without a condition", nil)
	}
	l.webIdentity(i, s)
}

func contains(l []string, v string) bool {
	for _, x := range l {
		if x == v {
			return true
		}
	}
	return false
}

// awsPrincipal checks an entry of Principal.AWS.
func (l *linter) awsPrincipal(i int, v string, lp lazyPath) {
	p := lp.String()
	if v == "*" {
		return
	}
	if !strings.HasPrefix(v, "arn:") {
		if !isAccountID(v) {
			l.add(codeInvalidPrincipal, i, p, strconv.Quote(v)+" is neither an account ID nor an ARN", nil)
		}
		return
	}
	seg, n := splitARN(v)
	if n < 6 {
		l.add(codeInvalidPrincipal, i, p, strconv.Quote(v)+" is not a complete ARN", nil)
		return
	}
	if hasWildcard(v) {
		l.add(codeInvalidPrincipal, i, p, "wildcards are not allowed in principal ARNs (only \"*\" alone)", nil)
		return
	}
	if !l.partition(i, seg[1], v, lp) {
		return
	}
	res := seg[5]
	ok := false
	switch seg[2] {
	case "iam":
		ok = res == "root" || strings.HasPrefix(res, "user/") || strings.HasPrefix(res, "role/")
	case "sts":
		ok = strings.HasPrefix(res, "assumed-role/") || strings.HasPrefix(res, "federated-user/")
	}
	if !ok {
		l.add(codeInvalidPrincipal, i, p, strconv.Quote(v)+" is not the ARN of an account root, a user, a role or a role session", nil)
		return
	}
	if seg[2] == "iam" {
		l.userName(i, res, lp)
	}
}

// isAccountID reports whether s is an AWS account ID (12 digits) or an
// Astran account ID (a UUID).
func isAccountID(s string) bool {
	if len(s) == 12 && strings.Trim(s, "0123456789") == "" {
		return true
	}
	if len(s) != 36 {
		return false
	}
	for k := 0; k < len(s); k++ {
		c := s[k]
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// federated checks an entry of Principal.Federated.
func (l *linter) federated(i int, v, p string) {
	if strings.HasPrefix(v, "arn:") {
		seg, n := splitARN(v)
		if n == 6 && seg[2] == "iam" && (strings.HasPrefix(seg[5], "oidc-provider/") || strings.HasPrefix(seg[5], "saml-provider/")) {
			l.partition(i, seg[1], v, at(p))
			return
		}
		l.add(codeUnknownFederation, i, p, strconv.Quote(v)+" is not an OIDC or SAML provider ARN", nil)
		return
	}
	if !strings.Contains(v, ".") || strings.ContainsAny(v, " */:") {
		l.add(codeUnknownFederation, i, p, strconv.Quote(v)+" is neither a provider ARN nor an identity provider host", nil)
	}
}

// webIdentity reports trust statements that let web identities assume a
// role without checking the token's audience.
func (l *linter) webIdentity(i int, s *stmt) {
	st := s.st
	pr := st.Principal
	if pr == nil {
		return
	}
	federated := pr.Wildcard || contains(pr.AWS, "*")
	for _, f := range pr.Federated {
		if !strings.Contains(f, ":saml-provider/") {
			federated = true
		}
	}
	if !federated {
		return
	}
	web, _ := catalog.LookupAction("sts:AssumeRoleWithWebIdentity")
	assumes := s.acts.has(web)
	for _, a := range st.Action {
		if a == "*" || (hasWildcard(a) && isTrustAction(a) && covers(strings.ToLower(a), "sts:assumerolewithwebidentity", false, false)) {
			assumes = true
		}
	}
	if !assumes {
		return
	}
	for opName, keys := range st.Condition {
		op, ok := parseOperator(opName)
		if !ok || op.negated || op.family != famString || op.ifExists {
			continue
		}
		for key := range keys {
			if k, ok := catalog.LookupConditionKey(key); ok && k.WebIdentity() && strings.HasSuffix(strings.ToLower(key), ":aud") {
				return
			}
		}
	}
	l.add(codeWebIdentityNoAud, i, fieldPath(s.path, "Principal"),
		"any token of the identity provider can assume the role: add a condition on {provider}:aud", nil)
}
