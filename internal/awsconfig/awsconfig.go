// Package awsconfig reads and edits the shared AWS config file
// (~/.aws/config) in the dialect the aws CLI and the AWS SDKs read: INI
// sections such as [default], [profile NAME] and [services NAME]; "key =
// value" (or "key: value") lines, keys case-insensitive; comment lines
// starting with # or ;; and nested settings, a key with an empty value
// followed by indented "subkey = value" lines:
//
//	[services bob]
//	s3 =
//	  endpoint_url = http://127.0.0.1:9000
//
// Edits keep every other line of the file byte for byte: comments,
// spacing, order and the sections the edit does not touch.
package awsconfig

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// ErrSyntax is wrapped by every *SyntaxError.
var ErrSyntax = errors.New("invalid config file syntax")

// SyntaxError reports a line that is not valid in a config file.
type SyntaxError struct {
	Line int    // 1-based
	Msg  string // what is wrong
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

// File is a parsed config file. The zero value is an empty file.
type File struct {
	preamble []string // lines before the first section
	sections []*section
	// noFinalNewline records that the input did not end with a newline.
	noFinalNewline bool
}

type section struct {
	header string // the raw header line; "" when added by an edit
	name   string // e.g. "profile bob", inner spaces normalised
	items  []*item
}

// item is one setting with its continuation lines, or a comment or blank
// line (key "").
type item struct {
	raw   []string // original lines; nil once edited
	key   string   // lower case
	value string   // the value of the key line, or the joined continuation lines of a plain value
	sub   []kv     // nested settings (value "" and indented lines)
}

type kv struct{ key, value string }

// Parse parses a config file.
func Parse(data []byte) (*File, error) {
	f := &File{}
	if len(data) == 0 {
		return f, nil
	}
	text := string(data)
	if !strings.HasSuffix(text, "\n") {
		f.noFinalNewline = true
	} else {
		text = text[:len(text)-1]
	}
	var (
		cur       *section
		last      *item // the setting continuation lines extend
		lastInd   int   // its indentation
		seen      = map[string]bool{}
		keysSeen  map[string]bool
		lineCount = 0
	)
	for line := range strings.SplitSeq(text, "\n") {
		lineCount++
		n := lineCount
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " \t"))
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			last = nil
			if cur == nil {
				f.preamble = append(f.preamble, line)
			} else {
				cur.items = append(cur.items, &item{raw: []string{line}})
			}
			continue
		case last != nil && indent > lastInd:
			last.raw = append(last.raw, line)
			if last.value == "" && (len(last.sub) > 0 || len(last.raw) == 2) {
				k, v, ok := splitSetting(trimmed)
				if !ok {
					return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("nested setting %q has no \"=\"", trimmed)}
				}
				last.sub = append(last.sub, kv{k, v})
			} else {
				last.value += "\n" + trimmed
			}
			continue
		}
		last = nil
		if trimmed[0] == '[' {
			if !strings.HasSuffix(trimmed, "]") || len(trimmed) < 3 {
				return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("section header %q is not [NAME]", trimmed)}
			}
			name := normalizeName(trimmed[1 : len(trimmed)-1])
			if name == "" {
				return nil, &SyntaxError{Line: n, Msg: "empty section name"}
			}
			if seen[name] {
				return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("section [%s] appears twice", name)}
			}
			seen[name] = true
			keysSeen = map[string]bool{}
			cur = &section{header: line, name: name}
			f.sections = append(f.sections, cur)
			continue
		}
		k, v, ok := splitSetting(trimmed)
		if !ok {
			return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("%q is not a section header, a comment or a \"key = value\" setting", trimmed)}
		}
		if cur == nil {
			return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("setting %q comes before any [section]", k)}
		}
		if keysSeen[k] {
			return nil, &SyntaxError{Line: n, Msg: fmt.Sprintf("setting %q appears twice in [%s]", k, cur.name)}
		}
		keysSeen[k] = true
		last = &item{raw: []string{line}, key: k, value: v}
		lastInd = indent
		cur.items = append(cur.items, last)
	}
	return f, nil
}

// splitSetting splits "key = value" (or "key: value") at the first
// delimiter; the key must not be empty.
func splitSetting(s string) (key, value string, ok bool) {
	i := strings.IndexAny(s, "=:")
	if i < 0 {
		return "", "", false
	}
	key = strings.ToLower(strings.TrimSpace(s[:i]))
	if key == "" {
		return "", "", false
	}
	return key, strings.TrimSpace(s[i+1:]), true
}

// normalizeName trims a section name and collapses its inner spaces, so
// that "[profile  bob ]" is "profile bob".
func normalizeName(s string) string { return strings.Join(strings.Fields(s), " ") }

// Bytes returns the file's text.
func (f *File) Bytes() []byte {
	var b bytes.Buffer
	lines := append([]string(nil), f.preamble...)
	for _, s := range f.sections {
		if s.header == "" {
			// A new section: separated from what precedes it.
			if len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) != "" {
				lines = append(lines, "")
			}
			lines = append(lines, "["+s.name+"]")
		} else {
			lines = append(lines, s.header)
		}
		for _, it := range s.items {
			lines = append(lines, it.lines()...)
		}
	}
	for i, l := range lines {
		b.WriteString(l)
		if i < len(lines)-1 || !f.noFinalNewline {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func (it *item) lines() []string {
	if it.raw != nil {
		return it.raw
	}
	if len(it.sub) == 0 {
		return []string{it.key + " = " + it.value}
	}
	out := []string{it.key + " ="}
	for _, s := range it.sub {
		out = append(out, "  "+s.key+" = "+s.value)
	}
	return out
}

// Sections returns the names of the sections in file order, e.g.
// "default", "profile bob", "services bob".
func (f *File) Sections() []string {
	names := make([]string, len(f.sections))
	for i, s := range f.sections {
		names[i] = s.name
	}
	return names
}

func (f *File) section(name string) *section {
	name = normalizeName(name)
	for _, s := range f.sections {
		if s.name == name {
			return s
		}
	}
	return nil
}

func (s *section) item(key string) *item {
	key = strings.ToLower(key)
	for _, it := range s.items {
		if it.key == key {
			return it
		}
	}
	return nil
}

// HasSection reports whether the file has a section of that name.
func (f *File) HasSection(name string) bool { return f.section(name) != nil }

// lookup returns the setting key of section, or nil.
func (f *File) lookup(sectionName, key string) *item {
	if s := f.section(sectionName); s != nil {
		return s.item(key)
	}
	return nil
}

// Get returns the value of key in section. A nested setting has the
// value "".
func (f *File) Get(sectionName, key string) (string, bool) {
	if it := f.lookup(sectionName, key); it != nil {
		return it.value, true
	}
	return "", false
}

// Keys returns the keys of section in file order.
func (f *File) Keys(sectionName string) []string {
	s := f.section(sectionName)
	if s == nil {
		return nil
	}
	var keys []string
	for _, it := range s.items {
		if it.key != "" {
			keys = append(keys, it.key)
		}
	}
	return keys
}

// GetNested returns the nested setting sub of key in section, e.g.
// GetNested("services bob", "s3", "endpoint_url").
func (f *File) GetNested(sectionName, key, sub string) (string, bool) {
	if it := f.lookup(sectionName, key); it != nil {
		sub = strings.ToLower(sub)
		for _, n := range it.sub {
			if n.key == sub {
				return n.value, true
			}
		}
	}
	return "", false
}

// checkText refuses what would change the file's structure if written:
// line breaks anywhere, delimiters in keys, brackets in section names.
func checkText(what, s string, forbidden string) error {
	if strings.ContainsAny(s, "\r\n") {
		return fmt.Errorf("awsconfig: %s %q contains a line break", what, s)
	}
	if forbidden != "" && strings.ContainsAny(s, forbidden) {
		return fmt.Errorf("awsconfig: %s %q contains one of %q", what, s, forbidden)
	}
	if what != "value" && strings.TrimSpace(s) == "" {
		return fmt.Errorf("awsconfig: empty %s", what)
	}
	if what == "key" && (s != strings.TrimSpace(s) || s[0] == '#' || s[0] == ';' || s[0] == '[') {
		return fmt.Errorf("awsconfig: invalid key %q", s)
	}
	return nil
}

// ensure returns the section, adding it at the end of the file.
func (f *File) ensure(name string) (*section, error) {
	if err := checkText("section name", name, "[]"); err != nil {
		return nil, err
	}
	if s := f.section(name); s != nil {
		return s, nil
	}
	s := &section{name: normalizeName(name)}
	f.sections = append(f.sections, s)
	return s, nil
}

// prepare checks the keys and the value of an edit and returns the
// section, adding it when missing.
func (f *File) prepare(sectionName, value string, keys ...string) (*section, error) {
	for _, k := range keys {
		if err := checkText("key", k, "=:"); err != nil {
			return nil, err
		}
	}
	if err := checkText("value", value, ""); err != nil {
		return nil, err
	}
	return f.ensure(sectionName)
}

// Set sets key to a one-line value in section, adding the section (at the
// end of the file) or the key (after the section's last setting) when
// missing. Other lines are kept as they are.
func (f *File) Set(sectionName, key, value string) error {
	s, err := f.prepare(sectionName, value, key)
	if err != nil {
		return err
	}
	value = strings.TrimSpace(value)
	if it := s.item(key); it != nil {
		*it = item{key: it.key, value: value}
		return nil
	}
	s.insert(&item{key: strings.ToLower(key), value: value})
	return nil
}

// SetNested sets the nested setting sub of key in section, turning a
// plain key into a nested one.
func (f *File) SetNested(sectionName, key, sub, value string) error {
	s, err := f.prepare(sectionName, value, key, sub)
	if err != nil {
		return err
	}
	value, sub = strings.TrimSpace(value), strings.ToLower(sub)
	it := s.item(key)
	if it == nil {
		it = &item{key: strings.ToLower(key)}
		s.insert(it)
	}
	nested := it.sub
	if it.value != "" {
		nested = nil // a plain value becomes nested
	}
	found := false
	for i := range nested {
		if nested[i].key == sub {
			nested[i].value, found = value, true
		}
	}
	if !found {
		nested = append(nested, kv{sub, value})
	}
	*it = item{key: it.key, sub: nested}
	return nil
}

// Delete removes key from section; it reports whether it was there.
func (f *File) Delete(sectionName, key string) bool {
	s := f.section(sectionName)
	if s == nil {
		return false
	}
	key = strings.ToLower(key)
	for i, it := range s.items {
		if it.key == key {
			s.items = append(s.items[:i], s.items[i+1:]...)
			return true
		}
	}
	return false
}

// insert adds it after the section's last setting, before trailing blank
// lines and comments (which usually introduce the next section).
func (s *section) insert(it *item) {
	i := len(s.items)
	for i > 0 && s.items[i-1].key == "" {
		i--
	}
	s.items = append(s.items, nil)
	copy(s.items[i+1:], s.items[i:])
	s.items[i] = it
}

// ProfileSection returns the section name of a profile: "default" for the
// default profile, else "profile NAME".
func ProfileSection(name string) string {
	if name == "default" {
		return "default"
	}
	return "profile " + name
}
