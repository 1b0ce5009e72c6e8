package catalog

import "strings"

// MayMatch reports whether the Resource pattern p of a policy can match an
// ARN of type r: p may contain the wildcards * and ? and policy variables
// (${aws:username}), which match any text. The ARN format's placeholders
// match what the reference allows there: ${Partition}, ${Region} and
// ${Account} no colon, names without a path no slash, and ${ObjectName} or
// names with a path anything. Comparisons are case-sensitive, as ARNs are.
// MayMatch does not allocate for patterns up to a few hundred bytes.
func (r ResourceType) MayMatch(p string) bool {
	if !r.IsValid() {
		return false
	}
	f := &compiled[r.i-1]
	// Most patterns name the first five segments literally: compare those
	// segment by segment, and match only the resource segments.
	rest := p
	for seg := 0; seg < 5; seg++ {
		c := strings.IndexByte(rest, ':')
		if c < 0 || hasMeta(rest[:c]) {
			return mayMatch(p, &f.all)
		}
		if !f.segs[seg].matches(rest[:c]) {
			return false
		}
		rest = rest[c+1:]
	}
	return mayMatch(rest, &f.res)
}

// compiledFormat is an ARN format split for MayMatch.
type compiledFormat struct {
	segs     [5]segment
	res, all machine
}

// machine is an ARN format (or its resource segment) compiled for walk:
// state bit 2j is "before token j", 2j+1 "inside placeholder j, one byte
// or more read"; the masks say which states read a byte.
type machine struct {
	tokens []token
	// lit[c]: the states before a literal token c; litAny all of them.
	lit    [128]uint64
	litAny uint64
	// phBefore and phInside by byte class (other, ':', '/'): the states
	// before or inside a placeholder that allows it; phAny* for any byte.
	phBefore, phInside [3]uint64
	phAnyB, phAnyI     uint64
	inside, final      uint64
}

func byteClass(c byte) int {
	switch c {
	case ':':
		return 1
	case '/':
		return 2
	}
	return 0
}

func compile(ft []token) machine {
	mc := machine{tokens: ft, final: 1 << (2 * len(ft))}
	for j, t := range ft {
		b, in := uint64(1)<<(2*j), uint64(1)<<(2*j+1)
		if t.class == 0 {
			if t.lit < 128 {
				mc.lit[t.lit] |= b
			}
			mc.litAny |= b
			continue
		}
		mc.inside |= in
		mc.phAnyB |= b
		mc.phAnyI |= in
		for cls, c := range [...]byte{'a', ':', '/'} {
			if t.allows(c) {
				mc.phBefore[cls] |= b
				mc.phInside[cls] |= in
			}
		}
	}
	return mc
}

// step reads one byte c (any byte if any) from the states s.
func (mc *machine) step(s uint64, c byte, any bool) uint64 {
	var next uint64
	if any {
		next = (s&mc.litAny)<<2 | (s&mc.phAnyB)<<1 | s&mc.phAnyI
	} else {
		var lit uint64
		if c < 128 {
			lit = mc.lit[c]
		}
		cls := byteClass(c)
		next = (s&lit)<<2 | (s&mc.phBefore[cls])<<1 | s&mc.phInside[cls]
	}
	return next | (next&mc.inside)<<1
}

// stars returns the states reachable from s by reading any text.
func (mc *machine) stars(s uint64) uint64 {
	for {
		next := s | mc.step(s, 0, true)
		if next == s {
			return s
		}
		s = next
	}
}

// segment is one of the first five segments of an ARN format: literal
// text, or one placeholder of a class.
type segment struct {
	lit   string
	class uint8
}

func (s segment) matches(v string) bool {
	if s.class == 0 {
		return v == s.lit
	}
	t := token{class: s.class}
	for i := 0; i < len(v); i++ {
		if !t.allows(v[i]) {
			return false
		}
	}
	return v != ""
}

var compiled = func() []compiledFormat {
	out := make([]compiledFormat, len(resourceTypes))
	for i := range resourceTypes {
		f := &out[i]
		format := resourceTypes[i].arn
		f.all = compile(tokenize(format, nil))
		for seg := 0; seg < 5; seg++ {
			c := strings.IndexByte(format, ':')
			s := format[:c]
			if strings.HasPrefix(s, "${") && strings.IndexByte(s, '}') == len(s)-1 {
				f.segs[seg] = segment{class: placeholderClass(s[2 : len(s)-1])}
			} else {
				f.segs[seg] = segment{lit: s}
			}
			format = format[c+1:]
		}
		f.res = compile(tokenize(format, nil))
	}
	return out
}()

// hasMeta reports whether s holds a wildcard or a policy variable.
func hasMeta(s string) bool { return strings.ContainsAny(s, "*?$") }

// mayMatch reports whether the pattern p and the format have a string in
// common.
func mayMatch(p string, mc *machine) bool {
	if len(mc.tokens) < 31 {
		return walk(p, mc)
	}
	return product(p, mc.tokens)
}

// walk runs the pattern over the format, tracking the set of format
// states reachable. A star (or a policy variable) takes every state
// reachable by reading any text.
func walk(p string, mc *machine) bool {
	s := uint64(1)
	for i := 0; i < len(p) && s != 0; i++ {
		c := p[i]
		switch {
		case c == '*':
			s = mc.stars(s)
		case c == '$' && i+1 < len(p) && p[i+1] == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				s = mc.step(s, c, false)
				continue
			}
			s = mc.stars(s)
			i += end
		default:
			s = mc.step(s, c, c == '?')
		}
	}
	return s&mc.final != 0
}

// product explores the pairs of positions in the pattern and the format.
func product(p string, ft []token) bool {
	if !hasMeta(p) && len(ft) == len(p) {
		lit := true
		for i, t := range ft {
			if t.class != 0 || t.lit != p[i] {
				lit = false
				break
			}
		}
		if lit {
			return true
		}
	}
	var pbuf [128]ptoken
	pt := ptokens(p, pbuf[:0])
	n, m := len(pt), len(ft)
	states := (n + 1) * (m + 1) * 2
	var seenBuf [64]uint64
	var seen []uint64
	if states <= len(seenBuf)*64 {
		seen = seenBuf[:(states+63)/64]
	} else {
		seen = make([]uint64, (states+63)/64)
	}
	var stackBuf [64]int32
	stack := stackBuf[:0]
	push := func(i, j, c int) {
		s := ((i*(m+1))+j)*2 + c
		if seen[s/64]&(1<<(s%64)) != 0 {
			return
		}
		seen[s/64] |= 1 << (s % 64)
		stack = append(stack, int32(s))
	}
	push(0, 0, 0)
	for len(stack) > 0 {
		s := int(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		c := s % 2
		j := (s / 2) % (m + 1)
		i := (s / 2) / (m + 1)
		if i == n && j == m {
			return true
		}
		// Moves without a character.
		if i < n && pt[i].star {
			push(i+1, j, c)
		}
		if j < m && ft[j].class != 0 && c == 1 {
			push(i, j+1, 0)
		}
		if i == n || j == m {
			continue
		}
		// Moves on one character, allowed by both sides.
		pk, fk := pt[i], ft[j]
		literal := !pk.any && !pk.star
		if literal && fk.class == 0 && pk.lit != fk.lit {
			continue
		}
		if literal && fk.class != 0 && !fk.allows(pk.lit) {
			continue
		}
		ni := i + 1
		if pk.star {
			ni = i
		}
		if fk.class != 0 {
			push(ni, j, 1)
		} else {
			push(ni, j+1, 0)
		}
	}
	return false
}

// token is one element of an ARN format: a literal byte, or a placeholder
// of class noColon, noSlash or anyText that matches one or more bytes.
type token struct {
	lit   byte
	class uint8
}

const (
	noColon = iota + 1
	noSlash
	anyText
)

func (t token) allows(c byte) bool {
	switch t.class {
	case noColon:
		return c != ':'
	case noSlash:
		return c != '/' && c != ':'
	}
	return true
}

func tokenize(format string, out []token) []token {
	for i := 0; i < len(format); i++ {
		if format[i] == '$' && i+1 < len(format) && format[i+1] == '{' {
			end := strings.IndexByte(format[i:], '}')
			if end > 0 {
				out = append(out, token{class: placeholderClass(format[i+2 : i+end])})
				i += end
				continue
			}
		}
		out = append(out, token{lit: format[i]})
	}
	return out
}

func placeholderClass(name string) uint8 {
	switch {
	case name == "Partition" || name == "Region" || name == "Account":
		return noColon
	case name == "ObjectName" || strings.HasSuffix(name, "WithPath") || strings.HasSuffix(name, "ProviderName"):
		return anyText
	}
	return noSlash
}

// ptoken is one element of a Resource pattern: a literal byte, ? (any one
// byte) or * (any run of bytes; also a policy variable).
type ptoken struct {
	lit       byte // the literal byte, unless any or star
	any, star bool
}

func ptokens(p string, out []ptoken) []ptoken {
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*':
			out = append(out, ptoken{star: true})
		case c == '?':
			out = append(out, ptoken{any: true})
		case c == '$' && i+1 < len(p) && p[i+1] == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				out = append(out, ptoken{lit: c})
				continue
			}
			out = append(out, ptoken{star: true})
			i += end
		default:
			out = append(out, ptoken{lit: c})
		}
	}
	return out
}
