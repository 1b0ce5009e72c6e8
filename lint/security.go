package lint

import (
	"slices"
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/catalog"
	"github.com/astran-oss/astran-go/policy"
)

// escalation are the IAM actions that let their holder grant itself more.
var escalation = []string{
	"iam:AddUserToGroup", "iam:AttachGroupPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
	"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreatePolicyVersion",
	"iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary",
	"iam:PutGroupPolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:PutUserPermissionsBoundary",
	"iam:PutUserPolicy", "iam:SetDefaultPolicyVersion", "iam:UpdateAssumeRolePolicy", "iam:UpdateLoginProfile",
}

var escalationActions = func() (s actionSet) {
	for _, n := range escalation {
		a, ok := catalog.LookupAction(n)
		if !ok {
			panic("lint: escalation action " + n + " not in the catalog")
		}
		s.add(a)
	}
	return s
}()

func lookup(name string) catalog.Action {
	a, _ := catalog.LookupAction(name)
	return a
}

var (
	passRole   = lookup("iam:PassRole")
	assumeRole = lookup("sts:AssumeRole")
)

// security runs the security checks of an Allow statement.
func (l *linter) security(i int, s *stmt) {
	st := s.st
	if st.Effect != policy.EffectAllow {
		return
	}
	if st.NotAction != nil {
		l.add(codeAllowNotAction, i, fieldPath(s.path, "NotAction"), "Allow with NotAction grants every action not listed", nil)
	}
	if st.NotResource != nil {
		l.add(codeAllowNotResource, i, fieldPath(s.path, "NotResource"), "Allow with NotResource grants every resource not listed", nil)
	}
	allRes := contains(st.Resource, "*") || st.NotResource != nil
	if !allRes {
		return
	}
	fp := fieldPath(s.path, "Action")
	broad, iamAll, stsAll := false, false, false
	for j, a := range st.Action {
		p := elemPath(fp, j, len(st.Action))
		switch {
		case a == "*":
			broad = true
			l.add(codeAllowAll, i, p, "every action on every resource: full administrator access", nil)
		case strings.HasSuffix(a, ":*") && !hasWildcard(strings.TrimSuffix(a, ":*")):
			svc := strings.TrimSuffix(a, ":*")
			iamAll = iamAll || svc == "iam"
			stsAll = stsAll || svc == "sts"
			l.add(codeServiceWildcard, i, p, "every "+svc+" action on every resource", nil)
		}
	}
	if broad {
		return
	}
	if !iamAll {
		if s.acts.has(passRole) {
			l.add(codePassRole, i, fp, "iam:PassRole on every resource: the holder can pass any role", nil)
		}
		var names []string
		s.acts.each(func(a catalog.Action) bool {
			if escalationActions.has(a) {
				names = append(names, a.Name())
			}
			return true
		})
		if len(names) > 0 {
			l.add(codeEscalation, i, fp, strings.Join(names, ", ")+" on every resource: the holder can grant itself more access", nil)
		}
	}
	if !stsAll && l.typ == Identity && s.acts.has(assumeRole) {
		l.add(codeAssumeAnyRole, i, fp, "sts:AssumeRole on every role that trusts the account", nil)
	}
	if !contains(st.Resource, "*") || hasServiceWildcard(st.Action) {
		return
	}
	var writes []string
	s.acts.each(func(a catalog.Action) bool {
		switch a.AccessLevel() {
		case catalog.Write, catalog.PermissionsManagement, catalog.Tagging:
			for range a.ResourceTypes() {
				writes = append(writes, a.Name())
				break
			}
		}
		return true
	})
	if len(writes) > 0 {
		if len(writes) > 3 {
			writes = append(writes[:3], "and "+strconv.Itoa(len(writes)-3)+" more")
		}
		l.add(codeResourceStar, i, fieldPath(s.path, "Resource"), strings.Join(writes, ", ")+" can be limited to named resources", nil)
	}
}

func hasServiceWildcard(actions []string) bool {
	for _, a := range actions {
		if strings.HasSuffix(a, ":*") {
			return true
		}
	}
	return false
}

// sids checks the Sids.
func (l *linter) sids() {
	for i := range l.sts {
		sid := l.sts[i].st.Sid
		if sid == "" {
			continue
		}
		for k := 0; k < len(sid); k++ {
			c := sid[k]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				l.add(codeInvalidSid, i, fieldPath(l.sts[i].path, "Sid"), strconv.Quote(sid)+" has characters other than letters and digits", nil)
				break
			}
		}
		for j := 0; j < i && i < maxQuadratic; j++ {
			if o := l.sts[j].st.Sid; o != sid && strings.EqualFold(o, sid) {
				l.add(codeDuplicateSid, i, fieldPath(l.sts[i].path, "Sid"), strconv.Quote(sid)+" differs only in case from "+strconv.Quote(o)+" ("+l.sts[j].path+")", nil)
				break
			}
		}
	}
}

// pairs compares statements: shadowed Allows and subsumed statements.
func (l *linter) pairs() {
	if len(l.sts) > maxQuadratic {
		return
	}
	for i := range l.sts {
		a := &l.sts[i]
		if a.st.Action == nil || a.dead != "" || (a.st.Resource == nil) != (a.st.NotResource == nil) && a.st.Resource == nil {
			continue
		}
		for j := range l.sts {
			b := &l.sts[j]
			if i == j || b.st.Action == nil || (!b.wildService && !a.acts.subsetOf(&b.acts)) || !samePrincipals(a.st, b.st) {
				continue
			}
			// Within the catalog, a's actions are covered when its set is.
			coveredActs := a.closed && a.acts.subsetOf(&b.acts)
			if !coveredActs && !coversAll(b.st.Action, a.st.Action, false, l.fold) || !l.coversResources(b.st, a.st) {
				continue
			}
			switch {
			case a.st.Effect == policy.EffectAllow && b.st.Effect == policy.EffectDeny && b.st.Condition == nil:
				l.add(codeShadowed, i, a.path, "everything it allows is denied by "+ref(b), nil)
			case a.st.Effect == b.st.Effect && (b.st.Condition == nil || sameCondition(a.st.Condition, b.st.Condition)):
				if j > i && (b.closed && b.acts.subsetOf(&a.acts) || coversAll(a.st.Action, b.st.Action, false, l.fold)) && l.coversResources(a.st, b.st) &&
					(a.st.Condition == nil) == (b.st.Condition == nil) {
					continue // identical: report the later one only
				}
				l.add(codeSubsumed, i, a.path, ref(b)+" already covers every action and resource of it", nil)
			default:
				continue
			}
			break
		}
	}
}

// coversResources reports whether b's Resource covers a's (both absent in
// trust policies also counts).
func (l *linter) coversResources(b, a *policy.Statement) bool {
	if a.NotResource != nil || b.NotResource != nil {
		return false
	}
	if a.Resource == nil || b.Resource == nil {
		return a.Resource == nil && b.Resource == nil
	}
	return coversAll(b.Resource, a.Resource, true, false)
}

func ref(s *stmt) string {
	if s.st.Sid != "" {
		return s.path + " (" + s.st.Sid + ")"
	}
	return s.path
}

func samePrincipals(a, b *policy.Statement) bool {
	if a.NotPrincipal != nil || b.NotPrincipal != nil {
		return false
	}
	if b.Principal == nil {
		return a.Principal == nil
	}
	if b.Principal.Wildcard {
		return true
	}
	if a.Principal == nil {
		return false
	}
	return slices.Equal(a.Principal.AWS, b.Principal.AWS) && slices.Equal(a.Principal.Federated, b.Principal.Federated) &&
		slices.Equal(a.Principal.Service, b.Principal.Service) && a.Principal.Wildcard == b.Principal.Wildcard
}

func sameCondition(a, b policy.Condition) bool {
	if len(a) != len(b) {
		return false
	}
	for op, ak := range a {
		bk, ok := b[op]
		if !ok || len(ak) != len(bk) {
			return false
		}
		for k, av := range ak {
			bv, ok := bk[k]
			if !ok || !slices.Equal(av, bv) {
				return false
			}
		}
	}
	return true
}
