package awsconfig

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
)

func readFixture(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/config")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParse_lookups(t *testing.T) {
	f, err := Parse(readFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Sections(), []string{"default", "profile work", "profile bob", "services bob"}; !slices.Equal(got, want) {
		t.Errorf("Sections() = %q, want %q", got, want)
	}
	tests := []struct {
		section, key, want string
		ok                 bool
	}{
		{"default", "region", "eu-west-1", true},
		{"default", "OUTPUT", "json", true},
		{"profile work", "region", "us-east-2", true},
		{"profile work", "sso_start_url", "https://example.awsapps.com/start", true},
		{"profile work", "s3", "", true},
		{"profile bob", "credential_process", "astran credentials --profile bob", true},
		{"profile   bob", "astran_partition", "demo", true},
		{"profile bob", "region", "", false},
		{"profile nobody", "region", "", false},
	}
	for _, tc := range tests {
		if got, ok := f.Get(tc.section, tc.key); got != tc.want || ok != tc.ok {
			t.Errorf("Get(%q, %q) = %q, %v; want %q, %v", tc.section, tc.key, got, ok, tc.want, tc.ok)
		}
	}
	for _, tc := range []struct{ section, key, sub, want string }{
		{"profile work", "s3", "addressing_style", "path"},
		{"profile work", "s3", "max_concurrent_requests", "20"},
		{"services bob", "s3", "endpoint_url", "http://127.0.0.1:9002"},
		{"services bob", "iam", "endpoint_url", "http://127.0.0.1:9001"},
	} {
		if got, ok := f.GetNested(tc.section, tc.key, tc.sub); got != tc.want || !ok {
			t.Errorf("GetNested(%q, %q, %q) = %q, %v", tc.section, tc.key, tc.sub, got, ok)
		}
	}
	if got := f.Keys("profile bob"); !slices.Equal(got, []string{"astran_partition", "astran_username", "credential_process"}) {
		t.Errorf("Keys = %q", got)
	}
}

func TestParse_roundTrip(t *testing.T) {
	for _, in := range []string{"", "\n", "[a]", "[a]\nk = v", "# c\n\n[a]\r\nk=v\r\n", string(readFixture(t))} {
		f, err := Parse([]byte(in))
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if got := string(f.Bytes()); got != in {
			t.Errorf("Bytes() = %q, want the input %q", got, in)
		}
	}
}

func TestParse_errors(t *testing.T) {
	tests := []struct {
		in   string
		line int
		msg  string
	}{
		{"k = v\n", 1, `setting "k" comes before any [section]`},
		{"[a]\nnot a setting\n", 2, `"not a setting" is not a section header, a comment or a "key = value" setting`},
		{"[a]\n[b\n", 2, `section header "[b" is not [NAME]`},
		{"[a]\n[ ]\n", 2, "empty section name"},
		{"[a]\n[b]\n[ a ]\n", 3, "section [a] appears twice"},
		{"[a]\nk = 1\nK = 2\n", 3, `setting "k" appears twice in [a]`},
		{"[a]\ns3 =\n  nope\n", 3, `nested setting "nope" has no "="`},
		{"[a]\n= v\n", 2, `"= v" is not a section header, a comment or a "key = value" setting`},
	}
	for _, tc := range tests {
		_, err := Parse([]byte(tc.in))
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line != tc.line || se.Msg != tc.msg || !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v; want line %d: %s", tc.in, err, tc.line, tc.msg)
		}
	}
}

func TestSet_keepsTheRest(t *testing.T) {
	in := readFixture(t)
	f, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.Set("profile bob", "astran_username", "alice@astran.io"))
	must(f.Set("profile bob", "region", "us-east-1"))
	must(f.SetNested("services bob", "s3", "endpoint_url", "http://127.0.0.1:9999"))
	must(f.SetNested("services bob", "sts", "endpoint_url", "http://127.0.0.1:9000"))
	must(f.Set("profile new", "astran_partition", "demo"))
	if !f.Delete("default", "output") || f.Delete("default", "output") {
		t.Error("Delete")
	}
	want := strings.Replace(string(in), "output=json\n", "", 1)
	want = strings.Replace(want, "astran_username = bob@astran.io\ncredential_process = astran credentials --profile bob\n",
		"astran_username = alice@astran.io\ncredential_process = astran credentials --profile bob\nregion = us-east-1\n", 1)
	want = strings.Replace(want, "s3 =\n  endpoint_url = http://127.0.0.1:9002\niam =\n  endpoint_url = http://127.0.0.1:9001\n",
		"s3 =\n  endpoint_url = http://127.0.0.1:9999\niam =\n  endpoint_url = http://127.0.0.1:9001\nsts =\n  endpoint_url = http://127.0.0.1:9000\n", 1)
	want += "\n[profile new]\nastran_partition = demo\n"
	if got := string(f.Bytes()); got != want {
		t.Errorf("after the edits:\n%s\nwant:\n%s", got, want)
	}
	if _, err := Parse(f.Bytes()); err != nil {
		t.Errorf("edited file does not parse: %v", err)
	}
}

func TestSet_refusesStructure(t *testing.T) {
	f := &File{}
	for _, err := range []error{
		f.Set("profile x", "k", "v\n[default]"),
		f.Set("profile x", "k\n", "v"),
		f.Set("profile x", "k=v", "v"),
		f.Set("profile x]\n[y", "k", "v"),
		f.Set("", "k", "v"),
		f.Set("profile x", "#k", "v"),
		f.SetNested("profile x", "s3", "a\rb", "v"),
	} {
		if err == nil {
			t.Errorf("an edit that changes the file's structure was accepted: %s", f.Bytes())
		}
	}
	if len(f.Bytes()) != 0 {
		t.Errorf("refused edits wrote %q", f.Bytes())
	}
}

func TestProfileSection(t *testing.T) {
	if ProfileSection("default") != "default" || ProfileSection("bob") != "profile bob" {
		t.Error("ProfileSection")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(readFixture(f), "bob", "astran_username", "x@y")
	f.Add([]byte("[a]\ns3 =\n  k = v\n"), "a", "s3", "v")
	f.Add([]byte("[a]\r\nk: v\r\n  more\r\n"), "a", "k", "")
	f.Fuzz(func(t *testing.T, data []byte, section, key, value string) {
		cf, err := Parse(data)
		if err != nil {
			return
		}
		if got := cf.Bytes(); string(got) != string(data) {
			t.Fatalf("round trip changed the file:\n%q\n%q", data, got)
		}
		before := map[[2]string]string{}
		for _, s := range cf.Sections() {
			for _, k := range cf.Keys(s) {
				v, _ := cf.Get(s, k)
				before[[2]string{s, k}] = v
			}
		}
		if err := cf.Set(section, key, value); err != nil {
			return
		}
		again, err := Parse(cf.Bytes())
		if err != nil {
			t.Fatalf("edited file does not parse: %v\n%q", err, cf.Bytes())
		}
		if got, ok := again.Get(section, key); !ok || got != strings.TrimSpace(value) {
			t.Fatalf("Get after Set = %q, %v; want %q", got, ok, value)
		}
		for sk, v := range before {
			if normalizeName(sk[0]) == normalizeName(section) && sk[1] == strings.ToLower(key) {
				continue
			}
			if got, ok := again.Get(sk[0], sk[1]); !ok || got != v {
				t.Fatalf("Set(%q, %q) changed [%s] %s from %q to %q", section, key, sk[0], sk[1], v, got)
			}
		}
	})
}
