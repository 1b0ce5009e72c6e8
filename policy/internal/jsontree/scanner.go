package jsontree

// Scanner reads one JSON value token by token, for a decoder that knows the
// shape it expects: it builds no tree and allocates nothing but one string
// copy of the input. It checks exactly the syntax [Parse] checks, but its
// methods only report success: on any failure (a syntax error, or a token
// the caller did not expect) the caller gives up and calls [Parse] for the
// error details. Nesting depth is the caller's to bound.
//
// The zero Scanner is empty; [Scanner.Reset] starts it on an input.
type Scanner struct {
	p parser
}

// Reset starts scanning data. Decoded strings are substrings of one copy
// of data (or, if they contain escapes, fresh strings), so they stay valid
// when data changes.
func (s *Scanner) Reset(data []byte) {
	s.p = parser{data: data, src: string(data)}
}

// OK reports whether no syntax error has been found so far.
func (s *Scanner) OK() bool { return s.p.err == nil }

// Peek skips whitespace and returns the next byte, or 0 at the end of the
// input.
func (s *Scanner) Peek() byte {
	s.p.ws()
	if s.p.i < len(s.p.data) {
		return s.p.data[s.p.i]
	}
	return 0
}

// Consume skips whitespace and, if the next byte is c, consumes it and
// returns true.
func (s *Scanner) Consume(c byte) bool {
	s.p.ws()
	if s.p.i < len(s.p.data) && s.p.data[s.p.i] == c {
		s.p.i++
		return true
	}
	return false
}

// Str skips whitespace and reads a string; ok is false if the next token
// is not a valid string.
func (s *Scanner) Str() (str string, ok bool) {
	if s.Peek() != '"' {
		return "", false
	}
	str = s.p.str()
	return str, s.p.err == nil
}

// Scalar skips whitespace and reads a string, number or boolean, with the
// text a [Node] of that kind holds in Str; ok is false for anything else.
func (s *Scanner) Scalar() (str string, ok bool) {
	var n Node
	switch c := s.Peek(); {
	case c == '"':
		return s.Str()
	case c == 't':
		n = s.p.lit("true", Node{Kind: Bool, Str: "true"})
	case c == 'f':
		n = s.p.lit("false", Node{Kind: Bool, Str: "false"})
	case c == '-' || ('0' <= c && c <= '9'):
		n = s.p.number()
	default:
		return "", false
	}
	return n.Str, s.p.err == nil
}

// End skips whitespace and reports whether the whole input has been read
// without error.
func (s *Scanner) End() bool {
	s.p.ws()
	return s.p.err == nil && s.p.i == len(s.p.data)
}
