package changelog

import "testing"

func TestLog_Changed(t *testing.T) {
	var l Log
	l.Add(1, "a")
	l.Add(2, "b")
	l.Add(3, "")
	l.Add(4, "c")
	deps := map[string]bool{"a": true, "c": true}
	tests := map[string]struct {
		since uint64
		deps  map[string]bool
		want  bool
	}{
		"nothing after":          {4, deps, false},
		"a dependency after":     {3, deps, true},
		"an unrelated key":       {3, map[string]bool{"b": true}, false},
		"everything changed":     {2, map[string]bool{"b": true}, true},
		"before the first":       {0, map[string]bool{"a": true}, true},
		"no dependencies at all": {3, nil, false},
	}
	for name, tc := range tests {
		if got := l.Changed(tc.since, tc.deps); got != tc.want {
			t.Errorf("%s: Changed(%d) = %v, want %v", name, tc.since, got, tc.want)
		}
	}
}

func TestLog_forgets(t *testing.T) {
	var l Log
	for g := uint64(1); g <= maxChangeLog+10; g++ {
		l.Add(g, "x")
	}
	if len(l.entries) > maxChangeLog {
		t.Fatalf("%d entries, want at most %d", len(l.entries), maxChangeLog)
	}
	if !l.Changed(1, map[string]bool{"y": true}) {
		t.Error("a generation older than the log must count as changed")
	}
	if l.Changed(maxChangeLog+9, map[string]bool{"y": true}) {
		t.Error("recent changes of other keys must not count")
	}
}
