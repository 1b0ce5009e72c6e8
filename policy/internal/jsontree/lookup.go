package jsontree

import (
	"iter"
	"strconv"
	"strings"
)

// Helpers over parsed trees for package policy's decoder and error positions.

// DupKey reports whether member i of object n repeats an earlier key.
func (n *Node) DupKey(i int) bool {
	k := n.Kids[2*i].Str
	for j := 0; j < i; j++ {
		if n.Kids[2*j].Str == k {
			return true
		}
	}
	return false
}

// UniqueMembers yields the members of object n but the repeats of a key
// given twice (see DupKey).
func (n *Node) UniqueMembers() iter.Seq[Member] {
	return func(yield func(Member) bool) {
		for i := range n.NumMembers() {
			if !n.DupKey(i) && !yield(n.Member(i)) {
				return
			}
		}
	}
}

// IsScalar reports whether n is a string, a boolean or a number.
func (n *Node) IsScalar() bool {
	return n.Kind == String || n.Kind == Bool || n.Kind == Number
}

// Locate returns the offset of the node a path such as
// Statement[0].Condition["String Equals"].k names (package policy's error
// paths: keys that are not identifiers are strconv.Quote'd), or of the
// deepest node found along it. A scalar counts as a one-element array.
func (n *Node) Locate(p string) int {
	off := int(n.Off)
	for p != "" {
		switch {
		case p[0] == '.':
			p = p[1:]
		case strings.HasPrefix(p, `["`):
			// ["key"]: find the closing quote (keys are strconv.Quote'd).
			end := -1
			for i := 2; i < len(p); i++ {
				if p[i] == '\\' {
					i++
					continue
				}
				if p[i] == '"' {
					end = i
					break
				}
			}
			if end < 0 || end+1 >= len(p) || p[end+1] != ']' {
				return off
			}
			key, err := strconv.Unquote(p[1 : end+1])
			if err != nil {
				return off
			}
			p = p[end+2:]
			m := n.Lookup(key)
			if m == nil {
				return off
			}
			n, off = m.Value, int(m.Value.Off)
		case p[0] == '[':
			end := strings.IndexByte(p, ']')
			if end < 0 {
				return off
			}
			i, err := strconv.Atoi(p[1:end])
			if err != nil {
				return off
			}
			p = p[end+1:]
			switch {
			case n.Kind == Array && i < len(n.Kids):
				n = &n.Kids[i]
				off = int(n.Off)
			case n.Kind != Array && i == 0:
			default:
				return off
			}
		default:
			end := strings.IndexAny(p, ".[")
			if end < 0 {
				end = len(p)
			}
			key := p[:end]
			p = p[end:]
			m := n.Lookup(key)
			if m == nil {
				return off
			}
			n, off = m.Value, int(m.Value.Off)
		}
	}
	return off
}

// Lookup returns the first member of object n with the given key, or nil.
func (n *Node) Lookup(key string) *Member {
	if n.Kind != Object {
		return nil
	}
	for i := 0; i < n.NumMembers(); i++ {
		if m := n.Member(i); m.Key == key {
			return &m
		}
	}
	return nil
}

// CountSize counts the characters of data that are not whitespace outside
// strings (IAM's measure of a policy's size), stopping as soon as the count exceeds limit.
func CountSize(data []byte, limit int) (n int, over bool) {
	inStr, esc := false, false
	for _, c := range data {
		if c&0xC0 == 0x80 { // UTF-8 continuation byte
			continue
		}
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		} else {
			switch c {
			case ' ', '\t', '\n', '\r':
				continue
			case '"':
				inStr = true
			}
		}
		n++
		if n > limit {
			return n, true
		}
	}
	return n, false
}
