package eval

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/astran-oss/astran-go/internal/glob"
	"github.com/astran-oss/astran-go/policy/internal/cond"
	"github.com/astran-oss/astran-go/policy/internal/tmpl"
	"github.com/astran-oss/astran-go/policy/types"
)

// Set is a compiled, immutable set of policies (the state of a
// policy.Set). It is safe for concurrent use by multiple goroutines.
type Set struct {
	dialect types.Dialect
	ids     []string
	docs    []*types.Document // the compiled documents (not copied), for Diff
	stmts   []cstmt
	indexed bool
	// The action index (keys are lower case in the AWS dialect), see
	// buildIndex. Its candidate lists are buckets; a bucket entry e < 0
	// stands for statement ^e and records that the action is known to
	// match.
	always bucket // candidates for every action
	// literal maps every action named literally in the set to its bucket
	// in buckets: if merged, the complete candidate list in statement order
	// without duplicates; otherwise only the statements naming it.
	literal map[string]int32
	merged  bool
	// prefixes maps the literal head of wildcard action patterns (text
	// before the first wildcard, including the service) to its bucket.
	prefixes   map[string]int32
	prefixLens []int // distinct lengths of the prefixes keys, ascending
	buckets    []bucket
	nstmts     int
}

type patKind uint8

const (
	patAny patKind = iota
	patExact
	patPrefix
	patGeneral
)

// pattern is a compiled action or resource pattern.
type pattern struct {
	kind patKind
	lit  string // exact/prefix: the unescaped literal; general: the literal text before the first wildcard or escape
	glob string // general: the escaped glob pattern
	// general ARN patterns whose first wildcard is in the resource segment:
	// the glob after lit, matched against the value after lit.
	restOnly bool
}

func compilePattern(g string, fold bool) pattern {
	if fold {
		g = strings.ToLower(g)
	}
	switch {
	case g == "*":
		return pattern{kind: patAny}
	case !glob.HasWildcard(g):
		return pattern{kind: patExact, lit: glob.Unescape(g)}
	case strings.HasSuffix(g, "*") && !glob.HasWildcard(g[:len(g)-1]) && !strings.HasSuffix(g, "\x00*"):
		return pattern{kind: patPrefix, lit: glob.Unescape(g[:len(g)-1])}
	}
	n := strings.IndexAny(g, "*?\x00")
	return pattern{kind: patGeneral, glob: g, lit: g[:n], restOnly: strings.Count(g[:n], ":") >= 5}
}

func (p *pattern) matchAction(v string, fold bool) bool {
	switch p.kind {
	case patAny:
		return true
	case patExact:
		if fold {
			return len(v) == len(p.lit) && strings.EqualFold(v, p.lit)
		}
		return v == p.lit
	case patPrefix:
		if fold {
			return len(v) >= len(p.lit) && strings.EqualFold(v[:len(p.lit)], p.lit)
		}
		return strings.HasPrefix(v, p.lit)
	}
	return glob.Match(p.glob, v, fold)
}

func (p *pattern) matchARN(v string) bool {
	switch p.kind {
	case patAny:
		return true
	case patExact:
		return v == p.lit
	case patPrefix:
		return strings.HasPrefix(v, p.lit)
	}
	// A general pattern: its literal head is a literal prefix of any match.
	if !strings.HasPrefix(v, p.lit) {
		return false
	}
	if p.restOnly {
		return glob.Match(p.glob[len(p.lit):], v[len(p.lit):], false)
	}
	return glob.MatchARN(p.glob, v)
}

// rpattern is a resource pattern, possibly with variables. Its lit is a
// literal prefix of every resource it matches, which the resource index
// relies on: for a pattern with variables, the text before the first
// wildcard, escape or variable ([tmpl.Template.Head]), with restOnly set if that
// text spans the five colons before the resource segment.
type rpattern struct {
	pattern
	tmpl tmpl.Template // non-empty if the pattern has variables
}

type cprincipal struct {
	any       bool
	arns      []string // exact principal ARNs or names, except role ARNs
	roleARNs  []string // exact role ARNs
	roles     []string // "partition:account:name" of role ARNs, matching their sessions
	accounts  []string // account IDs: any principal of the account
	rootARNs  []string // "partition:account" of account root ARNs
	federated []string
	service   []string
}

type cval struct {
	s    string // plain value (lower case for IgnoreCase)
	glob string // StringLike / Arn*: escaped glob pattern
	num  float64
	t    time.Time
	pfx  netip.Prefix
	b    bool
	bin  string        // BinaryEquals: decoded bytes
	tmpl tmpl.Template // non-empty if the value has variables
	ok   bool          // false if the value can never match (invalid)
}

type ccond struct {
	op   cond.Operator
	key  string
	vals []cval
}

type cstmt struct {
	policy       int32
	index        int32
	sid          string
	effect       types.Effect
	deny         bool // effect == EffectDeny, tested without comparing strings
	principal    *cprincipal
	notPrincipal bool
	actions      []pattern
	notAction    bool
	resources    []rpattern
	notResource  bool
	anyResource  bool // no Resource element (trust policies)
	multi        bool // listed more than once in the index
	conds        []ccond
}

// Compile validates the policies (with [types.Document.Validate] for the
// dialect) and compiles them into s, which must be zero (see
// policy.Compile). On failure the error is a *[types.CompileError] naming
// the first invalid policy.
func Compile(s *Set, policies []types.Policy, o types.CompileOptions) error {
	return s.compile(policies, o, defaultIndex)
}

func (s *Set) compile(policies []types.Policy, o types.CompileOptions, io indexOptions) error {
	*s = Set{dialect: o.Dialect, ids: make([]string, len(policies)), docs: make([]*types.Document, 0, len(policies))}
	n := 0
	for i, p := range policies {
		if p.Document == nil {
			return &types.CompileError{Index: i, PolicyID: p.ID, Err: types.ErrorList{{Msg: "nil document", Err: types.ErrMissingField}}}
		}
		if err := p.Document.Validate(func(po *types.ParseOptions) { po.Dialect = o.Dialect }); err != nil {
			return &types.CompileError{Index: i, PolicyID: p.ID, Err: err}
		}
		s.ids[i] = p.ID
		n += len(p.Document.Statements)
		s.docs = append(s.docs, p.Document)
	}
	s.stmts = make([]cstmt, 0, n)
	var ar arena // backing arrays shared by the whole set
	fold := o.Dialect == types.AWS
	for i, p := range policies {
		vars := variablesEnabled(o.Dialect, p.Document.Version)
		for k := range p.Document.Statements {
			s.stmts = append(s.stmts, ar.compileStatement(&p.Document.Statements[k], int32(i), int32(k), vars, fold))
		}
	}
	s.nstmts = len(s.stmts)
	if len(s.stmts) > io.scanMax {
		s.buildIndex(io)
	}
	return nil
}

// Dialect returns the dialect the set was compiled in.
func (s *Set) Dialect() types.Dialect { return s.dialect }

// Docs returns the compiled documents, in order (not copies: for Diff,
// which only reads them).
func (s *Set) Docs() []*types.Document { return s.docs }

// Len returns the number of statements in the set.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return s.nstmts
}

// arena hands out the slices of a Set's compiled elements from shared
// chunks, so that compiling costs few allocations.
type arena struct {
	actionArr   []pattern
	resourceArr []rpattern
	condArr     []ccond
	valArr      []cval
}

// arenaChunk is the minimum number of elements allocated at once.
const arenaChunk = 64

// take returns the next n elements of *arr, allocating a new chunk when it
// has too few. Full slice expressions keep appends from spilling into
// neighbours.
func take[T any](arr *[]T, n int) []T {
	if n == 0 {
		return nil
	}
	if len(*arr) < n {
		*arr = make([]T, max(n, arenaChunk))
	}
	out := (*arr)[:n:n]
	*arr = (*arr)[n:]
	return out
}

func (a *arena) compileStatement(st *types.Statement, pi, si int32, vars, fold bool) cstmt {
	c := cstmt{policy: pi, index: si, sid: st.Sid, effect: st.Effect, deny: st.Effect == types.EffectDeny}
	switch {
	case st.Principal != nil:
		c.principal = compilePrincipal(st.Principal)
	case st.NotPrincipal != nil:
		c.principal = compilePrincipal(st.NotPrincipal)
		c.notPrincipal = true
	}
	acts := st.Action
	if st.NotAction != nil {
		acts, c.notAction = st.NotAction, true
	}
	c.actions = take(&a.actionArr, len(acts))
	for i, a := range acts {
		c.actions[i] = compilePattern(appendLitGlobString(a), fold)
	}
	res := st.Resource
	switch {
	case st.NotResource != nil:
		res, c.notResource = st.NotResource, true
	case st.Resource == nil:
		c.anyResource = true
	}
	c.resources = take(&a.resourceArr, len(res))
	for i, r := range res {
		c.resources[i] = compileResource(r, vars)
	}
	n := 0
	for _, keys := range st.Condition {
		n += len(keys)
	}
	if n > 0 {
		c.conds = take(&a.condArr, n)[:0]
	}
	// Condition order does not matter: every condition must hold.
	for opName, keys := range st.Condition {
		op, _ := cond.ParseOperator(opName) // validated
		for key, vals := range keys {
			cc := ccond{op: op, key: key, vals: take(&a.valArr, len(vals))}
			for k, v := range vals {
				cc.vals[k] = compileValue(op.Cmp, v, vars)
			}
			c.conds = append(c.conds, cc)
		}
	}
	return c
}

// compileResource compiles a Resource or NotResource entry.
func compileResource(r string, vars bool) rpattern {
	if !vars || !strings.Contains(r, "${") {
		return rpattern{pattern: compilePattern(appendLitGlobString(r), false)}
	}
	t, hasVar := tmpl.Parse(r, vars)
	if hasVar {
		head := t.Head()
		return rpattern{pattern: pattern{kind: patGeneral, lit: head, restOnly: strings.Count(head, ":") >= 5}, tmpl: t}
	}
	g, _ := appendGlob(nil, &t, nil)
	return rpattern{pattern: compilePattern(string(g), false)}
}

func appendLitGlobString(s string) string {
	if strings.IndexByte(s, glob.Esc) < 0 {
		return s
	}
	return string(tmpl.AppendLitGlob(nil, s))
}

func compileValue(k cond.Kind, s string, vars bool) cval {
	var v cval
	v.ok = true
	v.s = s
	v.glob = appendLitGlobString(s)
	if vars && strings.Contains(s, "${") {
		t, hasVar := tmpl.Parse(s, vars)
		if hasVar {
			return cval{tmpl: t, ok: true}
		}
		plain, _ := appendPlain(nil, &t, nil)
		g, _ := appendGlob(nil, &t, nil)
		v.s, v.glob = string(plain), string(g)
	}
	switch k {
	case cond.StringIgnoreCase:
		v.s = strings.ToLower(v.s)
	case cond.NumEq, cond.NumLT, cond.NumLE, cond.NumGT, cond.NumGE:
		v.num, v.ok = cond.ParseNumber(v.s)
	case cond.DateEq, cond.DateLT, cond.DateLE, cond.DateGT, cond.DateGE:
		v.t, v.ok = cond.ParseDate(v.s)
	case cond.Bool, cond.Null:
		v.b, v.ok = cond.ParseBool(v.s)
	case cond.IP:
		v.pfx, v.ok = cond.ParsePrefix(v.s)
	case cond.Binary:
		var b []byte
		b, v.ok = cond.DecodeBase64(v.s)
		v.bin = string(b)
	}
	return v
}

func compilePrincipal(p *types.Principal) *cprincipal {
	c := &cprincipal{any: p.Wildcard}
	for _, a := range p.AWS {
		switch {
		case a == "*":
			c.any = true
		case strings.HasPrefix(a, "arn:"):
			var seg [6]string
			n := glob.Segments(a, &seg)
			switch {
			case n == 6 && seg[5] == "root":
				c.rootARNs = append(c.rootARNs, seg[1]+":"+seg[4])
			case n == 6 && seg[2] == "iam" && strings.HasPrefix(seg[5], "role/"):
				name := seg[5][strings.LastIndexByte(seg[5], '/')+1:]
				c.roles = append(c.roles, seg[1]+":"+seg[4]+":"+name)
				c.roleARNs = append(c.roleARNs, a)
			default:
				c.arns = append(c.arns, a)
			}
		default:
			c.accounts = append(c.accounts, a)
		}
	}
	for _, f := range p.Federated {
		if f == "*" {
			c.any = true
		}
		c.federated = append(c.federated, f)
	}
	for _, sv := range p.Service {
		if sv == "*" {
			c.any = true
		}
		c.service = append(c.service, sv)
	}
	return c
}

// grant is how a Principal element matched a request's principal, from the
// weakest to the strongest, as a resource-based policy's Allow grants.
type grant uint8

const (
	grantNone grant = iota
	// grantAccount: through the account (an account ID or root ARN, or a
	// NotPrincipal): the account delegates to its identity-based policies.
	grantAccount
	// grantRole: through the role ARN, for the role or one of its
	// sessions: limited by the permissions boundary and session policy.
	grantRole
	// grantDirect: the principal itself ("*", a user or session ARN, a
	// federated or service principal): not limited by them.
	grantDirect
)

// caller is a request's principal, split once for matching Principal
// elements.
type caller struct {
	arn                string
	isARN              bool   // an ARN of six segments
	partition, account string // of an ARN
	sessionRole        string // the role name of an assumed-role session ARN
}

func parseCaller(p string) caller {
	c := caller{arn: p}
	// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
	if !strings.HasPrefix(p, "arn:") {
		return c
	}
	var at [4]int // the colons after "arn"
	n := 0
	for i := 4; i < len(p) && n < 4; i++ {
		if p[i] == ':' {
			at[n] = i
			n++
		}
	}
	if n < 4 {
		return c
	}
	c.isARN, c.partition, c.account = true, p[4:at[0]], p[at[2]+1:at[3]]
	// A role ARN matches the role's sessions,
	// arn:P:sts::ACCOUNT:assumed-role/NAME/SESSION.
	if rest, ok := strings.CutPrefix(p[at[3]+1:], "assumed-role/"); ok && p[at[0]+1:at[1]] == "sts" {
		if name, _, ok := strings.Cut(rest, "/"); ok {
			c.sessionRole = name
		}
	}
	return c
}

// grant reports how the element matches the caller (whose ARN is "" for
// an anonymous request, which only "*" matches).
func (c *cprincipal) grant(p *caller) grant {
	if c.any {
		return grantDirect
	}
	if p.arn == "" {
		return grantNone
	}
	if slices.Contains(c.arns, p.arn) || slices.Contains(c.federated, p.arn) || slices.Contains(c.service, p.arn) {
		return grantDirect
	}
	if slices.Contains(c.roleARNs, p.arn) {
		return grantRole
	}
	if !p.isARN {
		return grantNone
	}
	if name := p.sessionRole; name != "" {
		for _, r := range c.roles {
			if len(r) == len(p.partition)+len(p.account)+len(name)+2 && strings.HasPrefix(r, p.partition) && r[len(p.partition)] == ':' &&
				r[len(p.partition)+1:len(p.partition)+1+len(p.account)] == p.account && r[len(r)-len(name)-1] == ':' && strings.HasSuffix(r, name) {
				return grantRole
			}
		}
	}
	if slices.Contains(c.accounts, p.account) {
		return grantAccount
	}
	for _, r := range c.rootARNs {
		if len(r) == len(p.partition)+1+len(p.account) && r[:len(p.partition)] == p.partition && r[len(p.partition)+1:] == p.account {
			return grantAccount
		}
	}
	return grantNone
}

// variablesEnabled reports whether policy variables are expanded in
// documents of this version.
func variablesEnabled(dialect types.Dialect, version string) bool {
	return dialect == types.Astran || version == types.Version2012
}
