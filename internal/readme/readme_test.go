// Package readme checks that every Go code block in the repository's README
// is a copy of (part of) a runnable Example function, so the README never
// shows code that does not compile or no longer runs.
package readme

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// normalize trims every line and drops empty ones, so that indentation
// (README blocks are dedented copies of function bodies) does not matter.
func normalize(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// exampleBodies returns the normalized lines of every Example function in
// the repository's test files.
func exampleBodies(t *testing.T, root string) map[string][]string {
	t.Helper()
	bodies := map[string][]string{}
	start := regexp.MustCompile(`^func (Example\w*)\(\) \{$`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "bench" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i++ {
			m := start.FindStringSubmatch(lines[i])
			if m == nil {
				continue
			}
			j := i + 1
			for j < len(lines) && lines[j] != "}" {
				j++
			}
			bodies[path+":"+m[1]] = normalize(strings.Join(lines[i+1:j], "\n"))
			i = j
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return bodies
}

func contains(hay, needle []string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		match := true
		for j := range needle {
			if hay[i+j] != needle[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func TestREADMEGoBlocksAreExamples(t *testing.T) {
	root := filepath.Join("..", "..")
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("README.md has no Go code blocks")
	}
	bodies := exampleBodies(t, root)
	if len(bodies) == 0 {
		t.Fatal("found no Example functions")
	}
	for i, b := range blocks {
		want := normalize(b[1])
		found := ""
		for name, body := range bodies {
			if contains(body, want) {
				found = name
				break
			}
		}
		if found == "" {
			t.Errorf("README Go block %d (starting %q) is not a contiguous part of any Example function; copy it from one", i+1, want[0])
		}
	}
}
