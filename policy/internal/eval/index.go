package eval

import (
	"cmp"
	"slices"
	"strings"
)

// The index of a Set has two levels. The first maps the request's action to
// candidate lists (see buildIndex). Each candidate list is a bucket, which
// may index its statements by the literal prefix of their resource patterns:
// a statement can only match a resource that starts with the literal head
// (the text before the first wildcard or variable) of one of its Resource
// patterns, so a bucket looks up the heads that are prefixes of the request's
// resource in a sorted table and evaluates only their statements, together
// with the statements that have no usable head (NotResource, no Resource
// element, or a pattern starting with a wildcard or variable).

const (
	// scanMax is the number of statements up to which a Set is scanned
	// rather than indexed: testing a few statements costs less than the
	// index lookups.
	scanMax = 4
	// bucketMin is the length of the shortest candidate list indexed by
	// resource; shorter lists are scanned.
	bucketMin = 8
	// maxNesting bounds the number of nested heads in a bucket (heads that are
	// prefixes of one another) that can match one resource. A head nested
	// deeper files its statements under its ancestor at this depth.
	maxNesting = 4
)

// indexOptions tune the index (tests shrink them to exercise every path).
type indexOptions struct {
	scanMax     int // sets of at most this many statements are not indexed
	bucketMin   int // lists shorter than this are not indexed by resource
	maxNesting  int // in [1, maxNesting]
	mergeBudget int // see mergeLiteral
}

var defaultIndex = indexOptions{scanMax: scanMax, bucketMin: bucketMin, maxNesting: maxNesting, mergeBudget: mergeBudget}

// bucket is a candidate list: index entries (see Set) in statement order
// without duplicates. A bucket with keys is indexed by resource: its
// statements are those of rest plus those filed under keys.
type bucket struct {
	rest []int32 // entries to evaluate for every resource (all of them if keys is nil)
	// keys are the distinct resource heads, sorted; parent[i] is the index
	// of the longest key that is a proper prefix of keys[i], or -1. The
	// entries filed under keys[i] are ents[off[i]:off[i+1]], in statement
	// order.
	keys   []string
	parent []int32
	off    []int32
	ents   []int32
}

// entryStmt returns the statement of an index entry.
func entryStmt(e int32) int32 {
	if e < 0 {
		return ^e
	}
	return e
}

// buildIndex indexes statements by action: literal actions, literal heads
// of wildcard patterns, and statements that are candidates for every
// action; then it indexes each candidate list by resource.
func (s *Set) buildIndex(o indexOptions) {
	s.indexed = true
	s.literal = make(map[string]int32)
	s.prefixes = make(map[string]int32)
	var always []int32
	var lists [][]int32                  // the candidate lists of s.literal and s.prefixes
	count := make([]int32, len(s.stmts)) // number of candidate lists holding each statement
	add := func(l []int32, i int32, known bool) []int32 {
		if n := len(l); n > 0 && (l[n-1] == i || l[n-1] == ^i) {
			if known {
				l[n-1] = ^i
			}
			return l
		}
		count[i]++
		if known {
			return append(l, ^i)
		}
		return append(l, i)
	}
	addTo := func(m map[string]int32, key string, i int32, known bool) {
		k, ok := m[key]
		if !ok {
			k = int32(len(lists))
			m[key] = k
			lists = append(lists, nil)
		}
		lists[k] = add(lists[k], i, known)
	}
	for i := range s.stmts {
		st := &s.stmts[i]
		idx := int32(i)
		if st.notAction {
			always = add(always, idx, false)
			continue
		}
		for k := range st.actions {
			p := &st.actions[k]
			// p.lit is unescaped: the whole action (exact), the text before
			// the trailing star (prefix) or before the first wildcard or
			// escape (general).
			switch {
			case p.kind == patAny:
				always = add(always, idx, true)
			case strings.IndexByte(p.lit, ':') < 0:
				always = add(always, idx, false)
			case p.kind == patExact:
				addTo(s.literal, p.lit, idx, true)
			default:
				addTo(s.prefixes, p.lit, idx, p.kind == patPrefix)
			}
		}
	}
	for i := range s.stmts {
		s.stmts[i].multi = count[i] > 1
	}
	for pre := range s.prefixes {
		if !slices.Contains(s.prefixLens, len(pre)) {
			s.prefixLens = append(s.prefixLens, len(pre))
		}
	}
	slices.Sort(s.prefixLens)
	s.merged = s.mergeLiteral(lists, always, o.mergeBudget)

	b := bucketBuilder{s: s, o: o}
	b.o.maxNesting = min(max(b.o.maxNesting, 1), maxNesting)
	s.always = b.build(always)
	s.buckets = make([]bucket, len(lists))
	for i, l := range lists {
		s.buckets[i] = b.build(l)
	}
}

// mergeBudget bounds the total length of the merged candidate lists.
const mergeBudget = 1 << 20

// mergeLiteral turns every literal action's list into the complete, ordered
// candidate list the index would produce for it, so that evaluating such an
// action costs one map lookup and no deduplication. It reports whether it
// did: it does not if the lists could exceed budget in total.
func (s *Set) mergeLiteral(lists [][]int32, always []int32, budget int) bool {
	if len(s.literal)*(len(always)+1) > budget {
		return false
	}
	var buf []int32
	for action, k := range s.literal {
		buf = append(append(buf[:0], always...), lists[k]...)
		for _, l := range s.prefixLens {
			if l > len(action) {
				break
			}
			if p, ok := s.prefixes[action[:l]]; ok {
				buf = append(buf, lists[p]...)
			}
		}
		if len(buf) > len(lists[k]) { // else the list is complete (and ordered)
			lists[k] = mergeEntries(buf)
		}
	}
	return true
}

// mergeEntries sorts index entries by statement and removes duplicates, an
// entry being "known" if any of its duplicates is.
func mergeEntries(buf []int32) []int32 {
	slices.SortFunc(buf, func(a, b int32) int {
		if ia, ib := entryStmt(a), entryStmt(b); ia != ib {
			return int(ia - ib)
		}
		return int(a - b) // known (negative) entries first
	})
	out := make([]int32, 0, len(buf))
	for _, e := range buf {
		if n := len(out); n > 0 && entryStmt(out[n-1]) == entryStmt(e) {
			continue // the first of a run is the known one, if any
		}
		out = append(out, e)
	}
	return out
}

// bucketBuilder builds buckets, reusing its scratch space.
type bucketBuilder struct {
	s      *Set
	o      indexOptions
	pairs  []headPos
	rest   []int32
	keys   []string
	parent []int32
	off    []int32
	ents   []int32
	stack  []int32
}

// headPos is a resource head of the statement at position pos of a list.
type headPos struct {
	head string
	pos  int32
}

// resourceHeads reports whether st can be indexed by resource: it has a
// Resource element whose patterns all have a non-empty literal head.
func (st *cstmt) resourceHeads() bool {
	if st.notResource || st.anyResource || len(st.resources) == 0 {
		return false
	}
	for k := range st.resources {
		if st.resources[k].lit == "" {
			return false
		}
	}
	return true
}

// build returns the bucket of list (entries in statement order, without
// duplicates).
func (b *bucketBuilder) build(list []int32) bucket {
	if len(list) < b.o.bucketMin {
		return bucket{rest: list}
	}
	pairs, rest := slices.Grow(b.pairs[:0], len(list)), b.rest[:0]
	for p, e := range list {
		st := &b.s.stmts[entryStmt(e)]
		if !st.resourceHeads() {
			rest = append(rest, e)
			continue
		}
		for k := range st.resources {
			pairs = append(pairs, headPos{st.resources[k].lit, int32(p)})
		}
	}
	b.pairs, b.rest = pairs, rest
	if len(pairs) == 0 {
		return bucket{rest: list}
	}
	slices.SortFunc(pairs, func(x, y headPos) int {
		if c := strings.Compare(x.head, y.head); c != 0 {
			return c
		}
		return cmp.Compare(x.pos, y.pos)
	})
	keys, parent, off, ents, stack := b.keys[:0], b.parent[:0], b.off[:0], b.ents[:0], b.stack[:0]
	// ents first holds list positions. The positions filed under the last
	// key are unsorted (and may repeat) if heads nested too deep were
	// added to them.
	unsorted := false
	closeLast := func() {
		if unsorted {
			start := int(off[len(off)-1])
			tail := ents[start:]
			slices.Sort(tail)
			ents = ents[:start+len(slices.Compact(tail))]
			unsorted = false
		}
	}
	for i := 0; i < len(pairs); {
		head := pairs[i].head
		j := i + 1
		for j < len(pairs) && pairs[j].head == head {
			j++
		}
		// stack holds the keys that are prefixes of head, shortest first:
		// in sorted order, the keys starting with a key k directly follow k.
		for len(stack) > 0 && !strings.HasPrefix(head, keys[stack[len(stack)-1]]) {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == b.o.maxNesting {
			// Too deep: file under the deepest ancestor, the last key.
			for _, hp := range pairs[i:j] {
				ents = append(ents, hp.pos)
			}
			unsorted = true
		} else {
			closeLast()
			p := int32(-1)
			if len(stack) > 0 {
				p = stack[len(stack)-1]
			}
			stack = append(stack, int32(len(keys)))
			keys = append(keys, head)
			parent = append(parent, p)
			off = append(off, int32(len(ents)))
			for k := i; k < j; k++ {
				if k == i || pairs[k].pos != pairs[k-1].pos {
					ents = append(ents, pairs[k].pos)
				}
			}
		}
		i = j
	}
	closeLast()
	off = append(off, int32(len(ents)))
	for k, p := range ents {
		ents[k] = list[p]
	}
	b.keys, b.parent, b.off, b.ents, b.stack = keys, parent, off, ents, stack
	// One backing array for the integers.
	ints := make([]int32, 0, len(rest)+len(parent)+len(off)+len(ents))
	part := func(l []int32) []int32 {
		n := len(ints)
		ints = append(ints, l...)
		return ints[n:len(ints):len(ints)]
	}
	return bucket{rest: part(rest), keys: slices.Clone(keys), parent: part(parent), off: part(off), ents: part(ents)}
}

// bucket evaluates the candidates of b for the request's resource, in
// statement order.
func (e *evaluator) bucket(b *bucket) {
	if b.keys == nil {
		e.entries(b.rest)
		return
	}
	r := e.req.Resource
	// The keys that are prefixes of r are the ancestors of the last key
	// k <= r that are prefixes of r (every string between such a key and r
	// starts with it), and their ancestors in turn.
	lo, hi := 0, len(b.keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if b.keys[m] <= r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	i := int32(lo - 1)
	for i >= 0 && !strings.HasPrefix(r, b.keys[i]) {
		i = b.parent[i]
	}
	switch {
	case i < 0:
		e.entries(b.rest)
		return
	case len(b.rest) == 0 && b.parent[i] < 0:
		e.entries(b.ents[b.off[i]:b.off[i+1]])
		return
	}
	var ls [maxNesting + 1][]int32
	n := 0
	if len(b.rest) > 0 {
		ls[0] = b.rest
		n = 1
	}
	for ; i >= 0; i = b.parent[i] {
		ls[n] = b.ents[b.off[i]:b.off[i+1]]
		n++
	}
	e.merge(ls[:n])
}

// entries evaluates the entries of a list.
func (e *evaluator) entries(l []int32) {
	for _, x := range l {
		e.visit(x)
	}
}

// merge evaluates the entries of several lists in statement order, each
// statement once.
func (e *evaluator) merge(ls [][]int32) {
	for {
		next, entry := int32(-1), int32(0)
		for _, l := range ls {
			if len(l) > 0 {
				if i := entryStmt(l[0]); next < 0 || i < next {
					next, entry = i, l[0]
				}
			}
		}
		if next < 0 {
			return
		}
		for k, l := range ls {
			if len(l) > 0 && entryStmt(l[0]) == next {
				ls[k] = l[1:]
			}
		}
		e.visit(entry)
	}
}
