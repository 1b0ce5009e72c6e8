// Package readme checks that every Go code block in the repository's README
// is the whole body of the runnable Example function it names, so the README
// never shows code that does not compile, no longer runs or uses variables
// defined elsewhere.
package readme

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goBlock is a Go block with the line naming its Example above it:
//
//	From [arn/example_test.go](arn/example_test.go), `ExampleParse`:
//
//	```go
var goBlock = regexp.MustCompile("(?s)(?:^|\n)([^\n]*)\n+```go\n(.*?)```")

// source is the line naming a block's Example.
var source = regexp.MustCompile("^From \\[([\\w./-]+_test\\.go)\\]\\(([\\w./-]+_test\\.go)\\), `(Example\\w*)`:$")

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
		want := normalize(b[2])
		m := source.FindStringSubmatch(b[1])
		if m == nil || m[1] != m[2] {
			t.Errorf("README Go block %d (starting %q): the line above it is %q, want \"From [FILE](FILE), `ExampleName`:\"", i+1, want[0], b[1])
			continue
		}
		body, ok := bodies[filepath.Join(root, m[1])+":"+m[3]]
		if !ok {
			t.Errorf("README Go block %d: %s has no func %s()", i+1, m[1], m[3])
			continue
		}
		if strings.Join(body, "\n") != strings.Join(want, "\n") {
			t.Errorf("README Go block %d is not the whole body of %s in %s; copy it (dedented) from there", i+1, m[3], m[1])
		}
	}
}

func TestSourceLine(t *testing.T) {
	for line, ok := range map[string]bool{
		"From [arn/example_test.go](arn/example_test.go), `ExampleParse`:":   true,
		"From [arn/example_test.go](arn/example_test.go), `Example`:":        true,
		"From [arn/example.go](arn/example.go), `ExampleParse`:":             false,
		"From [arn/example_test.go](arn/example_test.go), `TestParse`:":      false,
		"Every Go block below is copied from a runnable `Example` function.": false,
	} {
		if got := source.MatchString(line); got != ok {
			t.Errorf("source.MatchString(%q) = %v", line, got)
		}
	}
}
