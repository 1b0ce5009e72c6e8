// Package jsontree is a small strict JSON parser for package policy. It keeps
// every object member in order (so duplicate keys can be reported), records
// the byte offset of every value, limits nesting depth, and reports syntax
// errors with their offset. It never panics on any input.
package jsontree

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of a [Node].
type Kind uint8

// The JSON kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Object
	Array
)

// String returns the JSON name of the kind, as used in error messages.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Object:
		return "object"
	case Array:
		return "array"
	}
	return "invalid"
}

// Node is one JSON value. Nodes are kept small (48 bytes): an object's
// members are stored as alternating key and value nodes in Kids.
type Node struct {
	Kind Kind   // the JSON type
	Off  int32  // byte offset of the value in the input
	Str  string // String: the decoded text; Number: the literal; Bool: "true"/"false"
	// Kids are an array's elements, or an object's members as key (a String
	// node) and value pairs, in input order.
	Kids []Node
}

// Member is a view of one object member.
type Member struct {
	Key    string // the decoded key
	KeyOff int    // byte offset of the key in the input
	Value  *Node  // the value
}

// NumMembers returns the number of members of an object.
func (n *Node) NumMembers() int { return len(n.Kids) / 2 }

// Member returns member i of an object.
func (n *Node) Member(i int) Member {
	k := &n.Kids[2*i]
	return Member{Key: k.Str, KeyOff: int(k.Off), Value: &n.Kids[2*i+1]}
}

// MaxInput is the largest input Parse accepts (offsets are 32-bit).
const MaxInput = 1<<31 - 1

// SyntaxError is a JSON syntax error at byte offset Off.
type SyntaxError struct {
	Off int    // byte offset of the error
	Msg string // description
}

// Error returns the message with the offset.
func (e *SyntaxError) Error() string { return e.Msg + " at offset " + strconv.Itoa(e.Off) }

// ErrDepth is the message of a SyntaxError for too deep nesting.
const ErrDepth = "nesting too deep"

type parser struct {
	data     []byte
	src      string // data as one string: unescaped strings are substrings of it
	i        int
	maxDepth int
	err      *SyntaxError
	// Scratch stacks: members and elements of the open containers are
	// collected here and copied into exactly sized slices when the
	// container closes, so each container costs one allocation.
	kids []Node
}

// Parse parses data as exactly one JSON value (surrounded by optional
// whitespace). Nesting deeper than maxDepth is an error.
func Parse(data []byte, maxDepth int) (Node, error) {
	if len(data) > MaxInput {
		return Node{}, &SyntaxError{Off: 0, Msg: "input too large"}
	}
	p := parser{data: data, src: string(data), maxDepth: maxDepth, kids: make([]Node, 0, 64)}
	p.ws()
	n := p.value(0)
	if p.err == nil {
		p.ws()
		if p.i < len(p.data) {
			p.unexpected("after top-level value")
		}
	}
	if p.err != nil {
		return Node{}, p.err
	}
	return n, nil
}

// LineCol converts a byte offset to a 1-based line and column (in
// characters).
func LineCol(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	line, col = 1, 1
	for i := 0; i < off; {
		if data[i] == '\n' {
			line++
			col = 1
			i++
			continue
		}
		_, n := utf8.DecodeRune(data[i:])
		i += n
		col++
	}
	return line, col
}

func quoteByte(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return "0x" + strconv.FormatUint(uint64(c), 16)
}

func (p *parser) fail(msg string) {
	if p.err == nil {
		p.err = &SyntaxError{Off: p.i, Msg: msg}
	}
}

func (p *parser) ws() {
	// A plain loop: it beats skipping spaces eight at a time on the short
	// runs of indentation policies have.
	d, i := p.data, p.i
	for i < len(d) {
		c := d[i]
		if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			break
		}
		i++
	}
	p.i = i
}

func (p *parser) value(depth int) Node {
	if p.i >= len(p.data) {
		p.fail("unexpected end of JSON input")
		return Node{}
	}
	off := p.i
	switch c := p.data[p.i]; {
	case c == '{':
		if depth >= p.maxDepth {
			p.fail(ErrDepth)
			return Node{}
		}
		return p.object(depth + 1)
	case c == '[':
		if depth >= p.maxDepth {
			p.fail(ErrDepth)
			return Node{}
		}
		return p.array(depth + 1)
	case c == '"':
		s := p.str()
		return Node{Kind: String, Off: int32(off), Str: s}
	case c == 't':
		return p.lit("true", Node{Kind: Bool, Off: int32(off), Str: "true"})
	case c == 'f':
		return p.lit("false", Node{Kind: Bool, Off: int32(off), Str: "false"})
	case c == 'n':
		return p.lit("null", Node{Kind: Null, Off: int32(off)})
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	default:
		p.fail("invalid character " + quoteByte(c) + " looking for beginning of value")
		return Node{}
	}
}

func (p *parser) lit(word string, n Node) Node {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		p.fail("invalid literal")
		return Node{}
	}
	p.i += len(word)
	return n
}

func (p *parser) number() Node {
	start := p.i
	d := p.data
	if p.i < len(d) && d[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(d) && d[p.i] == '0':
		p.i++
	case p.i < len(d) && '1' <= d[p.i] && d[p.i] <= '9':
		p.digits()
	default:
		p.fail("invalid number")
		return Node{}
	}
	if p.i < len(d) && d[p.i] == '.' {
		p.i++
		if !p.digits() {
			p.fail("invalid number")
			return Node{}
		}
	}
	if p.i < len(d) && (d[p.i] == 'e' || d[p.i] == 'E') {
		p.i++
		if p.i < len(d) && (d[p.i] == '+' || d[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			p.fail("invalid number")
			return Node{}
		}
	}
	return Node{Kind: Number, Off: int32(start), Str: p.src[start:p.i]}
}

// digits reads a run of decimal digits and reports whether there was one.
func (p *parser) digits() bool {
	start := p.i
	for p.i < len(p.data) && '0' <= p.data[p.i] && p.data[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

func (p *parser) object(depth int) Node {
	n := Node{Kind: Object, Off: int32(p.i)}
	p.i++ // {
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return n
	}
	base := len(p.kids)
	defer func() { p.kids = p.kids[:base] }()
	for p.err == nil {
		p.ws()
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			p.unexpected("looking for beginning of object key string")
			break
		}
		koff := p.i
		k := p.str()
		p.ws()
		if p.err != nil {
			break
		}
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			p.fail("expected ':' after object key")
			break
		}
		p.i++
		p.ws()
		v := p.value(depth)
		p.kids = append(p.kids, Node{Kind: String, Off: int32(koff), Str: k}, v)
		if p.next('}', "after object key:value pair") {
			n.Kids = append([]Node(nil), p.kids[base:]...)
			return n
		}
	}
	return Node{}
}

// next reads what follows a member or an element, after whitespace: a
// comma, or the closing byte, for which it returns true. Anything else
// fails, as unexpected in context (such as "after array element"); after
// an earlier error next returns false.
func (p *parser) next(closing byte, context string) bool {
	p.ws()
	if p.err != nil {
		return false
	}
	if p.i < len(p.data) {
		switch p.data[p.i] {
		case ',':
			p.i++
			return false
		case closing:
			p.i++
			return true
		}
	}
	p.unexpected(context)
	return false
}

// unexpected fails at p.i: the end of the input, or a character that has
// no place there, in context (such as "after top-level value").
func (p *parser) unexpected(context string) {
	if p.i >= len(p.data) {
		p.fail("unexpected end of JSON input")
		return
	}
	p.fail("invalid character " + quoteByte(p.data[p.i]) + " " + context)
}

func (p *parser) array(depth int) Node {
	n := Node{Kind: Array, Off: int32(p.i)}
	p.i++ // [
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		n.Kids = []Node{}
		return n
	}
	base := len(p.kids)
	defer func() { p.kids = p.kids[:base] }()
	for p.err == nil {
		p.ws()
		p.kids = append(p.kids, p.value(depth))
		if p.next(']', "after array element") {
			n.Kids = append([]Node(nil), p.kids[base:]...)
			return n
		}
	}
	return Node{}
}

// plain marks the bytes a string holds as they are: printable ASCII but
// the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str parses a string starting at the opening quote.
func (p *parser) str() string {
	d := p.data
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes, ASCII or valid UTF-8.
	for p.i < len(d) {
		i := p.i
		for i < len(d) && plain[d[i]] {
			i++
		}
		if p.i = i; i >= len(d) {
			break
		}
		c := d[i]
		if c == '"' {
			s := p.src[start:p.i]
			p.i++
			return s
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			p.fail("invalid control character in string literal")
			return ""
		}
		if c < utf8.RuneSelf {
			p.i++
			continue
		}
		r, n := utf8.DecodeRune(d[p.i:])
		if r == utf8.RuneError && n == 1 {
			p.fail("invalid UTF-8 in string literal")
			return ""
		}
		p.i += n
	}
	if p.i >= len(d) {
		p.fail("unexpected end of JSON input in string literal")
		return ""
	}
	// Slow path with escapes.
	b := make([]byte, 0, p.i-start+16)
	b = append(b, d[start:p.i]...)
	for p.i < len(d) {
		c := d[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b)
		case c == '\\':
			p.i++
			if p.i >= len(d) {
				p.fail("unexpected end of JSON input in string escape")
				return ""
			}
			e := d[p.i]
			p.i++
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return ""
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if p.i+1 < len(d) && d[p.i] == '\\' && d[p.i+1] == 'u' {
						save := p.i
						p.i += 2
						x, ok := p.hex4()
						if !ok {
							return ""
						}
						if dec := utf16.DecodeRune(r, x); dec != utf8.RuneError {
							r2 = dec
						} else {
							p.i = save
						}
					}
					r = r2
				}
				b = utf8.AppendRune(b, r)
			default:
				p.i -= 2
				p.fail("invalid escape in string literal")
				return ""
			}
		case c < 0x20:
			p.fail("invalid control character in string literal")
			return ""
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.i++
		default:
			r, n := utf8.DecodeRune(d[p.i:])
			if r == utf8.RuneError && n == 1 {
				p.fail("invalid UTF-8 in string literal")
				return ""
			}
			b = append(b, d[p.i:p.i+n]...)
			p.i += n
		}
	}
	p.fail("unexpected end of JSON input in string literal")
	return ""
}

func (p *parser) hex4() (rune, bool) {
	if len(p.data)-p.i < 4 {
		p.fail("invalid \\u escape in string literal")
		return 0, false
	}
	var r rune
	for k := 0; k < 4; k++ {
		c := p.data[p.i+k]
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			p.fail("invalid \\u escape in string literal")
			return 0, false
		}
	}
	p.i += 4
	return r, true
}
