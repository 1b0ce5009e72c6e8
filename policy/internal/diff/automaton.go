package diff

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/astran-oss/astran-go/internal/glob"
)

// ErrTooComplex reports patterns whose combinations are too many to
// enumerate within the configured budget.
var ErrTooComplex = errors.New("too many pattern combinations")

// Pattern is a glob pattern in the escaped form of package glob ('*' and
// '?' are wildcards, glob.Esc escapes the next byte).
type Pattern struct {
	Glob string
	// Fold compares ASCII letters case-insensitively; Glob is lower case.
	Fold bool
	// ARN selects ARN semantics (see glob.MatchARN): wildcards stay inside
	// their colon-separated segment except in the sixth segment, and a
	// trailing '*' of a pattern of fewer than six segments matches the
	// rest of the value.
	ARN bool
}

// Match reports whether v matches p, with the engine's matcher.
func (p Pattern) Match(v string) bool {
	if p.ARN {
		return glob.MatchARN(p.Glob, v)
	}
	return glob.Match(p.Glob, v, p.Fold)
}

type tokKind uint8

const (
	tokLit tokKind = iota
	tokOne
	tokStar
)

type token struct {
	kind    tokKind
	r       rune // tokLit
	fold    bool // tokLit: case-insensitive
	noColon bool // tokOne, tokStar: does not match ':'
}

func (t token) accepts(r rune) bool {
	switch t.kind {
	case tokLit:
		if t.fold {
			return lowerASCII(r) == t.r
		}
		return r == t.r
	default:
		return !t.noColon || r != ':'
	}
}

func lowerASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// compile turns a pattern into tokens for the automaton.
func compile(p Pattern) []token {
	if !p.ARN {
		return tokens(p.Glob, p.Fold, false)
	}
	if p.Glob == "*" {
		return []token{{kind: tokStar}}
	}
	var seg [6]string
	n := glob.Segments(p.Glob, &seg)
	var out []token
	for i := 0; i < n; i++ {
		if i > 0 {
			out = append(out, token{kind: tokLit, r: ':'})
		}
		out = append(out, tokens(seg[i], false, i < 5)...)
	}
	// A trailing star of a pattern of fewer than six segments matches the
	// rest of the value, colons included.
	if n < 6 && len(out) > 0 && out[len(out)-1].kind == tokStar && endsWithStar(seg[n-1]) {
		out[len(out)-1].noColon = false
	}
	return out
}

func endsWithStar(s string) bool {
	t := tokens(s, false, false)
	return len(t) > 0 && t[len(t)-1].kind == tokStar
}

func tokens(g string, fold, noColon bool) []token {
	var out []token
	for i := 0; i < len(g); {
		c := g[i]
		switch {
		case c == '*':
			if len(out) == 0 || out[len(out)-1].kind != tokStar {
				out = append(out, token{kind: tokStar, noColon: noColon})
			}
			i++
			continue
		case c == '?':
			out = append(out, token{kind: tokOne, noColon: noColon})
			i++
			continue
		case c == glob.Esc && i+1 < len(g):
			i++
		}
		r, size := utf8.DecodeRuneInString(g[i:])
		if fold {
			r = lowerASCII(r)
		}
		out = append(out, token{kind: tokLit, r: r, fold: fold})
		i += size
	}
	return out
}

// nfa is a compiled pattern: positions 0..len(toks), the last accepting.
type nfa struct{ toks []token }

// closure adds to set every position reachable from pos by skipping stars.
func (a *nfa) closure(set []int, pos int) []int {
	for {
		set = insertSorted(set, pos)
		if pos < len(a.toks) && a.toks[pos].kind == tokStar {
			pos++
			continue
		}
		return set
	}
}

func insertSorted(s []int, v int) []int {
	i := sort.SearchInts(s, v)
	if i < len(s) && s[i] == v {
		return s
	}
	s = append(s, 0)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func (a *nfa) step(set []int, r rune) []int {
	var out []int
	for _, p := range set {
		if p >= len(a.toks) {
			continue
		}
		t := a.toks[p]
		if !t.accepts(r) {
			continue
		}
		if t.kind == tokStar {
			out = a.closure(out, p)
		} else {
			out = a.closure(out, p+1)
		}
	}
	return out
}

// alive is one live pattern in a product state.
type alive struct {
	pat int
	pos []int
}

type pstate struct {
	word   string
	alives []alive
}

func (s *pstate) key() string {
	var b strings.Builder
	for _, a := range s.alives {
		b.WriteString(strconv.Itoa(a.pat))
		b.WriteByte(':')
		for _, p := range a.pos {
			b.WriteString(strconv.Itoa(p))
			b.WriteByte(',')
		}
		b.WriteByte(';')
	}
	return b.String()
}

// Representatives returns strings such that every non-empty class of
// strings matching exactly some subset of pats (as the engine matches them)
// contains one of them: a shortest string for each distinct set of
// accepting patterns reachable. It explores the product of the patterns'
// automata breadth first and fails with ErrTooComplex after maxStates
// states (zero means 200,000).
func Representatives(pats []Pattern, maxStates int) ([]string, error) {
	reps, _, err := RepresentativesSig(pats, maxStates)
	return reps, err
}

// RepresentativesSig is Representatives that also returns, for each
// representative, the indices of the patterns it matches (ascending), as
// the automaton computes them.
func RepresentativesSig(pats []Pattern, maxStates int) ([]string, [][]int, error) {
	if maxStates <= 0 {
		maxStates = 200000
	}
	autos := make([]nfa, len(pats))
	used := map[rune]bool{':': true}
	for i, p := range pats {
		autos[i] = nfa{toks: compile(p)}
		for _, t := range autos[i].toks {
			if t.kind == tokLit {
				used[t.r] = true
				if t.fold {
					used[unicode.ToUpper(t.r)] = true
				}
			}
		}
	}
	other := freshRune(used)
	start := pstate{}
	for i := range autos {
		start.alives = append(start.alives, alive{pat: i, pos: autos[i].closure(nil, 0)})
	}
	seen := map[string]bool{start.key(): true}
	sigs := map[string]bool{}
	var out []string
	var matched [][]int
	queue := []pstate{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		sig := acceptSig(autos, &s)
		if !sigs[sig] {
			sigs[sig] = true
			out = append(out, s.word)
			matched = append(matched, accepting(autos, &s))
		}
		for _, r := range alphabet(autos, &s, other) {
			next := pstate{word: s.word + string(r)}
			for _, a := range s.alives {
				if pos := autos[a.pat].step(a.pos, r); len(pos) > 0 {
					next.alives = append(next.alives, alive{pat: a.pat, pos: pos})
				}
			}
			k := next.key()
			if seen[k] {
				continue
			}
			if len(seen) >= maxStates {
				return nil, nil, ErrTooComplex
			}
			seen[k] = true
			queue = append(queue, next)
		}
	}
	return out, matched, nil
}

// accepting returns the patterns in their accepting position in s.
func accepting(autos []nfa, s *pstate) []int {
	var out []int
	for _, a := range s.alives {
		if a.pos[len(a.pos)-1] == len(autos[a.pat].toks) {
			out = append(out, a.pat)
		}
	}
	return out
}

func acceptSig(autos []nfa, s *pstate) string {
	var b strings.Builder
	for _, a := range s.alives {
		if a.pos[len(a.pos)-1] == len(autos[a.pat].toks) {
			b.WriteString(strconv.Itoa(a.pat))
			b.WriteByte(',')
		}
	}
	return b.String()
}

// alphabet returns one rune per class of runes that the live tokens of s
// tell apart: every literal they expect (with its case variants), ':' and
// one rune no pattern names.
func alphabet(autos []nfa, s *pstate, other rune) []rune {
	set := map[rune]bool{other: true}
	for _, a := range s.alives {
		toks := autos[a.pat].toks
		for _, p := range a.pos {
			if p >= len(toks) {
				continue
			}
			t := toks[p]
			switch t.kind {
			case tokLit:
				set[t.r] = true
				if t.fold {
					set[unicode.ToUpper(t.r)] = true
				}
			default:
				if t.noColon {
					set[':'] = true
				}
			}
		}
	}
	out := make([]rune, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// freshRune returns a rune that no pattern names, preferring readable ones.
func freshRune(used map[rune]bool) rune {
	for _, r := range "xzqjkvwyfhgbmnprtludcaeios0123456789-_" {
		if !used[r] && !used[unicode.ToUpper(r)] {
			return r
		}
	}
	for r := rune(0x4e00); ; r++ { // CJK ideographs have no case
		if !used[r] {
			return r
		}
	}
}
