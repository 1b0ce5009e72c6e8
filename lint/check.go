package lint

import (
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/catalog"
	"github.com/astran-oss/astran-go/policy"
)

// maxQuadratic bounds the checks that compare every pair of elements
// (statements, entries of a list, condition keys): beyond it they are
// skipped, so that a hostile document of a million entries cannot make
// lint run for hours. Real policies are far smaller (IAM's size limit
// allows some hundreds of entries).
const maxQuadratic = 512

// maxSuggestions bounds the "did you mean" searches of a document.
const maxSuggestions = 64

// linter holds one run of the checks over a document.
type linter struct {
	doc  *policy.Document
	o    *Options
	typ  PolicyType
	fold bool // action names compare case-insensitively (AWS dialect)
	vars bool // policy variables are expanded (Version 2012-10-17)
	sts  []stmt
	fs   []Finding
	// suggestions counts the "did you mean" searches, which are bounded.
	suggestions int
}

func (l *linter) add(code string, st int, path, msg string, fix *Fix) {
	r, _ := LookupRule(code)
	l.fs = append(l.fs, Finding{Code: code, Severity: r.Severity, Message: msg, Path: path, Statement: st, Fix: fix})
}

// run runs every check but the grammar's.
func run(doc *policy.Document, o *Options) []Finding {
	l := &linter{doc: doc, o: o, typ: o.Type, fold: o.Dialect == policy.AWS,
		vars: o.Dialect == policy.Astran || doc.Version == policy.Version2012}
	if l.typ == "" {
		l.typ = InferType(doc)
	}
	l.sts = make([]stmt, len(doc.Statements))
	for i := range doc.Statements {
		s := &l.sts[i]
		s.st = &doc.Statements[i]
		s.path = "Statement[" + strconv.Itoa(i) + "]"
		l.statement(i, s)
	}
	l.sids()
	l.pairs()
	for i := range l.sts {
		s := &l.sts[i]
		if s.st.Effect == policy.EffectDeny && s.dead != "" {
			l.add(codeDenyNever, i, s.path, "this Deny never matches: "+s.dead, nil)
		}
	}
	return l.fs
}

func (l *linter) statement(i int, s *stmt) {
	st := s.st
	l.actions(i, s, st.Action, "Action", true)
	l.actions(i, s, st.NotAction, "NotAction", false)
	if len(st.Action) > 0 && s.liveActions == 0 {
		s.kill("none of its actions exists")
	}
	l.resources(i, s, st.Resource, "Resource", true)
	l.resources(i, s, st.NotResource, "NotResource", false)
	if len(st.Resource) > 0 && s.liveResources == 0 {
		s.kill("none of its resources can match")
	}
	l.conditions(i, s)
	l.principals(i, s)
	l.security(i, s)
}

// actions checks the entries of Action (own) or NotAction.
func (l *linter) actions(i int, s *stmt, list []string, field string, own bool) {
	if list == nil {
		return
	}
	if own {
		s.closed = true
	}
	for j, a := range list {
		p := lazyPath{s.path, field, j, len(list)}
		if !l.action(i, s, a, p, own) {
			continue
		}
		s.liveActions++
		for k := 0; k < j && j < maxQuadratic; k++ {
			if covers(list[k], a, false, l.fold) {
				l.add(codeRedundantAction, i, p.String(), strconv.Quote(a)+" is already covered by "+strconv.Quote(list[k]), nil)
				break
			}
			if covers(a, list[k], false, l.fold) {
				l.add(codeRedundantAction, i, lazyPath{s.path, field, k, len(list)}.String(), strconv.Quote(list[k])+" is already covered by "+strconv.Quote(a), nil)
				break
			}
		}
	}
}

// action checks one action entry and adds what it matches to s.acts (for
// Action); it reports whether the entry can match a request.
func (l *linter) action(i int, s *stmt, a string, p lazyPath, own bool) bool {
	if a == "*" {
		s.closed = false
		if own {
			s.acts = everyAction
		}
		return true
	}
	if strings.Contains(a, "${") {
		l.add(codeVariableInAction, i, p.String(), "policy variables are not expanded in actions: "+strconv.Quote(a)+" is literal", nil)
		return false
	}
	prefix, name, ok := strings.Cut(a, ":")
	if !ok {
		return false // a grammar error
	}
	if hasWildcard(prefix) {
		l.add(codeWildcardService, i, p.String(), strconv.Quote(a)+" matches actions of several services", nil)
		s.closed, s.wildService = false, true
		return true
	}
	svc, ok := catalog.LookupService(prefix)
	if !ok {
		for c := range catalog.Services() {
			if strings.EqualFold(c.Prefix(), prefix) {
				svc, ok = c, true
				if !l.fold {
					fixed := c.Prefix() + ":" + name
					if f, found := catalog.LookupActionFold(fixed); found && !hasWildcard(name) {
						fixed = f.Name()
					}
					l.add(codeActionCase, i, p.String(), "Astran compares action names case-sensitively: "+strconv.Quote(a)+" never matches; write "+strconv.Quote(fixed),
						&Fix{Old: a, New: fixed})
					return false
				}
			}
		}
	}
	if !ok {
		l.add(codeUnknownService, i, p.String(), "unknown service "+strconv.Quote(prefix)+" (Astran exposes s3, iam, sts and ck)", nil)
		return false
	}
	if svc.Open() {
		s.closed = false
		return true
	}
	if hasWildcard(name) {
		return l.wildcardAction(i, s, svc, a, p, own)
	}
	var act catalog.Action
	if l.fold {
		act, ok = catalog.LookupActionFold(a)
	} else {
		act, ok = catalog.LookupAction(a)
	}
	if ok {
		if own {
			s.acts.add(act)
		}
		return true
	}
	if f, found := catalog.LookupActionFold(a); found {
		l.add(codeActionCase, i, p.String(), "Astran compares action names case-sensitively: "+strconv.Quote(a)+" never matches; write "+strconv.Quote(f.Name()),
			&Fix{Old: a, New: f.Name()})
		return false
	}
	if name, found := catalog.LookupAWSOnlyAction(a); found {
		l.add(codeUnsupportedAction, i, p.String(), strconv.Quote(name)+" is an AWS action that Astran does not document", nil)
		return false
	}
	msg := "service " + svc.Prefix() + " has no action " + strconv.Quote(name)
	if l.suggestions++; l.suggestions <= maxSuggestions {
		if best := closest(svc, a); best != "" {
			msg += "; did you mean " + strconv.Quote(best) + "?"
		}
	}
	l.add(codeUnknownAction, i, p.String(), msg, nil)
	return false
}

// closest returns the action of svc nearest to a, within two edits.
func closest(svc catalog.Service, a string) string {
	best, bestD := "", 3
	for c := range svc.Actions() {
		if d := distance(a, c.Name(), 2); d < bestD {
			best, bestD = c.Name(), d
		}
	}
	return best
}

func (l *linter) wildcardAction(i int, s *stmt, svc catalog.Service, a string, p lazyPath, own bool) bool {
	if strings.HasSuffix(a, ":*") {
		if own {
			for c := range svc.Actions() {
				s.acts.add(c)
			}
		}
		return true
	}
	pat := a
	if l.fold {
		pat = strings.ToLower(a)
	}
	n := 0
	for c := range svc.Actions() {
		name := c.Name()
		if l.fold {
			name = strings.ToLower(name)
		}
		if arn.Match(pat, name) {
			n++
			if own {
				s.acts.add(c)
			}
		}
	}
	if n > 0 {
		return true
	}
	msg := strconv.Quote(a) + " matches no action of " + svc.Prefix()
	var fix *Fix
	if !l.fold {
		// The same pattern case-insensitively, and the right case when
		// every match agrees on it (for "svc:Head*").
		la, head := strings.ToLower(a), ""
		agree, found := true, false
		for c := range svc.Actions() {
			if !arn.Match(la, strings.ToLower(c.Name())) {
				continue
			}
			found = true
			if h, ok := strings.CutSuffix(a, "*"); ok && !hasWildcard(h) && len(c.Name()) >= len(h) {
				if head == "" {
					head = c.Name()[:len(h)]
				} else if head != c.Name()[:len(h)] {
					agree = false
				}
			} else {
				agree = false
			}
		}
		if found {
			msg += " in Astran's case-sensitive dialect"
			if agree && head != "" {
				msg += "; write " + strconv.Quote(head+"*")
				fix = &Fix{Old: a, New: head + "*"}
			}
		}
	}
	l.add(codeWildcardNothing, i, p.String(), msg, fix)
	return false
}

// resources checks Resource (own) or NotResource.
func (l *linter) resources(i int, s *stmt, list []string, field string, own bool) {
	if list == nil {
		return
	}
	// The resource types the statement's actions accept.
	var accepted uint32
	if own && s.closed && s.st.Action != nil {
		for w, word := range s.acts {
			for ; word != 0; word &= word - 1 {
				accepted |= actionTypes[w*64+bits.TrailingZeros64(word)]
			}
		}
	}
	for j, r := range list {
		p := lazyPath{s.path, field, j, len(list)}
		if !l.resource(i, s, r, p, own, accepted) {
			continue
		}
		s.liveResources++
		for k := 0; k < j && j < maxQuadratic; k++ {
			if covers(list[k], r, true, false) {
				l.add(codeRedundantResource, i, p.String(), strconv.Quote(r)+" is already covered by "+strconv.Quote(list[k]), nil)
				break
			}
			if covers(r, list[k], true, false) {
				l.add(codeRedundantResource, i, lazyPath{s.path, field, k, len(list)}.String(), strconv.Quote(list[k])+" is already covered by "+strconv.Quote(r), nil)
				break
			}
		}
	}
}

// resource checks one resource entry; it reports whether it can match.
func (l *linter) resource(i int, s *stmt, r string, p lazyPath, own bool, accepted uint32) bool {
	if r == "*" {
		return true
	}
	if !l.variables(i, r, p) {
		return false
	}
	seg, n := splitARN(r)
	if n < 6 {
		if !strings.HasSuffix(r, "*") {
			l.add(codeInvalidARN, i, p.String(), strconv.Quote(r)+" has "+strconv.Itoa(n)+" of the 6 parts of an ARN", nil)
			return false
		}
		return true
	}
	if !l.partition(i, seg[1], r, p) {
		return false
	}
	svcName := seg[2]
	// The resource types the ARN may be of.
	var fits uint32
	if isLiteral(svcName) {
		for m := typesByService[svcName]; m != 0; m &= m - 1 {
			k := bits.TrailingZeros32(m)
			if rtAll[k].MayMatch(r) {
				fits |= 1 << k
			}
		}
		if svc, known := catalog.LookupService(svcName); known && !svc.Open() && fits == 0 {
			l.add(codeARNFormat, i, p.String(), strconv.Quote(r)+" fits no ARN format of "+svcName+formats(svc), nil)
			return false
		}
	} else {
		fits = ^uint32(0)
	}
	if bucket, _, _ := strings.Cut(seg[5], "/"); svcName == "s3" && !strings.ContainsAny(bucket, "*?$") {
		if err := arn.ValidateBucketName(bucket); err != nil {
			l.add(codeInvalidBucket, i, p.String(), strconv.Quote(bucket)+" is not a valid bucket name (3-63 lower-case letters, digits, dots and hyphens)", nil)
			return false
		}
	}
	if svcName == "iam" {
		l.userName(i, seg[5], p)
	}
	if !own || !s.closed || s.st.Action == nil || s.acts.empty() {
		return true
	}
	if fits&accepted != 0 {
		return true
	}
	sameService := typesByService[svcName]&accepted != 0
	s.acts.each(func(a catalog.Action) bool {
		sameService = sameService || a.Service().Prefix() == svcName
		return !sameService
	})
	if sameService || hasWildcard(svcName) {
		msg := "no action of the statement acts on " + strconv.Quote(r)
		if accepted != 0 {
			msg += "; they accept " + typeNames(accepted)
		}
		l.add(codeResourceType, i, p.String(), msg, nil)
	} else {
		l.add(codeResourceService, i, p.String(), strconv.Quote(r)+" is a resource of "+svcName+", on which no action of the statement acts", nil)
	}
	return false
}

func formats(svc catalog.Service) string {
	s := ""
	for rt := range svc.ResourceTypes() {
		if s == "" {
			s += " ("
		} else {
			s += ", "
		}
		s += rt.ARNFormat()
	}
	if s != "" {
		s += ")"
	}
	return s
}

func typeNames(mask uint32) string {
	s := ""
	for k, rt := range rtAll {
		if mask&(1<<k) == 0 {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += rt.Service().Prefix() + " " + rt.Name() + " (" + rt.ARNFormat() + ")"
	}
	return s
}

// partition checks an ARN's partition for the dialect.
func (l *linter) partition(i int, part, value string, p lazyPath) bool {
	if hasWildcard(part) || strings.Contains(part, "${") {
		return true
	}
	switch {
	case !l.fold && isAWSPartition(part):
		l.add(codeWrongPartition, i, p.String(), strconv.Quote(value)+" uses AWS's partition "+strconv.Quote(part)+"; Astran ARNs use your partition (arn:demo:...)", nil)
		return false
	case l.fold && !isAWSPartition(part):
		l.add(codeWrongPartition, i, p.String(), strconv.Quote(part)+" is not an AWS partition (aws, aws-cn, aws-us-gov, aws-iso...)", nil)
		return false
	}
	return true
}

// userName warns about IAM user ARNs whose name is not an email address.
func (l *linter) userName(i int, res string, p lazyPath) {
	rest, ok := strings.CutPrefix(res, "user/")
	if !ok || l.fold || strings.ContainsAny(rest, "*?$") {
		return
	}
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	if arn.ValidateEmail(name) != nil {
		l.add(codeUserNotEmail, i, p.String(), "Astran users are email addresses; "+strconv.Quote(name)+" is not one", nil)
	}
}

// variables checks the policy variables of a resource or condition value;
// it reports false if one makes the value match nothing.
func (l *linter) variables(i int, v string, p lazyPath) bool {
	ok := true
	for rest := v; ; {
		start := strings.Index(rest, "${")
		if start < 0 {
			return ok
		}
		end := strings.IndexByte(rest[start:], '}')
		if end < 0 {
			return ok
		}
		inner := rest[start+2 : start+end]
		rest = rest[start+end+1:]
		if inner == "*" || inner == "?" || inner == "$" {
			continue
		}
		if !l.vars {
			l.add(codeVariablesDisabled, i, p.String(), "${"+inner+"} is literal text: variables need \"Version\": \"2012-10-17\"", nil)
			return false
		}
		key, _, hasDef := strings.Cut(inner, ",")
		key = strings.TrimSpace(key)
		k, found := catalog.LookupConditionKey(key)
		switch {
		case !found && !strings.HasPrefix(key, "ck:"):
			if !hasDef {
				ok = false
			}
			l.add(codeUnknownVariable, i, p.String(), "${"+key+"} names no known condition key", nil)
		case found && k.Multivalued():
			ok = false
			l.add(codeMultivaluedVariable, i, p.String(), key+" is multivalued and cannot be a policy variable", nil)
		}
	}
}

// conditions checks the condition block.
func (l *linter) conditions(i int, s *stmt) {
	c := s.st.Condition
	if len(c) == 0 {
		return
	}
	ops := sortedKeys(c)
	var facts []fact
	for _, opName := range ops {
		op, ok := parseOperator(opName)
		if !ok {
			continue // a grammar error
		}
		op.name = opName
		op.path = opPath(s.path, opName)
		keys := sortedKeys(c[opName])
		likeWild := false
		for _, key := range keys {
			vals := c[opName][key]
			kp := keyPath(op.path, key)
			l.conditionKey(i, s, op, key, kp, vals)
			for _, v := range vals {
				likeWild = likeWild || hasWildcard(v)
			}
			facts = append(facts, fact{op: op, key: strings.ToLower(key), vals: vals})
		}
		if op.base == "StringLike" || op.base == "StringNotLike" {
			if !likeWild && len(keys) > 0 {
				to := strings.Replace(opName, "Like", "Equals", 1)
				if op.base == "StringNotLike" {
					to = strings.Replace(opName, "StringNotLike", "StringNotEquals", 1)
				}
				l.add(codeLikeWithoutWildcard, i, op.path, opName+" without * or ? compares exactly: it is "+to, &Fix{Old: opName, New: to})
			}
		}
	}
	if reason := contradiction(facts); reason != "" {
		l.add(codeContradictory, i, fieldPath(s.path, "Condition"), reason, nil)
		s.kill("its conditions contradict each other")
	}
}

// conditionKey checks one key of one operator.
func (l *linter) conditionKey(i int, s *stmt, op operator, key, kp string, vals []string) {
	// Values.
	for j, v := range vals {
		vp := elemPath(kp, j, len(vals))
		if strings.Contains(v, "${") {
			l.variables(i, v, at(vp))
			continue
		}
		switch op.family {
		case famARN:
			if v != "*" && !strings.HasPrefix(v, "arn:") {
				l.add(codeInvalidARNValue, i, vp, strconv.Quote(v)+" is not an ARN: "+op.name+" never matches it", nil)
			}
		case famIP:
			if pfx, err := netip.ParsePrefix(v); err == nil && pfx.Masked() != pfx {
				l.add(codeIPNotCanonical, i, vp, strconv.Quote(v)+" has host bits set: it means "+pfx.Masked().String(), &Fix{Old: v, New: pfx.Masked().String()})
			}
		}
		for k := 0; k < j && j < maxQuadratic; k++ {
			if vals[k] == v {
				l.add(codeRedundantValue, i, vp, strconv.Quote(v)+" is given twice", nil)
				break
			}
		}
	}
	k, found := catalog.LookupConditionKey(key)
	if !found {
		if prefix, _, _ := strings.Cut(key, ":"); strings.EqualFold(prefix, "ck") {
			return // kits publish no keys
		}
		l.add(codeUnknownKey, i, kp, "unknown condition key "+strconv.Quote(key), nil)
		if op.positive() {
			s.kill("it tests the unknown key " + key)
		}
		return
	}
	name := k.Name()
	if !strings.Contains(name, "${") && !strings.Contains(name, "<") && key != name {
		l.add(codeKeyCase, i, kp, "documented as "+strconv.Quote(name), &Fix{Old: key, New: name})
	}
	// Is the key carried by the statement's actions?
	if !k.Global() && s.closed && s.st.Action != nil && !s.acts.empty() {
		carried, sameService := false, false
		prefix, _, _ := strings.Cut(name, ":")
		s.acts.each(func(a catalog.Action) bool {
			if a.HasConditionKey(k) {
				carried = true
				return false
			}
			sameService = sameService || a.Service().Prefix() == prefix
			return true
		})
		switch {
		case carried:
		case prefix != "aws" && !k.WebIdentity() && !sameService:
			l.add(codeKeyService, i, kp, key+" is a key of "+prefix+"; none of the statement's actions is", nil)
		default:
			l.add(codeKeyNotCarried, i, kp, "none of the statement's actions carries "+key+": it is always absent", nil)
		}
		if !carried && op.positive() {
			s.kill(key + " is never present")
		}
	}
	// Types.
	t := k.Type()
	if tc, ok := typeChecks[op.family]; ok && !t.Has(tc.want) {
		l.add(tc.code, i, kp, op.name+" compares "+tc.what+"; "+name+" is "+t.String(), nil)
	}
	switch op.family {
	case famString:
		switch {
		case t.Has(catalog.TypeString):
		case t.Has(catalog.TypeARN):
			if to, ok := arnOperator(op); ok {
				l.add(codeUseARNOperator, i, op.path, name+" is an ARN: compare it with "+to, &Fix{Old: op.name, New: to})
			}
		default:
			l.add(codeStringOnTyped, i, kp, op.name+" compares "+name+", a "+t.String()+" key, as text", nil)
		}
	}
	// Qualifiers.
	switch {
	case op.family == famNull:
	case k.Multivalued() && op.qual == "":
		l.add(codeMultiNoQualifier, i, kp, name+" is multivalued: use ForAnyValue:"+op.name+" or ForAllValues:"+op.name, nil)
	case !k.Multivalued() && op.qual == "ForAllValues":
		l.add(codeForAllSingle, i, kp, name+" is single-valued: ForAllValues also holds when the request lacks it", nil)
	case !k.Multivalued() && op.qual == "ForAnyValue":
		l.add(codeForAnySingle, i, kp, name+" is single-valued: ForAnyValue is not needed", nil)
	}
	if op.ifExists && k.AlwaysPresent() {
		to := strings.TrimSuffix(op.name, "IfExists")
		l.add(codeIfExistsAlwaysPresent, i, op.path, name+" is in every request: "+op.name+" is "+to, &Fix{Old: op.name, New: to})
	}
}

// typeChecks are the key type each operator family needs.
var typeChecks = map[int]struct {
	want       catalog.KeyType
	code, what string
}{
	famDate:    {catalog.TypeDate, codeTypeDate, "dates"},
	famNumeric: {catalog.TypeNumeric, codeTypeNumeric, "numbers"},
	famBool:    {catalog.TypeBool, codeTypeBool, "booleans"},
	famIP:      {catalog.TypeIPAddress, codeTypeIP, "IP addresses"},
	famARN:     {catalog.TypeARN, codeTypeARN, "ARNs"},
	famBinary:  {catalog.TypeBinary, codeTypeBinary, "binary values"},
}

func arnOperator(op operator) (string, bool) {
	if op.qual != "" || op.ifExists {
		return "", false
	}
	switch op.base {
	case "StringEquals":
		return "ArnEquals", true
	case "StringNotEquals":
		return "ArnNotEquals", true
	case "StringLike":
		return "ArnLike", true
	case "StringNotLike":
		return "ArnNotLike", true
	}
	return "", false
}
