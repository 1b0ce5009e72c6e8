package types

import (
	"slices"
	"strings"
)

// Context holds the request context: condition keys (compared
// case-insensitively) with zero or more string values each. A key present with
// no values is different from an absent key (see the Null operator).
//
// The zero Context is empty and ready to use. Setting a key with a single value
// does not allocate once the Context has capacity for it; reuse a Context with
// [Context.Reset] to build requests without allocating. A Context must not be
// modified while a [github.com/astran-oss/astran-go/policy.Set] evaluates a
// request that uses it; evaluation itself only reads it.
type Context struct {
	entries []ctxEntry
}

type ctxEntry struct {
	key  string
	one  [1]string // storage for a single value
	many []string  // values when there are not exactly one
	n    int       // number of values
}

func (e *ctxEntry) values() []string {
	if e.n == 1 {
		return e.one[:]
	}
	return e.many
}

// ContextFromMap returns a Context holding a copy of m.
func ContextFromMap(m map[string][]string) Context {
	var c Context
	c.entries = make([]ctxEntry, 0, len(m))
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		c.Set(k, m[k]...)
	}
	return c
}

func (c *Context) find(key string) int {
	// Policies mostly spell keys as requests do: look for the exact key
	// first. Set keeps one entry per key (case-insensitively), so an exact
	// match is the only match.
	for i := range c.entries {
		if c.entries[i].key == key {
			return i
		}
	}
	for i := range c.entries {
		if k := c.entries[i].key; len(k) == len(key) && strings.EqualFold(k, key) {
			return i
		}
	}
	return -1
}

// Set sets key to the given values, replacing any values it had (the key
// is matched case-insensitively). Set(key) with no values makes the key
// present with an empty list of values. The values are copied.
func (c *Context) Set(key string, values ...string) {
	i := c.find(key)
	if i < 0 {
		c.entries = append(c.entries, ctxEntry{})
		i = len(c.entries) - 1
	}
	e := &c.entries[i]
	e.key = key
	e.n = len(values)
	if len(values) == 1 {
		e.one[0] = values[0]
		e.many = nil
		return
	}
	e.one[0] = ""
	e.many = append(make([]string, 0, len(values)), values...)
}

// Add appends values to key's values, creating the key if needed.
func (c *Context) Add(key string, values ...string) {
	i := c.find(key)
	if i < 0 {
		c.Set(key, values...)
		return
	}
	e := &c.entries[i]
	all := append(append(make([]string, 0, e.n+len(values)), e.values()...), values...)
	c.Set(e.key, all...)
}

// Get returns the values of key (matched case-insensitively) and whether it
// is present. The returned slice must not be modified.
func (c *Context) Get(key string) ([]string, bool) {
	i := c.find(key)
	if i < 0 {
		return nil, false
	}
	return c.entries[i].values(), true
}

// Delete removes key (matched case-insensitively).
func (c *Context) Delete(key string) {
	if i := c.find(key); i >= 0 {
		c.entries = slices.Delete(c.entries, i, i+1)
	}
}

// Reset removes every key, keeping the allocated capacity.
func (c *Context) Reset() {
	clear(c.entries)
	c.entries = c.entries[:0]
}

// Keys returns the keys, as first set, in the order they were first set.
func (c Context) Keys() []string {
	out := make([]string, len(c.entries))
	for i := range c.entries {
		out[i] = c.entries[i].key
	}
	return out
}

// Len returns the number of keys.
func (c Context) Len() int { return len(c.entries) }

// Clone returns a deep copy of c.
func (c Context) Clone() Context {
	var out Context
	if c.entries == nil {
		return out
	}
	out.entries = make([]ctxEntry, len(c.entries))
	for i := range c.entries {
		out.entries[i] = c.entries[i]
		if c.entries[i].many != nil {
			out.entries[i].many = slices.Clone(c.entries[i].many)
		}
	}
	return out
}

// Map returns the context as a map from key (as set) to a copy of its values.
func (c Context) Map() map[string][]string {
	m := make(map[string][]string, len(c.entries))
	for i := range c.entries {
		m[c.entries[i].key] = slices.Clone(c.entries[i].values())
	}
	return m
}
