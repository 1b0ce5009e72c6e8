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
	format := r.data().arn
	// Most patterns name the first five segments literally: compare those
	// segment by segment, and match only the resource segments.
	for seg := 0; seg < 5; seg++ {
		pc, fc := strings.IndexByte(p, ':'), strings.IndexByte(format, ':')
		if pc < 0 || fc < 0 || strings.ContainsAny(p[:pc], "*?$") {
			return mayMatch(p, format)
		}
		if !mayMatch(p[:pc], format[:fc]) {
			return false
		}
		p, format = p[pc+1:], format[fc+1:]
	}
	return mayMatch(p, format)
}

// mayMatch reports whether the pattern p and the format have a string in
// common, exploring the pairs of positions in both.
func mayMatch(p, format string) bool {
	if !strings.ContainsAny(p, "*?$") {
		if !strings.Contains(format, "${") {
			return p == format
		}
		if strings.HasPrefix(format, "${") && strings.IndexByte(format, '}') == len(format)-1 {
			// One placeholder: p must be text of its class.
			t := token{class: placeholderClass(format[2 : len(format)-1])}
			for i := 0; i < len(p); i++ {
				if !t.allows(p[i]) {
					return false
				}
			}
			return p != ""
		}
	}
	var f [24]token
	ft := tokenize(format, f[:0])
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
	idx := func(i, j, c int) int { return ((i*(m+1))+j)*2 + c }
	push := func(i, j, c int) {
		s := idx(i, j, c)
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
		if pk.lit != 0 && fk.class == 0 && pk.lit != fk.lit {
			continue
		}
		if pk.lit != 0 && fk.class != 0 && !fk.allows(pk.lit) {
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
	lit  byte // 0 for ? and *
	star bool
}

func ptokens(p string, out []ptoken) []ptoken {
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '*':
			out = append(out, ptoken{star: true})
		case c == '?':
			out = append(out, ptoken{})
		case c == '$' && i+1 < len(p) && p[i+1] == '{':
			end := strings.IndexByte(p[i:], '}')
			if end < 0 {
				out = append(out, ptoken{lit: c})
				continue
			}
			out = append(out, ptoken{star: true})
			i += end
		case c == 0:
			out = append(out, ptoken{}) // a NUL byte: any one byte is as good
		default:
			out = append(out, ptoken{lit: c})
		}
	}
	return out
}
