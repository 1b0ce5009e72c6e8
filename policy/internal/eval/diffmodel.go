package eval

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/internal/glob"
	"github.com/astran-oss/astran-go/policy/internal/cond"
	"github.com/astran-oss/astran-go/policy/internal/diff"
	"github.com/astran-oss/astran-go/policy/internal/tmpl"
	"github.com/astran-oss/astran-go/policy/types"
)

// The dimensions of the request space in the order Diff splits them; the
// condition keys follow.
const (
	dimAction = iota
	dimResource
	dimPrincipal
	fixedDims
)

// DiffModel is the request space of two sets as internal/diff sees it:
// dimensions with their tests and representatives, and statements as
// clauses over them.
type DiffModel struct {
	dims   []diff.Dim
	tests  [][]func(string) bool // per dimension, per test
	names  [][]string            // per fixed dimension, per test: the pattern as written
	cmps   [][]types.Comparison  // per key dimension, per test
	keys   []string              // per dimension: the condition key as first written
	stmts  []diff.Stmt
	notes  [][]string    // per statement: why it is not analysed exactly
	pinned types.Context // values given to policy variables
}

type modelBuilder struct {
	m        *DiffModel
	testIdx  []map[string]int
	pats     [][]diff.Pattern   // fixed dimensions: patterns of the tests
	prins    []*types.Principal // principal tests
	keyDim   map[string]int     // lower-case key -> dimension
	keyTests map[int][]keyTest
	families map[int]map[string]bool
	byDim    map[int][]int // statements with clauses on a key dimension
	sets     map[string]*Set
	pinKeys  map[string]string // lower-case key -> key
	mixed    bool              // the sets have different dialects
}

type keyTest struct {
	op      string // positive operator
	cmp     cond.Kind
	value   string // as written
	inst    string // with the pinned variable values
	version string
}

// pinnedValue is the value Diff gives a policy variable's key.
func pinnedValue(key string) string {
	if strings.EqualFold(key, "aws:username") {
		return "alice@example.com"
	}
	k := key[strings.LastIndexAny(key, ":/")+1:]
	return "value-of-" + strings.ToLower(k)
}

// NewDiffModel builds the request space of two sets (either may be nil)
// for policy.Diff; actions are the action names witnesses prefer (see
// policy.DiffOptions).
func NewDiffModel(before, after *Set, actions []string) (*DiffModel, error) {
	b := &modelBuilder{
		m:        &DiffModel{},
		keyDim:   map[string]int{},
		keyTests: map[int][]keyTest{},
		families: map[int]map[string]bool{},
		byDim:    map[int][]int{},
		sets:     map[string]*Set{},
		pinKeys:  map[string]string{},
	}
	for d := 0; d < fixedDims; d++ {
		b.addDim([]string{"action", "resource", "principal"}[d], "")
	}
	sides := [2]*Set{before, after}
	b.mixed = before != nil && after != nil && before.dialect != after.dialect
	// Policy variables get one value each.
	for _, s := range sides {
		if s == nil {
			continue
		}
		for _, doc := range s.docs {
			vars := variablesEnabled(s.dialect, doc.Version)
			for k := range doc.Statements {
				st := &doc.Statements[k]
				for _, r := range append(append([]string(nil), st.Resource...), st.NotResource...) {
					b.collectVars(r, vars)
				}
				for _, keys := range st.Condition {
					for _, vals := range keys {
						for _, v := range vals {
							b.collectVars(v, vars)
						}
					}
				}
			}
		}
	}
	keys := make([]string, 0, len(b.pinKeys))
	for _, k := range b.pinKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.m.pinned.Set(k, pinnedValue(k))
	}
	for side, s := range sides {
		if s == nil {
			continue
		}
		for _, doc := range s.docs {
			for k := range doc.Statements {
				if err := b.addStatement(side == 1, s.dialect, doc, &doc.Statements[k]); err != nil {
					return nil, err
				}
			}
		}
	}
	for lk, k := range b.pinKeys {
		if d, ok := b.keyDim[lk]; ok {
			note := fmt.Sprintf("may change: condition on %s is analysed for %s = %q only (it is also a policy variable)", b.m.keys[d], k, pinnedValue(k))
			for _, s := range b.byDim[d] {
				b.m.notes[s] = appendNote(b.m.notes[s], note)
			}
		}
	}
	for d, fams := range b.families {
		if len(fams) > 1 {
			var names []string
			for f := range fams {
				names = append(names, f)
			}
			sort.Strings(names)
			note := fmt.Sprintf("may change: condition on %s mixes operator families (%s) and is not analysed", b.m.keys[d], strings.Join(names, ", "))
			for _, s := range b.byDim[d] {
				b.m.notes[s] = appendNote(b.m.notes[s], note)
			}
		}
	}
	if err := b.representatives(actions); err != nil {
		return nil, err
	}
	return b.m, nil
}

func appendNote(notes []string, n string) []string {
	for _, x := range notes {
		if x == n {
			return notes
		}
	}
	return append(notes, n)
}

func (b *modelBuilder) collectVars(s string, vars bool) {
	if !vars || !strings.Contains(s, "${") {
		return
	}
	t, _ := tmpl.Parse(s, vars)
	for _, p := range t.Parts {
		if p.Kind == tmpl.Var {
			if _, ok := b.pinKeys[strings.ToLower(p.Text)]; !ok {
				b.pinKeys[strings.ToLower(p.Text)] = p.Text
			}
		}
	}
}

func (b *modelBuilder) addDim(name, key string) int {
	b.m.dims = append(b.m.dims, diff.Dim{Name: name})
	b.m.tests = append(b.m.tests, nil)
	b.m.names = append(b.m.names, nil)
	b.m.cmps = append(b.m.cmps, nil)
	b.m.keys = append(b.m.keys, key)
	b.testIdx = append(b.testIdx, map[string]int{})
	b.pats = append(b.pats, nil)
	return len(b.m.dims) - 1
}

// test returns the index of the test named key in dimension d, calling add
// to register it the first time.
func (b *modelBuilder) test(d int, key string, add func()) int {
	if i, ok := b.testIdx[d][key]; ok {
		return i
	}
	i := len(b.testIdx[d])
	b.testIdx[d][key] = i
	add()
	return i
}

func (b *modelBuilder) addStatement(after bool, dialect types.Dialect, doc *types.Document, st *types.Statement) error {
	si := len(b.m.stmts)
	ds := diff.Stmt{After: after, Deny: st.Effect == types.EffectDeny}
	var notes []string
	fold := dialect == types.AWS
	vars := variablesEnabled(dialect, doc.Version)

	acts, neg := st.Action, false
	if st.NotAction != nil {
		acts, neg = st.NotAction, true
	}
	c := diff.Clause{Dim: dimAction, Neg: neg}
	for _, a := range acts {
		g := appendLitGlobString(a)
		if fold {
			g = strings.ToLower(g)
		}
		p := diff.Pattern{Glob: g, Fold: fold}
		name := a
		if fold && b.mixed {
			name += " (any case)"
		}
		c.Tests = append(c.Tests, b.test(dimAction, fmt.Sprintf("%t|%s", fold, g), func() {
			b.pats[dimAction] = append(b.pats[dimAction], p)
			b.m.tests[dimAction] = append(b.m.tests[dimAction], p.Match)
			b.m.names[dimAction] = append(b.m.names[dimAction], name)
		}))
	}
	ds.Clauses = append(ds.Clauses, c)

	res, neg := st.Resource, false
	if st.NotResource != nil {
		res, neg = st.NotResource, true
	}
	if res != nil {
		c := diff.Clause{Dim: dimResource, Neg: neg}
		for _, r := range res {
			g, ok := appendLitGlobString(r), true
			if vars && strings.Contains(r, "${") {
				t, hasVar := tmpl.Parse(r, vars)
				var gb []byte
				gb, ok = appendGlob(nil, &t, &b.m.pinned)
				g = string(gb)
				if hasVar {
					for _, p := range t.Parts {
						if p.Kind == tmpl.Var {
							notes = appendNote(notes, fmt.Sprintf("may change: policy variable ${%s} is analysed for %s = %q only", p.Text, p.Text, pinnedValue(p.Text)))
						}
					}
				}
			}
			if !ok {
				continue // matches nothing
			}
			p := diff.Pattern{Glob: g, ARN: true}
			name := r
			c.Tests = append(c.Tests, b.test(dimResource, g, func() {
				b.pats[dimResource] = append(b.pats[dimResource], p)
				b.m.tests[dimResource] = append(b.m.tests[dimResource], p.Match)
				b.m.names[dimResource] = append(b.m.names[dimResource], name)
			}))
		}
		ds.Clauses = append(ds.Clauses, c)
	}

	if p, neg := st.Principal, false; p != nil || st.NotPrincipal != nil {
		if p == nil {
			p, neg = st.NotPrincipal, true
		}
		js, err := json.Marshal(principalJSON(p))
		if err != nil {
			return err
		}
		name := string(js)
		set, err := b.tiny(types.Version2012, types.Statement{Effect: types.EffectAllow, Principal: p, Action: []string{"*"}})
		if err != nil {
			return err
		}
		t := b.test(dimPrincipal, name, func() {
			b.prins = append(b.prins, p)
			b.m.tests[dimPrincipal] = append(b.m.tests[dimPrincipal], func(v string) bool {
				return set.evaluate(&types.Request{Principal: v, Action: "diff:Test"}).Allowed()
			})
			b.m.names[dimPrincipal] = append(b.m.names[dimPrincipal], name)
		})
		ds.Clauses = append(ds.Clauses, diff.Clause{Dim: dimPrincipal, Tests: []int{t}, Neg: neg})
	}

	ops := make([]string, 0, len(st.Condition))
	for op := range st.Condition {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, opName := range ops {
		op, ok := cond.ParseOperator(opName)
		if !ok {
			return fmt.Errorf("unknown operator %q", opName)
		}
		keys := make([]string, 0, len(st.Condition[opName]))
		for k := range st.Condition[opName] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, key := range keys {
			vals := st.Condition[opName][key]
			d, ok := b.keyDim[strings.ToLower(key)]
			if !ok {
				d = b.addDim("condition", key)
				b.keyDim[strings.ToLower(key)] = d
			}
			b.byDim[d] = append(b.byDim[d], si)
			if op.Cmp == cond.Null {
				var hasTrue, hasFalse bool
				for _, v := range vals {
					bv, ok := cond.ParseBool(v)
					hasTrue = hasTrue || ok && bv
					hasFalse = hasFalse || ok && !bv
				}
				ds.Clauses = append(ds.Clauses, diff.Clause{Dim: d, Neg: hasFalse, Absent: hasTrue})
				continue
			}
			if op.Qual != cond.QualNone {
				notes = appendNote(notes, fmt.Sprintf("may change: condition %s on %s is not analysed for multivalued requests", opName, key))
			}
			if op.Cmp == cond.Binary {
				notes = appendNote(notes, fmt.Sprintf("may change: condition %s on %s is not analysed", opName, key))
			}
			fam := family(op.Cmp)
			if b.families[d] == nil {
				b.families[d] = map[string]bool{}
			}
			b.families[d][fam] = true
			positive := positiveOperator(opName, op)
			c := diff.Clause{Dim: d, Neg: op.Negated}
			for _, v := range vals {
				inst := v
				if vars && strings.Contains(v, "${") {
					t, hasVar := tmpl.Parse(v, vars)
					if hasVar {
						for _, p := range t.Parts {
							if p.Kind == tmpl.Var {
								notes = appendNote(notes, fmt.Sprintf("may change: policy variable ${%s} is analysed for %s = %q only", p.Text, p.Text, pinnedValue(p.Text)))
							}
						}
					}
					pb, _ := appendPlain(nil, &t, &b.m.pinned)
					inst = string(pb)
				}
				kt := keyTest{op: positive, cmp: op.Cmp, value: v, inst: inst, version: doc.Version}
				var ferr error
				c.Tests = append(c.Tests, b.test(d, positive+"\x00"+v+"\x00"+doc.Version, func() {
					set, err := b.tiny(doc.Version, types.Statement{Effect: types.EffectAllow, Action: []string{"*"}, Resource: []string{"*"},
						Condition: types.Condition{positive: {key: {v}}}})
					if err != nil {
						ferr = err
						return
					}
					b.keyTests[d] = append(b.keyTests[d], kt)
					b.m.tests[d] = append(b.m.tests[d], b.keyTestFunc(set, key))
					b.m.cmps[d] = append(b.m.cmps[d], types.Comparison{Operator: positive, Value: v})
				}))
				if ferr != nil {
					return ferr
				}
			}
			// The clause's value when the key is absent, from the engine.
			set, err := b.tiny(doc.Version, types.Statement{Effect: types.EffectAllow, Action: []string{"*"}, Resource: []string{"*"},
				Condition: types.Condition{opName: {key: vals}}})
			if err != nil {
				return err
			}
			ctx := b.m.pinned.Clone()
			ctx.Delete(key)
			c.Absent = set.evaluate(&types.Request{Action: "diff:Test", Resource: "diff", Context: ctx}).Allowed()
			ds.Clauses = append(ds.Clauses, c)
		}
	}
	b.m.stmts = append(b.m.stmts, ds)
	b.m.notes = append(b.m.notes, notes)
	return nil
}

func (b *modelBuilder) keyTestFunc(set *Set, key string) func(string) bool {
	base := b.m.pinned.Clone()
	return func(v string) bool {
		ctx := base.Clone()
		ctx.Set(key, v)
		return set.evaluate(&types.Request{Action: "diff:Test", Resource: "diff", Context: ctx}).Allowed()
	}
}

// tiny compiles a one-statement set, cached by its JSON.
func (b *modelBuilder) tiny(version string, st types.Statement) (*Set, error) {
	doc := &types.Document{Version: version, Statements: []types.Statement{st}}
	js, err := doc.MarshalJSON()
	if err != nil {
		return nil, err
	}
	if s, ok := b.sets[string(js)]; ok {
		return s, nil
	}
	d := types.Astran
	if version != types.Version2012 {
		d = types.AWS
	}
	s := new(Set)
	if err := Compile(s, []types.Policy{{ID: "test", Document: doc}}, types.CompileOptions{Dialect: d}); err != nil {
		return nil, err
	}
	b.sets[string(js)] = s
	return s, nil
}

func principalJSON(p *types.Principal) any {
	if p.Wildcard {
		return "*"
	}
	m := map[string][]string{}
	if len(p.AWS) > 0 {
		m["AWS"] = p.AWS
	}
	if len(p.Federated) > 0 {
		m["Federated"] = p.Federated
	}
	if len(p.Service) > 0 {
		m["Service"] = p.Service
	}
	return m
}

func family(k cond.Kind) string {
	switch k {
	case cond.String, cond.StringIgnoreCase, cond.StringLike:
		return "String"
	case cond.NumEq, cond.NumLT, cond.NumLE, cond.NumGT, cond.NumGE:
		return "Numeric"
	case cond.DateEq, cond.DateLT, cond.DateLE, cond.DateGT, cond.DateGE:
		return "Date"
	case cond.Bool:
		return "Bool"
	case cond.Binary:
		return "Binary"
	case cond.IP:
		return "IpAddress"
	case cond.ARN:
		return "Arn"
	}
	return "Null"
}

// positiveOperator returns the positive base operator of a parsed
// operator name: "ForAnyValue:StringNotLikeIfExists" gives "StringLike".
func positiveOperator(name string, op cond.Operator) string {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSuffix(name, "IfExists")
	if op.Negated {
		name = strings.Replace(name, "Not", "", 1)
	}
	return name
}

// representatives fills in every dimension's representatives and their
// signatures.
func (b *modelBuilder) representatives(preferred []string) error {
	m := b.m
	for d := range m.dims {
		var values []string
		var known [][]int  // the tests values[i] passes, from the automaton
		fromAutomaton := 0 // values[fromAutomaton:] have known tests
		absent := false
		switch {
		case d == dimAction || d == dimResource:
			reps, matched, err := diff.RepresentativesSig(b.pats[d], 0)
			if err != nil {
				return err
			}
			if d == dimAction {
				// Preferred names come first: the first value of each
				// class is its witness.
				values = append(values, preferred...)
			}
			fromAutomaton = len(values)
			values = append(values, reps...)
			known = matched
		case d == dimPrincipal:
			values = principalReps(b.prins)
		default:
			key := m.keys[d]
			if _, ok := b.pinKeys[strings.ToLower(key)]; ok {
				values = []string{pinnedValue(key)}
				break
			}
			absent = true
			var err error
			values, err = keyReps(b.keyTests[d])
			if err != nil {
				return err
			}
		}
		seen := map[string]bool{}
		if absent {
			m.dims[d].Reps = append(m.dims[d].Reps, diff.Rep{Absent: true})
		}
		for i, v := range values {
			if seen[v] {
				continue
			}
			seen[v] = true
			sig := diff.NewBits(len(m.tests[d]))
			if known != nil && i >= fromAutomaton {
				for _, t := range known[i-fromAutomaton] {
					sig.Set(t) // the automaton's pattern t is test t
				}
			} else {
				for t, fn := range m.tests[d] {
					if fn(v) {
						sig.Set(t)
					}
				}
			}
			m.dims[d].Reps = append(m.dims[d].Reps, diff.Rep{Value: v, Sig: sig})
		}
	}
	return nil
}

func keyReps(tests []keyTest) ([]string, error) {
	var pats []diff.Pattern
	var nums []float64
	var dates []time.Time
	var prefixes []netip.Prefix
	out := []string{"x"}
	for _, t := range tests {
		switch t.cmp {
		case cond.String:
			pats = append(pats, diff.Pattern{Glob: glob.Escape(t.inst)})
		case cond.StringIgnoreCase:
			pats = append(pats, diff.Pattern{Glob: glob.Escape(strings.ToLower(t.inst)), Fold: true})
			out = append(out, t.inst, strings.ToUpper(t.inst), strings.ToLower(t.inst))
		case cond.StringLike:
			pats = append(pats, diff.Pattern{Glob: appendLitGlobString(t.inst)})
		case cond.ARN:
			pats = append(pats, diff.Pattern{Glob: appendLitGlobString(t.inst), ARN: true})
		case cond.NumEq, cond.NumLT, cond.NumLE, cond.NumGT, cond.NumGE:
			if n, ok := cond.ParseNumber(t.inst); ok {
				nums = append(nums, n)
			}
		case cond.DateEq, cond.DateLT, cond.DateLE, cond.DateGT, cond.DateGE:
			if d, ok := cond.ParseDate(t.inst); ok {
				dates = append(dates, d)
			}
		case cond.Bool:
			out = append(out, "true", "false")
		case cond.IP:
			if p, ok := cond.ParsePrefix(t.inst); ok {
				prefixes = append(prefixes, p)
			}
		case cond.Binary:
			out = append(out, t.inst)
			if raw, ok := cond.DecodeBase64(t.inst); ok {
				out = append(out, string(raw))
			}
		}
	}
	if len(pats) > 0 {
		reps, err := diff.Representatives(pats, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, reps...)
	}
	if len(nums) > 0 {
		out = append(out, diff.NumberReps(nums)...)
	}
	if len(dates) > 0 {
		out = append(out, diff.DateReps(dates)...)
	}
	if len(prefixes) > 0 {
		out = append(out, diff.IPReps(prefixes)...)
	}
	return out, nil
}

// principalReps returns principals covering every class that the
// Principal elements tell apart: no principal, a stranger, each principal
// named, and for each account (in each partition named) a user, and for
// each role a session.
func principalReps(prins []*types.Principal) []string {
	out := []string{"", "arn:astran:iam::000000000000:user/diff-stranger@example.com"}
	partitions := map[string]bool{"astran": true, "diff-other": true}
	var accounts []string
	for _, p := range prins {
		out = append(out, p.Federated...)
		out = append(out, p.Service...)
		for _, a := range p.AWS {
			if a == "*" {
				continue
			}
			out = append(out, a)
			parsed, err := arn.Parse(a)
			if err != nil {
				accounts = append(accounts, a)
				continue
			}
			partitions[parsed.Partition] = true
			accounts = append(accounts, parsed.Account)
			if parsed.Type() == arn.TypeRole {
				out = append(out, "arn:"+parsed.Partition+":sts::"+parsed.Account+":assumed-role/"+parsed.Name()+"/diff-session")
			}
		}
	}
	for _, a := range accounts {
		for p := range partitions {
			out = append(out, "arn:"+p+":iam::"+a+":user/diff-user@example.com")
		}
	}
	return out
}

// Solve splits the request space into leaves (see diff.Solve).
func (m *DiffModel) Solve() ([]diff.Leaf, error) {
	return diff.Solve(m.dims, m.stmts, diff.Options{Fixed: fixedDims})
}

// LeafDescription is what policy.Region reports of a leaf.
type LeafDescription struct {
	// Notes say why the leaf is not analysed exactly (none if it is),
	// sorted.
	Notes []string
	// Request is the leaf's representative request (with the values given
	// to policy variables when Notes is not empty).
	Request *types.Request
	// The constraints of the fixed dimensions, and of the condition keys
	// sorted by key.
	Actions, Resources, Principals types.Patterns
	Conditions                     []types.KeyConstraint
}

// Describe returns the description of a leaf.
func (m *DiffModel) Describe(l *diff.Leaf) LeafDescription {
	var d LeafDescription
	for _, s := range l.Relevant {
		for _, n := range m.notes[s] {
			d.Notes = appendNote(d.Notes, n)
		}
	}
	sort.Strings(d.Notes)
	req := &types.Request{Action: "diff:Unconstrained", Resource: "*"}
	if len(d.Notes) > 0 {
		req.Context = m.pinned.Clone()
	}
	for _, st := range l.Steps {
		rep := &m.dims[st.Dim].Reps[st.Reps[0]]
		switch st.Dim {
		case dimAction:
			req.Action = rep.Value
			d.Actions = m.patterns(&st)
		case dimResource:
			req.Resource = rep.Value
			d.Resources = m.patterns(&st)
		case dimPrincipal:
			req.Principal = rep.Value
			d.Principals = m.patterns(&st)
		default:
			if !rep.Absent {
				req.Context.Set(m.keys[st.Dim], rep.Value)
			}
			d.Conditions = append(d.Conditions, m.keyConstraint(&st))
		}
	}
	sort.Slice(d.Conditions, func(i, j int) bool { return d.Conditions[i].Key < d.Conditions[j].Key })
	d.Request = req
	return d
}

// constraints returns the lists of tests that must pass (one of each) and
// that must fail, from a step's clauses.
func constraints(st *diff.Step) (allOf [][]int, noneOf []int) {
	seen := map[int]bool{}
	for i, c := range st.Clauses {
		if len(c.Tests) == 0 {
			continue
		}
		if st.Truth[i] != c.Neg {
			allOf = append(allOf, c.Tests)
			continue
		}
		for _, t := range c.Tests {
			if !seen[t] {
				seen[t] = true
				noneOf = append(noneOf, t)
			}
		}
	}
	return minimize(allOf, noneOf)
}

// minimize drops the lists of allOf implied by a shorter one and the tests
// of allOf lists that are also in noneOf.
func minimize(allOf [][]int, noneOf []int) ([][]int, []int) {
	none := map[int]bool{}
	for _, t := range noneOf {
		none[t] = true
	}
	var lists [][]int
	for _, l := range allOf {
		var k []int
		for _, t := range l {
			if !none[t] {
				k = append(k, t)
			}
		}
		lists = append(lists, k)
	}
	sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
	var out [][]int
outer:
	for _, l := range lists {
		for _, o := range out {
			if subset(o, l) {
				continue outer
			}
		}
		out = append(out, l)
	}
	return out, noneOf
}

func subset(a, b []int) bool {
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// passes reports whether a representative passes one test of each list.
func passes(rep *diff.Rep, allOf [][]int) bool {
	for _, l := range allOf {
		pass := false
		for _, x := range l {
			pass = pass || rep.Sig.Has(x)
		}
		if !pass {
			return false
		}
	}
	return true
}

// relevant drops from allOf the lists implied by the others and from
// noneOf the tests that no value passing allOf can pass: the
// representatives cover every class of values, so checking them suffices.
func (m *DiffModel) relevant(d int, allOf [][]int, noneOf []int) ([][]int, []int) {
	reps := m.dims[d].Reps
	for i := 0; i < len(allOf); i++ {
		others := append(append([][]int(nil), allOf[:i]...), allOf[i+1:]...)
		implied := true
		for k := range reps {
			if !reps[k].Absent && passes(&reps[k], others) && !passes(&reps[k], allOf[i:i+1]) {
				implied = false
				break
			}
		}
		if implied && len(others) > 0 {
			allOf = others
			i--
		}
	}
	// The tests that some value passing allOf passes.
	reachable := diff.NewBits(len(m.tests[d]))
	for i := range reps {
		if !reps[i].Absent && passes(&reps[i], allOf) {
			for w, word := range reps[i].Sig {
				reachable[w] |= word
			}
		}
	}
	var out []int
	for _, t := range noneOf {
		if reachable.Has(t) {
			out = append(out, t)
		}
	}
	return allOf, out
}

func (m *DiffModel) patterns(st *diff.Step) types.Patterns {
	allOf, noneOf := describe(m, st, m.names[st.Dim])
	return types.Patterns{AllOf: allOf, NoneOf: noneOf}
}

// describe returns the step's constraints with each test replaced by its
// description in names.
func describe[T any](m *DiffModel, st *diff.Step, names []T) (allOf [][]T, noneOf []T) {
	all, none := constraints(st)
	all, none = m.relevant(st.Dim, all, none)
	for _, l := range all {
		var s []T
		for _, t := range l {
			s = append(s, names[t])
		}
		allOf = append(allOf, s)
	}
	for _, t := range none {
		noneOf = append(noneOf, names[t])
	}
	return allOf, noneOf
}

func (m *DiffModel) keyConstraint(st *diff.Step) types.KeyConstraint {
	k := types.KeyConstraint{Key: m.keys[st.Dim]}
	for _, r := range st.Reps {
		if m.dims[st.Dim].Reps[r].Absent {
			k.Absent = true
		} else {
			k.Present = true
		}
	}
	if k.Present {
		k.AllOf, k.NoneOf = describe(m, st, m.cmps[st.Dim])
	}
	return k
}

// Contains reports whether req is in the cell described by steps; with
// pinned, only if it gives policy variables the model's values.
func (m *DiffModel) Contains(steps []diff.Step, req *types.Request, pinned bool) bool {
	if pinned {
		for _, k := range m.pinned.Keys() {
			want, _ := m.pinned.Get(k)
			got, ok := req.Context.Get(k)
			if !ok || len(got) != 1 || got[0] != want[0] {
				return false
			}
		}
	}
	for _, st := range steps {
		var v string
		absent := false
		switch st.Dim {
		case dimAction:
			v = req.Action
		case dimResource:
			v = req.Resource
		case dimPrincipal:
			v = req.Principal
		default:
			vals, ok := req.Context.Get(m.keys[st.Dim])
			switch {
			case !ok:
				absent = true
			case len(vals) == 1:
				v = vals[0]
			default:
				return false
			}
		}
		for i := range st.Clauses {
			c := &st.Clauses[i]
			var got bool
			if absent {
				got = c.Absent
			} else {
				got = c.Neg
				for _, t := range c.Tests {
					if m.tests[st.Dim][t](v) {
						got = !c.Neg
						break
					}
				}
			}
			if got != st.Truth[i] {
				return false
			}
		}
	}
	return true
}
