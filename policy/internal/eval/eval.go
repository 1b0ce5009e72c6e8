package eval

import (
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/astran-oss/astran-go/internal/glob"
	"github.com/astran-oss/astran-go/policy/internal/cond"
	"github.com/astran-oss/astran-go/policy/internal/tmpl"
	"github.com/astran-oss/astran-go/policy/types"
)

// evaluate returns the result of req against the set.
func (s *Set) evaluate(req *types.Request) types.Result {
	var r types.Result
	s.EvaluateInto(req, &r)
	return r
}

// EvaluateInto evaluates req against the set and stores the result in res,
// reusing the capacity of its slices (see policy.Set.EvaluateInto). A nil
// Set or a nil request gives an implicit deny.
func (s *Set) EvaluateInto(req *types.Request, res *types.Result) {
	reset(res)
	if s == nil || req == nil {
		return
	}
	decide(res, s.run(req, nil, res, 0))
}

// decide sets the decision of one set's outcome and keeps the statements
// that decided.
func decide(r *types.Result, o outcome) {
	switch {
	case o.deny:
		r.Decision = types.ExplicitDeny
		if o.allow {
			keep(r, allTypes) // drop the matching Allow statements
		}
	case o.allow:
		r.Decision = types.Allow
	}
	// Without both a Deny and an Allow, the matched statements all have
	// the decision's effect (there are none for ImplicitDeny): nothing to
	// drop.
	sortMissing(r)
}

// outcome is what one set said about a request.
type outcome struct {
	allow, deny bool
	grant       grant // resource-based policies: the strongest Allow's grant
}

// run evaluates req against s, appending the matching statements (sorted by
// policy, then statement, with type typ) and the missing context keys to
// res. c is req.Principal parsed, or nil to parse it when needed. In a
// resource-based policy, an Allow statement must name the principal and
// records how it did in the outcome's grant.
func (s *Set) run(req *types.Request, c *caller, res *types.Result, typ types.PolicyType) outcome {
	// Assigned field by field, the evaluator is built in place; a
	// composite literal is built in a temporary and copied, which costs a
	// store-forwarding stall per evaluation.
	var e evaluator
	e.s, e.req, e.res, e.caller = s, req, res, c
	e.typ, e.resource, e.start = typ, typ == types.ResourceBased, len(res.Statements)
	if !s.indexed {
		for i := range s.stmts {
			e.stmt(int32(i), false)
		}
	} else {
		e.indexed()
	}
	if e.visited && !e.ordered {
		st := res.Statements[e.start:]
		for i := 1; i < len(st); i++ {
			for j := i; j > 0 && (st[j].PolicyIndex < st[j-1].PolicyIndex || st[j].PolicyIndex == st[j-1].PolicyIndex && st[j].Index < st[j-1].Index); j-- {
				st[j], st[j-1] = st[j-1], st[j]
			}
		}
	}
	return outcome{allow: e.allow, deny: e.deny, grant: e.grant}
}

type evaluator struct {
	s        *Set
	req      *types.Request
	res      *types.Result
	typ      types.PolicyType // recorded in the matched statements
	start    int              // this set's first statement in res.Statements
	resource bool             // a resource-based policy (see Set.run)
	grant    grant
	caller   *caller // req.Principal parsed, or nil to parse it per statement
	allow    bool
	deny     bool
	visited  bool // candidates come from the index
	ordered  bool // candidates come in statement order without duplicates
}

func (e *evaluator) indexed() {
	e.visited = true
	action := e.req.Action
	if e.s.dialect != types.AWS {
		e.lookup(action)
		return
	}
	var buf [128]byte
	if len(action) > len(buf) {
		e.lookup(strings.ToLower(action))
		return
	}
	n := copy(buf[:], action)
	for i := 0; i < n; i++ {
		if c := buf[i]; 'A' <= c && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	// view does not copy: lookup only indexes maps with the text and
	// retains nothing, and buf is not written while it runs.
	e.lookup(view(buf[:n]))
}

// lookup evaluates the candidates of action: if the literal action has a
// merged bucket, that bucket in order; otherwise the buckets of statements
// for every action, of the literal action and of matching action prefixes,
// in turn (duplicates are skipped and finish sorts the matches).
func (e *evaluator) lookup(action string) {
	s := e.s
	l, ok := s.literal[action]
	if ok && s.merged {
		e.ordered = true
		e.bucket(&s.buckets[l])
		return
	}
	e.bucket(&s.always)
	if ok {
		e.bucket(&s.buckets[l])
	}
	for _, k := range s.prefixLens {
		if k > len(action) {
			break
		}
		if l, ok := s.prefixes[action[:k]]; ok {
			e.bucket(&s.buckets[l])
		}
	}
}

func (e *evaluator) seen(i int32) bool {
	st := &e.s.stmts[i]
	for k := e.start; k < len(e.res.Statements); k++ {
		m := &e.res.Statements[k]
		if m.PolicyIndex == int(st.policy) && m.Index == int(st.index) {
			return true
		}
	}
	return false
}

// visit evaluates an index entry (see Set.buildIndex).
func (e *evaluator) visit(entry int32) {
	if entry < 0 {
		e.stmt(^entry, true)
		return
	}
	e.stmt(entry, false)
}

func (e *evaluator) stmt(i int32, knownAction bool) {
	st := &e.s.stmts[i]
	req := e.req
	if st.multi && !e.ordered && e.seen(i) {
		return
	}
	fold := e.s.dialect == types.AWS
	matched := knownAction
	for k := 0; !matched && k < len(st.actions); k++ {
		if st.actions[k].matchAction(req.Action, fold) {
			matched = true
			break
		}
	}
	if matched == st.notAction {
		return
	}
	if !st.anyResource {
		matched = false
		for k := range st.resources {
			if e.matchResource(&st.resources[k]) {
				matched = true
				break
			}
		}
		if matched == st.notResource {
			return
		}
	}
	// The principal is tested after the action and resource, which rule
	// out most statements for less.
	g := grantAccount // NotPrincipal grants at most through the account
	if st.principal == nil {
		if e.resource && !st.deny {
			return // an Allow of a resource-based policy must name its principals
		}
	} else {
		c := e.caller
		var own caller
		if c == nil {
			own = parseCaller(req.Principal)
			c = &own
		}
		m := st.principal.grant(c)
		if (m != grantNone) == st.notPrincipal {
			return
		}
		if !st.notPrincipal {
			g = m
		}
	}
	ok := true
	for k := range st.conds {
		if !e.cond(&st.conds[k], ok) {
			ok = false
		}
	}
	if !ok {
		return
	}
	if st.deny {
		e.deny = true
	} else {
		e.allow = true
		e.grant = max(e.grant, g)
	}
	e.res.Statements = append(e.res.Statements, types.MatchedStatement{
		Policy: e.s.ids[st.policy], PolicyIndex: int(st.policy), Sid: st.sid, Index: int(st.index), Effect: st.effect, Type: e.typ,
	})
}

func (e *evaluator) matchResource(p *rpattern) bool {
	v := e.req.Resource
	if p.tmpl.Parts == nil {
		return p.matchARN(v)
	}
	// The literal head is a prefix of any match: test it before expanding
	// the variables.
	if !strings.HasPrefix(v, p.lit) {
		return false
	}
	if p.restOnly {
		// The rest of the pattern lies in the resource segment, where a
		// wildcard may match colons: match it as a plain glob (see
		// pattern.matchARN).
		return e.matchGlob(p.tmpl.Parts, len(p.lit), v[len(p.lit):])
	}
	var stack [scratchSize]byte
	buf, ok := appendGlob(stack[:0], &p.tmpl, &e.req.Context)
	if !ok {
		return false // unresolvable variable: the entry matches nothing
	}
	return glob.MatchARN(view(buf), v)
}

// matchGlob reports whether v matches parts as a glob pattern (see
// appendGlob and glob.Match, without folding), skipping the first
// skip bytes of the first part, which must be literal. Text before the
// first wildcard is compared in place; the rest is expanded into the
// expansion buffer. An unresolvable variable matches nothing.
func (e *evaluator) matchGlob(parts []tmpl.Part, skip int, v string) bool {
	for i := range parts {
		p := &parts[i]
		lit := p.Text
		switch p.Kind {
		case tmpl.Lit:
			if i == 0 {
				lit = lit[skip:]
			}
			if j := strings.IndexAny(lit, "*?"); j >= 0 {
				if !strings.HasPrefix(v, lit[:j]) {
					return false
				}
				return e.matchGlobRest(parts[i:], len(p.Text)-len(lit)+j, v[j:])
			}
		case tmpl.Var:
			val, ok := resolveVar(p, &e.req.Context)
			if !ok {
				return false
			}
			if !utf8.ValidString(val) {
				// The matcher decodes the value from its start: an
				// invalid sequence could join the bytes after it.
				return e.matchGlobRest(parts[i:], 0, v)
			}
			lit = val
		}
		if !strings.HasPrefix(v, lit) {
			return false
		}
		v = v[len(lit):]
	}
	return v == ""
}

// matchGlobRest expands parts (without the first skip bytes of the first
// part) and matches v against the glob.
func (e *evaluator) matchGlobRest(parts []tmpl.Part, skip int, v string) bool {
	if len(parts) == 1 && parts[0].Text[skip:] == "*" {
		return true
	}
	var stack [scratchSize]byte
	buf, ok := appendGlobParts(stack[:0], parts, skip, &e.req.Context)
	return ok && glob.Match(view(buf), v, false)
}

func (e *evaluator) missing(key string) {
	for _, k := range e.res.MissingContextKeys {
		if strings.EqualFold(k, key) {
			return
		}
	}
	e.res.MissingContextKeys = append(e.res.MissingContextKeys, key)
}

// cond evaluates one operator/key pair. When need is false the result is
// not needed and only missing keys are recorded.
func (e *evaluator) cond(c *ccond, need bool) bool {
	vals, present := e.req.Context.Get(c.key)
	op := c.op
	if op.Cmp == cond.Null {
		for k := range c.vals {
			if c.vals[k].ok && c.vals[k].b != present {
				return true
			}
		}
		return false
	}
	if !present {
		e.missing(c.key)
		return op.IfExists || op.Qual == cond.QualForAll || (op.Qual == cond.QualNone && op.Negated)
	}
	if !need {
		return false
	}
	switch op.Qual {
	case cond.QualForAny:
		for _, v := range vals {
			if e.matchOne(c, v) != op.Negated {
				return true
			}
		}
		return false
	case cond.QualForAll:
		for _, v := range vals {
			if e.matchOne(c, v) == op.Negated {
				return false
			}
		}
		return true
	}
	// Unqualified: a multivalued key matches when any of its values matches
	// any policy value; a negated operator is the negation of that.
	for _, v := range vals {
		if e.matchOne(c, v) {
			return !op.Negated
		}
	}
	return op.Negated
}

// matchOne reports whether request value v matches any policy value with
// the positive form of the operator.
func (e *evaluator) matchOne(c *ccond, v string) bool {
	k := c.op.Cmp
	var (
		num    float64
		t      time.Time
		parsed bool
	)
	switch k {
	case cond.NumEq, cond.NumLT, cond.NumLE, cond.NumGT, cond.NumGE:
		if num, parsed = cond.ParseNumber(v); !parsed {
			return false
		}
	case cond.DateEq, cond.DateLT, cond.DateLE, cond.DateGT, cond.DateGE:
		if t, parsed = cond.ParseDate(v); !parsed {
			return false
		}
	}
	for i := range c.vals {
		pv := &c.vals[i]
		if pv.tmpl.Parts != nil {
			if e.matchTemplate(k, &pv.tmpl, v, num, t) {
				return true
			}
			continue
		}
		if !pv.ok {
			continue
		}
		if compareValue(k, pv, v, num, t) {
			return true
		}
	}
	return false
}

func compareValue(k cond.Kind, pv *cval, v string, num float64, t time.Time) bool {
	switch k {
	case cond.String:
		return v == pv.s
	case cond.StringIgnoreCase:
		return strings.EqualFold(v, pv.s)
	case cond.StringLike:
		return glob.Match(pv.glob, v, false)
	case cond.ARN:
		return glob.MatchARN(pv.glob, v)
	case cond.NumEq:
		return num == pv.num
	case cond.NumLT:
		return num < pv.num
	case cond.NumLE:
		return num <= pv.num
	case cond.NumGT:
		return num > pv.num
	case cond.NumGE:
		return num >= pv.num
	case cond.DateEq:
		return t.Equal(pv.t)
	case cond.DateLT:
		return t.Before(pv.t)
	case cond.DateLE:
		return !t.After(pv.t)
	case cond.DateGT:
		return t.After(pv.t)
	case cond.DateGE:
		return !t.Before(pv.t)
	case cond.Bool:
		b, ok := cond.ParseBool(v)
		return ok && b == pv.b
	case cond.Binary:
		if v == pv.s {
			return true
		}
		b, ok := cond.DecodeBase64(v)
		return ok && string(b) == pv.bin
	case cond.IP:
		a, ok := cond.ParseAddr(v)
		return ok && pv.pfx.Contains(a)
	}
	return false
}

// matchTemplate compares v with a policy value holding variables.
func (e *evaluator) matchTemplate(k cond.Kind, t *tmpl.Template, v string, num float64, tm time.Time) bool {
	var ok bool
	var stack [scratchSize]byte
	buf := stack[:0]
	switch k {
	case cond.StringLike:
		return e.matchGlob(t.Parts, 0, v)
	case cond.ARN:
		buf, ok = appendGlob(buf, t, &e.req.Context)
		return ok && glob.MatchARN(view(buf), v)
	case cond.String:
		buf, ok = appendPlain(buf, t, &e.req.Context)
		return ok && string(buf) == v
	case cond.StringIgnoreCase:
		buf, ok = appendPlain(buf, t, &e.req.Context)
		return ok && strings.EqualFold(string(buf), v)
	}
	buf, ok = appendPlain(buf, t, &e.req.Context)
	if !ok {
		return false
	}
	pv := compileValue(k, string(buf), false)
	return pv.ok && compareValue(k, &pv, v, num, tm)
}

// typeSet is a set of policy types, for keep.
type typeSet uint8

const allTypes typeSet = 1<<(types.ResourceBased+1) - 1

func typeBit(t types.PolicyType) typeSet { return 1 << t }

func reset(r *types.Result) {
	r.Decision = types.ImplicitDeny
	r.DecidedBy, r.MissingAllow = 0, 0
	r.Statements = r.Statements[:0]
	r.MissingContextKeys = r.MissingContextKeys[:0]
}

// keep keeps the statements that decided: the Deny statements for
// ExplicitDeny, the Allow statements of the given types for Allow, none
// for ImplicitDeny.
func keep(r *types.Result, kinds typeSet) {
	var effect types.Effect
	switch r.Decision {
	case types.ExplicitDeny:
		effect, kinds = types.EffectDeny, allTypes
	case types.Allow:
		effect = types.EffectAllow
	default:
		r.Statements = r.Statements[:0]
		return
	}
	st := r.Statements
	n := 0
	for i := range st {
		// Validated effects differ in length ("Allow", "Deny"): comparing
		// lengths avoids a string comparison per statement.
		if m := &st[i]; len(m.Effect) == len(effect) && (kinds == allTypes || kinds&typeBit(m.Type) != 0) {
			if n != i {
				st[n] = *m // statements up to the first dropped one stay in place
			}
			n++
		}
	}
	r.Statements = st[:n]
}

func sortMissing(r *types.Result) {
	mk := r.MissingContextKeys
	for i := 1; i < len(mk); i++ {
		for j := i; j > 0 && lessFold(mk[j], mk[j-1]); j-- {
			mk[j], mk[j-1] = mk[j-1], mk[j]
		}
	}
}

func lessFold(a, b string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return ca < cb
		}
	}
	return len(a) < len(b)
}

// scratchSize is the size of the stack buffers that policy variables are
// expanded into: a longer expansion allocates.
const scratchSize = 256

// view returns the bytes of an expansion buffer as a string
// without copying. The string is only used by the matcher call it is passed
// to, before the buffer is written again, so it never observes a change.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
