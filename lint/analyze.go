package lint

import (
	"strconv"
	"strings"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/catalog"
	"github.com/astran-oss/astran-go/policy"
)

// allActions lists the catalog's actions; an action's index in it is its
// bit in an actionSet, found with actionIndex.
var allActions, actionIndex = catalogActions()

func catalogActions() ([]catalog.Action, map[catalog.Action]int) {
	var all []catalog.Action
	index := map[catalog.Action]int{}
	for s := range catalog.Services() {
		for a := range s.Actions() {
			index[a] = len(all)
			all = append(all, a)
		}
	}
	if len(all) > len(actionSet{})*64 {
		panic("lint: actionSet too small for the catalog")
	}
	return all, index
}

// typesByService maps the service segment of ARN formats ("iam") to the
// resource types with that segment, as a bit mask over rtIndex.
var rtAll, typesByService = resourceTypes()

func resourceTypes() ([]catalog.ResourceType, map[string]uint32) {
	var all []catalog.ResourceType
	by := map[string]uint32{}
	for s := range catalog.Services() {
		for rt := range s.ResourceTypes() {
			seg, _ := splitARN(rt.ARNFormat())
			by[seg[2]] |= 1 << len(all)
			all = append(all, rt)
		}
	}
	if len(all) > 32 {
		panic("lint: too many resource types for a mask")
	}
	return all, by
}

// actionTypes are the resource types each action accepts, as masks.
var actionTypes = func() []uint32 {
	out := make([]uint32, len(allActions))
	for i, a := range allActions {
		for rt := range a.ResourceTypes() {
			out[i] |= rtMask(rt)
		}
	}
	return out
}()

// rtMask returns the bit of a resource type.
func rtMask(rt catalog.ResourceType) uint32 {
	for i, x := range rtAll {
		if x == rt {
			return 1 << i
		}
	}
	return 0
}

// actionSet is a set of catalog actions.
type actionSet [4]uint64

func (s *actionSet) add(a catalog.Action) {
	if i, ok := actionIndex[a]; ok {
		s[i/64] |= 1 << (i % 64)
	}
}

func (s *actionSet) has(a catalog.Action) bool {
	i, ok := actionIndex[a]
	return ok && s[i/64]&(1<<(i%64)) != 0
}

// everyAction is the set of every catalog action.
var everyAction = func() (s actionSet) {
	for _, a := range allActions {
		s.add(a)
	}
	return s
}()

// subsetOf reports whether s is a subset of t.
func (s *actionSet) subsetOf(t *actionSet) bool {
	for i := range s {
		if s[i]&^t[i] != 0 {
			return false
		}
	}
	return true
}

func (s *actionSet) empty() bool { return *s == actionSet{} }

// each calls fn for the actions of s until it returns false.
func (s *actionSet) each(fn func(catalog.Action) bool) {
	for w, bits := range s {
		for bits != 0 {
			b := 0
			for bits&(1<<b) == 0 {
				b++
			}
			bits &^= 1 << b
			if !fn(allActions[w*64+b]) {
				return
			}
		}
	}
}

// stmt is what the linter learns about one statement.
type stmt struct {
	st   *policy.Statement
	path string // "Statement[i]"
	// acts are the catalog actions the Action element matches.
	acts actionSet
	// closed is true when acts is everything the Action element can match:
	// it has no "*", no open (ck) or unknown service, no wildcard in a
	// service prefix. Checks that reason about "the statement's actions"
	// need it.
	closed bool
	// wildService is true when an action has a wildcard in its service
	// prefix: acts then misses some actions the statement matches.
	wildService bool
	// liveActions counts the Action entries that can match something.
	liveActions, liveResources int
	// dead is why the statement can never match ("" if it can).
	dead string
}

func (s *stmt) kill(reason string) {
	if s.dead == "" {
		s.dead = reason
	}
}

// lazyPath is a path formatted only when a finding needs it: base, then
// .field if field is not "", then [j] if the list has n > 1 elements.
type lazyPath struct {
	base, field string
	j, n        int
}

func (p lazyPath) String() string {
	s := p.base
	if p.field != "" {
		s += "." + p.field
	}
	if p.n > 1 {
		s += "[" + strconv.Itoa(p.j) + "]"
	}
	return s
}

// at returns the path of a plain string path.
func at(path string) lazyPath { return lazyPath{base: path} }

// fieldPath returns the path of a statement element.
func fieldPath(sp, field string) string { return sp + "." + field }

// elemPath returns the path of element i of a list of n.
func elemPath(p string, i, n int) string {
	if n == 1 {
		return p
	}
	return p + "[" + strconv.Itoa(i) + "]"
}

// keyPath returns the path of a condition key.
func keyPath(opPath, key string) string { return opPath + "[" + strconv.Quote(key) + "]" }

// opPath returns the path of a condition operator (operator names are
// identifier-like: letters and a colon).
func opPath(sp, op string) string { return sp + ".Condition." + op }

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// isLiteral reports whether s has no wildcard and no policy variable.
func isLiteral(s string) bool { return !strings.ContainsAny(s, "*?$") }

// isTrustAction reports whether an action (pattern) is one of role
// assumption, the actions of a trust policy.
func isTrustAction(a string) bool {
	svc, name, ok := strings.Cut(a, ":")
	if !ok || !strings.EqualFold(svc, "sts") {
		return false
	}
	for _, t := range [...]string{"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML", "TagSession", "SetSourceIdentity", "SetContext"} {
		if strings.EqualFold(name, t) || (hasWildcard(name) && arn.Match(strings.ToLower(name), strings.ToLower(t))) {
			return true
		}
	}
	return false
}

// splitARN splits an ARN at its first five colons; n is the number of
// segments found (at most 6).
func splitARN(s string) (seg [6]string, n int) {
	for n < 5 {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			break
		}
		seg[n], s = s[:i], s[i+1:]
		n++
	}
	seg[n] = s
	return seg, n + 1
}

// awsPartitions are AWS's partitions.
func isAWSPartition(p string) bool {
	return p == "aws" || p == "aws-cn" || p == "aws-us-gov" || strings.HasPrefix(p, "aws-iso")
}

// covers reports whether pattern b matches everything pattern a matches
// (conservatively: false when unsure). resource selects ARN matching; fold
// case-insensitive action names.
func covers(b, a string, resource, fold bool) bool {
	if b == "*" || b == a || (fold && strings.EqualFold(a, b)) {
		return true
	}
	// The literal head of b must start a (a wildcard of a where b has a
	// literal byte matches more than b).
	k := 0
	for ; k < len(b); k++ {
		c := b[k]
		if c == '*' || c == '?' || c == '$' {
			break
		}
		if k >= len(a) || (c != a[k] && (!fold || lower(c) != lower(a[k]))) {
			return false
		}
	}
	if k == len(b) || strings.Contains(b[k:], "${") {
		return false // literal b, or variables: only equality
	}
	if fold {
		a, b = strings.ToLower(a), strings.ToLower(b)
	}
	if isLiteral(a) {
		if resource {
			return arn.MatchARN(b, a)
		}
		return arn.Match(b, a)
	}
	// b = P* with a literal P that a starts with.
	p, ok := strings.CutSuffix(b, "*")
	return ok && !hasWildcard(p) && strings.HasPrefix(a, p)
}

// coversAll reports whether every pattern of as is covered by one of bs.
func coversAll(bs, as []string, resource, fold bool) bool {
	for _, a := range as {
		ok := false
		for _, b := range bs {
			if covers(b, a, resource, fold) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// distance is the edit distance of a and b, compared case-insensitively,
// or max+1 once it exceeds max.
func distance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	var rowBuf [2][64]int
	if len(b)+1 > len(rowBuf[0]) {
		return max + 1
	}
	prev, cur := rowBuf[0][:len(b)+1], rowBuf[1][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if lower(a[i-1]) == lower(b[j-1]) {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
