package layers

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
)

const module = "github.com/astran-oss/astran-go"

// layer is where each package of the module stands (doc/architecture.md):
// a package imports only packages of a lower layer. A new package must be
// given a layer here (and in the document) before its tests pass.
var layer = map[string]int{
	// 0: leaves, importing nothing of ours.
	"catalog": 0, "catalog/internal/gen": 0, "endpoint": 0,
	"internal/awsconfig": 0, "internal/changelog": 0, "internal/glob": 0,
	"internal/interop": 0, "internal/leakcheck": 0, "internal/motoserver": 0,
	"internal/readme": 0, "internal/layers": 0,
	"policy/internal/jsontree": 0, "policy/internal/cond": 0, "policy/internal/jsonpath": 0, "sts/internal/retry": 0,
	"emulator/internal/oidc": 0, "emulator/internal/sigv4": 0,
	// 1-3: the model.
	"arn": 1, "policy/internal/diff": 1, "policy/internal/tmpl": 1, "policy/types": 1,
	"policy/internal/eval": 2, "policy": 3,
	// 4: what Astran publishes, checks on documents, logging in.
	"builtin": 4, "lint": 4, "sts": 4,
	// 5: IAM as a client and as an authorizer.
	"iamclient": 5, "principal": 5, "lint/linttest": 5, "emulator/internal/emu": 5,
	// 6: built on those.
	"principal/iamstore": 6, "principal/principaltest": 6, "iamclient/iamclienttest": 6,
	"access": 6, "emulator/internal/engine": 6,
	// 7: the emulator.
	"emulator": 7,
	// 8: programs and the test wrapper.
	"astrantest": 8, "cmd/astran": 8,
	"examples/credentials": 8, "examples/cross-account": 8, "examples/service-authz": 8, "examples/tutorial": 8,
}

type pkg struct {
	path    string   // relative to the module, "" for its root
	imports []string // of this module, relative
	deps    []string // all, full paths
}

var (
	loadOnce sync.Once
	loaded   map[string]pkg
	loadErr  error
)

// packages lists the module's packages (not their tests) with go list.
func packages(t *testing.T) map[string]pkg {
	t.Helper()
	loadOnce.Do(func() {
		gobin, err := exec.LookPath("go")
		if err != nil {
			loadErr = fmt.Errorf("the go command is needed to list imports: %w", err)
			return
		}
		cmd := exec.Command(gobin, "list", "-f", "{{.ImportPath}}\t{{join .Imports \" \"}}\t{{join .Deps \" \"}}", module+"/...")
		cmd.Dir = "../.."
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			loadErr = fmt.Errorf("go list: %w: %s", err, stderr.String())
			return
		}
		loaded = map[string]pkg{}
		for line := range strings.Lines(string(out)) {
			f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
			if len(f) != 3 {
				loadErr = fmt.Errorf("go list: unexpected line %q", line)
				return
			}
			p := pkg{path: rel(f[0]), deps: strings.Fields(f[2])}
			for _, imp := range strings.Fields(f[1]) {
				if r, ok := ours(imp); ok {
					p.imports = append(p.imports, r)
				}
			}
			loaded[p.path] = p
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loaded
}

func ours(path string) (string, bool) {
	if path == module || strings.HasPrefix(path, module+"/") {
		return rel(path), true
	}
	return "", false
}

func rel(path string) string {
	return strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
}

func TestLayers_everyPackagePlaced(t *testing.T) {
	for path := range packages(t) {
		if _, ok := layer[path]; !ok {
			t.Errorf("package %q has no layer: add it to layer and to doc/architecture.md", path)
		}
	}
	for path := range layer {
		if _, ok := packages(t)[path]; !ok {
			t.Errorf("layer lists %q, which is not a package of the module", path)
		}
	}
}

// TestLayers_documented keeps doc/architecture.md's table in step with
// layer: every package is named there (examples as `examples/*`).
func TestLayers_documented(t *testing.T) {
	doc, err := os.ReadFile("../../doc/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	for path := range layer {
		name := "`" + path + "`"
		if strings.HasPrefix(path, "examples/") {
			name = "`examples/*`"
		}
		if !bytes.Contains(doc, []byte(name)) {
			t.Errorf("doc/architecture.md does not name %s", name)
		}
	}
}

func TestLayers_noUpwardImports(t *testing.T) {
	for path, p := range packages(t) {
		for _, imp := range p.imports {
			if layer[imp] >= layer[path] {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports go to a lower layer only", path, layer[path], imp, layer[imp])
			}
		}
	}
}

// TestLayers_forbidden checks the rules doc/architecture.md names under
// "What never imports what".
func TestLayers_forbidden(t *testing.T) {
	pkgs := packages(t)
	depRules := []struct {
		pkg, why string
		bad      func(dep string) bool
	}{
		{"cmd/astran", "the CLI must not link package testing", func(d string) bool { return d == "testing" }},
		{"emulator", "the emulator is a product, not a test helper", func(d string) bool { return d == "testing" }},
		{"principal", "principal needs no AWS service client", isAWSService},
		{"policy", "policy needs no AWS service client", isAWSService},
		{"builtin", "builtin needs no AWS service client", isAWSService},
		{"lint", "lint needs no AWS service client", isAWSService},
		{"arn", "arn needs no AWS service client", isAWSService},
		{"policy", "the model talks to no network", func(d string) bool { return d == "net/http" }},
		{"arn", "the model talks to no network", func(d string) bool { return d == "net/http" }},
	}
	for _, r := range depRules {
		for _, d := range pkgs[r.pkg].deps {
			if r.bad(d) {
				t.Errorf("go list -deps ./%s contains %s: %s", r.pkg, d, r.why)
			}
		}
	}

	importRules := []struct {
		pkg     string
		allowed []string // of our packages; a trailing "/" allows a subtree
	}{
		{"arn", []string{"internal/glob"}},
		{"policy", []string{"arn", "internal/glob", "policy/internal/", "policy/types"}},
		{"policy/types", []string{"policy/internal/"}},
		{"builtin", []string{"arn", "policy"}},
		{"principal", []string{"arn", "builtin", "policy", "internal/changelog"}},
		{"sts", []string{"arn", "endpoint", "sts/internal/"}},
	}
	for _, r := range importRules {
		for _, imp := range pkgs[r.pkg].imports {
			if !slices.ContainsFunc(r.allowed, func(a string) bool {
				return imp == a || strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a)
			}) {
				t.Errorf("%s imports %s; it may import only %v of this module", r.pkg, imp, r.allowed)
			}
		}
	}

	// Only programs and the test wrapper import the emulator; test helper
	// packages (they import testing) are imported by no product package.
	testHelpers := []string{"astrantest", "principal/principaltest", "iamclient/iamclienttest",
		"lint/linttest", "internal/leakcheck", "internal/motoserver", "internal/interop", "internal/readme"}
	for path, p := range pkgs {
		for _, imp := range p.imports {
			if imp == "emulator" && layer[path] != 8 {
				t.Errorf("%s imports emulator: only astrantest, cmd/astran and examples may", path)
			}
			if slices.Contains(testHelpers, imp) && !slices.Contains(testHelpers, path) {
				t.Errorf("%s imports the test helper package %s", path, imp)
			}
		}
	}
}

func isAWSService(dep string) bool {
	return strings.HasPrefix(dep, "github.com/aws/aws-sdk-go-v2/service/")
}
