// Package changelog records the recent changes of a store, so that an
// authorizer can tell whether what it derived is still valid.
package changelog

// Log is the recent changes of a store, for principal.ChangeTracker. It
// is not safe for concurrent use: its store guards it. The zero Log is
// empty and ready to use.
type Log struct {
	entries []change // oldest first
	floor   uint64   // every change after floor is in entries
}

// change is one key changed at generation gen; key "" means everything.
type change struct {
	gen uint64
	key string
}

// maxChangeLog bounds a Log: older changes are forgotten (and an
// Authorizer rebuilds what was derived before them).
const maxChangeLog = 4096

// Add records that key changed at generation gen.
func (l *Log) Add(gen uint64, key string) {
	if len(l.entries) >= maxChangeLog {
		half := len(l.entries) / 2
		l.floor = l.entries[half-1].gen
		l.entries = append(l.entries[:0:0], l.entries[half:]...)
	}
	l.entries = append(l.entries, change{gen: gen, key: key})
}

// Changed implements principal.ChangeTracker.Changed over the log: it
// reports whether a change after generation since touched a key in deps,
// or may have (the log no longer reaches back to since).
func (l *Log) Changed(since uint64, deps map[string]bool) bool {
	if since < l.floor {
		return true
	}
	for i := len(l.entries) - 1; i >= 0 && l.entries[i].gen > since; i-- {
		if k := l.entries[i].key; k == "" || deps[k] {
			return true
		}
	}
	return false
}
