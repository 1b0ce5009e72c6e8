// Package diff compares two sets of IAM policy statements over the whole
// request space. It is the machinery behind policy.Diff.
//
// A request is a point in a product of dimensions (action, resource,
// principal and one per condition key). For each dimension the caller
// supplies atomic tests (a pattern, a condition comparison) and
// representatives: values such that every class of values that the tests
// tell apart contains one. A statement is a conjunction of clauses, each a
// disjunction of tests of one dimension, possibly negated. [Solve] splits
// the space dimension by dimension into cells whose values pass the same
// clauses, prunes every cell where both sets provably decide alike, and
// returns the cells whose allow/deny answer differs.
package diff

import (
	"math/bits"
	"sort"
	"strconv"
	"strings"
)

// Outcome is a decision, numbered as policy.Decision.
type Outcome uint8

// The outcomes.
const (
	ImplicitDeny Outcome = iota
	ExplicitDeny
	Allow
)

// Bits is a bit set.
type Bits []uint64

// NewBits returns a set able to hold n bits.
func NewBits(n int) Bits { return make(Bits, (n+63)/64) }

// Set adds i.
func (b Bits) Set(i int) { b[i/64] |= 1 << (i % 64) }

// Has reports whether i is in the set.
func (b Bits) Has(i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

// Rep is a representative value of a dimension.
type Rep struct {
	Value  string
	Absent bool // the dimension (a condition key) is absent from the request
	Sig    Bits // the tests the value passes
}

// Dim is one dimension of the request space.
type Dim struct {
	Name string
	Reps []Rep
}

// Clause is a disjunction of tests of one dimension: true when the value
// passes any of Tests, inverted if Neg; Absent is its value when the
// dimension is absent.
type Clause struct {
	Dim    int
	Tests  []int
	Neg    bool
	Absent bool
}

// Eval evaluates the clause on a representative.
func (c *Clause) Eval(r *Rep) bool {
	if r.Absent {
		return c.Absent
	}
	return c.Pass(r.Sig)
}

// Pass evaluates the clause on a present value with signature sig.
func (c *Clause) Pass(sig Bits) bool {
	for _, t := range c.Tests {
		if sig.Has(t) {
			return !c.Neg
		}
	}
	return c.Neg
}

func (c *Clause) canon() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(c.Dim))
	if c.Neg {
		b.WriteByte('!')
	}
	if c.Absent {
		b.WriteByte('?')
	}
	ts := append([]int(nil), c.Tests...)
	sort.Ints(ts)
	for _, t := range ts {
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(t))
	}
	return b.String()
}

// Stmt is a statement: it matches when all its clauses hold.
type Stmt struct {
	After   bool // the statement belongs to the second set
	Deny    bool
	Clauses []Clause
}

// Step is one split of a cell: the values of dimension Dim for which the
// clauses have the truth values Truth. Reps are the representatives in the
// cell, the first one being the witness.
type Step struct {
	Dim     int
	Reps    []int
	Clauses []Clause
	Truth   []bool
}

// Leaf is a cell where the two sets disagree on whether to allow.
type Leaf struct {
	Before, After Outcome
	Steps         []Step
	// Relevant are the statements whose actions the cell's actions match
	// (all statements when no statement constrains actions).
	Relevant []int
}

// Options bounds the work of Solve.
type Options struct {
	// Fixed is the number of leading dimensions split in order (action,
	// resource, principal); the others are split by decreasing number of
	// clauses.
	Fixed int
	// MaxNodes bounds the number of cells visited; zero means 2,000,000.
	MaxNodes int
}

type live struct {
	s  int
	cl []int // remaining clause indices
}

type solver struct {
	dims   []Dim
	stmts  []Stmt
	canon  [][]string // per statement, per clause
	opts   Options
	nodes  int
	leaves []Leaf
}

// Solve returns the cells where the two sets of statements (Stmt.After
// false and true) disagree on whether a request is allowed.
func Solve(dims []Dim, stmts []Stmt, opts Options) ([]Leaf, error) {
	if opts.MaxNodes <= 0 {
		opts.MaxNodes = 2000000
	}
	s := &solver{dims: dims, stmts: stmts, opts: opts, canon: make([][]string, len(stmts))}
	root := make([]live, len(stmts))
	for i := range stmts {
		s.canon[i] = make([]string, len(stmts[i].Clauses))
		cl := make([]int, len(stmts[i].Clauses))
		for k := range stmts[i].Clauses {
			s.canon[i][k] = stmts[i].Clauses[k].canon()
			cl[k] = k
		}
		root[i] = live{s: i, cl: cl}
	}
	if err := s.solve(root, nil, nil); err != nil {
		return nil, err
	}
	return s.leaves, nil
}

func (s *solver) solve(ls []live, steps []Step, relevant []int) error {
	s.nodes++
	if s.nodes > s.opts.MaxNodes {
		return ErrTooComplex
	}
	if s.alike(ls) {
		return nil
	}
	d := s.pick(ls)
	if d < 0 {
		before, after := s.decide(ls)
		if (before == Allow) != (after == Allow) {
			s.leaves = append(s.leaves, Leaf{Before: before, After: after, Steps: steps, Relevant: relevantOr(relevant, ls)})
		}
		return nil
	}
	// Distinct clauses on d among the live statements.
	var cols []Clause
	colOf := map[string]int{}
	ref := make([][]int, len(ls)) // per live statement: column of each clause on d (-1 otherwise)
	for i, l := range ls {
		ref[i] = make([]int, len(l.cl))
		for j, k := range l.cl {
			c := &s.stmts[l.s].Clauses[k]
			if c.Dim != d {
				ref[i][j] = -1
				continue
			}
			key := s.canon[l.s][k]
			col, ok := colOf[key]
			if !ok {
				col = len(cols)
				colOf[key] = col
				cols = append(cols, *c)
			}
			ref[i][j] = col
		}
	}
	// Group the representatives by the truth of the columns. A present
	// value makes a column differ from its default (Neg) exactly when it
	// passes one of the column's tests: the key of a group is the sorted
	// list of those columns, found through the tests the value passes, so
	// that the cost grows with the tests a value passes rather than with
	// the number of columns.
	type group struct {
		reps  []int
		truth []bool
	}
	var groups []*group
	byKey := map[string]*group{}
	testCols := map[int][]int{}
	for c := range cols {
		for _, t := range cols[c].Tests {
			testCols[t] = append(testCols[t], c)
		}
	}
	hit := make([]int, len(cols)) // hit[c] == r+1: rep r passes a test of c
	var flipped []int
	var key []byte
	for r := range s.dims[d].Reps {
		rep := &s.dims[d].Reps[r]
		flipped = flipped[:0]
		if rep.Absent {
			for c := range cols {
				if cols[c].Absent != cols[c].Neg {
					flipped = append(flipped, c)
				}
			}
		} else {
			for w, word := range rep.Sig {
				for word != 0 {
					t := w*64 + bits.TrailingZeros64(word)
					word &= word - 1
					for _, c := range testCols[t] {
						if hit[c] != r+1 {
							hit[c] = r + 1
							flipped = append(flipped, c)
						}
					}
				}
			}
			sort.Ints(flipped)
		}
		key = key[:0]
		for _, c := range flipped {
			key = strconv.AppendInt(key, int64(c), 36)
			key = append(key, ',')
		}
		g, ok := byKey[string(key)]
		if !ok {
			truth := make([]bool, len(cols))
			for c := range cols {
				truth[c] = cols[c].Neg
			}
			for _, c := range flipped {
				truth[c] = !cols[c].Neg
			}
			g = &group{truth: truth}
			byKey[string(key)] = g
			groups = append(groups, g)
		}
		g.reps = append(g.reps, r)
	}
	start := len(s.leaves)
	bounds := make([]int, 0, len(groups)+1)
	for _, g := range groups {
		bounds = append(bounds, len(s.leaves))
		next := make([]live, 0, len(ls))
		for i, l := range ls {
			keep := true
			var rest []int
			for j, k := range l.cl {
				col := ref[i][j]
				switch {
				case col < 0:
					rest = append(rest, k)
				case !g.truth[col]:
					keep = false
				}
			}
			if keep {
				next = append(next, live{s: l.s, cl: rest})
			}
		}
		st := Step{Dim: d, Reps: g.reps, Clauses: cols, Truth: g.truth}
		rel := relevant
		if d == 0 {
			rel = make([]int, len(next))
			for i, l := range next {
				rel[i] = l.s
			}
		}
		if err := s.solve(next, append(steps[:len(steps):len(steps)], st), rel); err != nil {
			return err
		}
	}
	bounds = append(bounds, len(s.leaves))
	// When every value of d leads to the same cells, d does not matter
	// here: keep one copy of the cells, without the split on d.
	if d != 0 && len(groups) > 1 && s.sameCells(bounds, len(steps)) {
		merged := make([]Leaf, 0, bounds[1]-bounds[0])
		for _, l := range s.leaves[bounds[0]:bounds[1]] {
			l.Steps = append(append([]Step(nil), l.Steps[:len(steps)]...), l.Steps[len(steps)+1:]...)
			merged = append(merged, l)
		}
		s.leaves = append(s.leaves[:start], merged...)
	}
	return nil
}

// sameCells reports whether the groups of leaves delimited by bounds
// are the same cells apart from their step k: the same outcomes over the
// same representatives of the other dimensions.
func (s *solver) sameCells(bounds []int, k int) bool {
	n := bounds[1] - bounds[0]
	if n == 0 {
		return false
	}
	for g := 1; g+1 < len(bounds); g++ {
		if bounds[g+1]-bounds[g] != n {
			return false
		}
		for i := 0; i < n; i++ {
			if leafKey(&s.leaves[bounds[0]+i], k) != leafKey(&s.leaves[bounds[g]+i], k) {
				return false
			}
		}
	}
	return true
}

func leafKey(l *Leaf, k int) string {
	var b strings.Builder
	b.WriteByte(byte('0' + l.Before))
	b.WriteByte(byte('0' + l.After))
	for i, st := range l.Steps {
		if i == k {
			continue
		}
		b.WriteByte('|')
		b.WriteString(strconv.Itoa(st.Dim))
		for _, r := range st.Reps {
			b.WriteByte(',')
			b.WriteString(strconv.Itoa(r))
		}
	}
	return b.String()
}

func relevantOr(relevant []int, ls []live) []int {
	if relevant != nil {
		return relevant
	}
	out := make([]int, len(ls))
	for i, l := range ls {
		out[i] = l.s
	}
	return out
}

// pick returns the dimension to split next, or -1 when no clause is left.
func (s *solver) pick(ls []live) int {
	count := make([]int, len(s.dims))
	has := false
	for _, l := range ls {
		for _, k := range l.cl {
			count[s.stmts[l.s].Clauses[k].Dim]++
			has = true
		}
	}
	if !has {
		return -1
	}
	for d := 0; d < s.opts.Fixed && d < len(count); d++ {
		if count[d] > 0 {
			return d
		}
	}
	best := -1
	for d := s.opts.Fixed; d < len(count); d++ {
		if count[d] > 0 && (best < 0 || count[d] > count[best]) {
			best = d
		}
	}
	return best
}

// decide evaluates both sets on a cell without clauses left.
func (s *solver) decide(ls []live) (before, after Outcome) {
	var out [2]Outcome
	for _, l := range ls {
		st := &s.stmts[l.s]
		i := 0
		if st.After {
			i = 1
		}
		switch {
		case st.Deny:
			out[i] = ExplicitDeny
		case out[i] != ExplicitDeny:
			out[i] = Allow
		}
	}
	return out[0], out[1]
}

// alike reports whether both sets certainly give the same allow/deny
// answer everywhere in the cell: they consist of the same statements, or
// neither can allow, or both allow unconditionally.
func (s *solver) alike(ls []live) bool {
	var canAllow, denyAlways, allowAlways, denyMaybe [2]bool
	var sets [2][]string
	for _, l := range ls {
		st := &s.stmts[l.s]
		i := 0
		if st.After {
			i = 1
		}
		uncond := len(l.cl) == 0
		if st.Deny {
			denyMaybe[i] = true
			denyAlways[i] = denyAlways[i] || uncond
		} else {
			canAllow[i] = true
			allowAlways[i] = allowAlways[i] || uncond
		}
		sets[i] = append(sets[i], s.stmtCanon(l))
	}
	never := func(i int) bool { return !canAllow[i] || denyAlways[i] }
	always := func(i int) bool { return allowAlways[i] && !denyMaybe[i] }
	if never(0) && never(1) || always(0) && always(1) {
		return true
	}
	return sameSet(sets[0], sets[1])
}

func (s *solver) stmtCanon(l live) string {
	parts := make([]string, len(l.cl))
	for j, k := range l.cl {
		parts[j] = s.canon[l.s][k]
	}
	sort.Strings(parts)
	prefix := "A|"
	if s.stmts[l.s].Deny {
		prefix = "D|"
	}
	return prefix + strings.Join(parts, "&")
}

func sameSet(a, b []string) bool {
	sort.Strings(a)
	sort.Strings(b)
	a, b = dedup(a), dedup(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func dedup(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
