package types

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fastSeeds are documents for the differential tests of Parse's fast path:
// valid ones of every shape, and near misses the fast path must hand over
// to the slow path.
var fastSeeds = []string{
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
	`{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Deny","NotAction":["iam:*","s3:Get*"],"NotResource":["arn:a:s3:::b","arn:a:s3:::c/*"]}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["123","arn:a:iam::1:root"],"Federated":"arn:a:iam::1:oidc-provider/x","Service":["s"]},"Action":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"*","Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":[10,-1.5e3]},"Bool":{"aws:SecureTransport":true},"StringLike":{"s3:prefix":["a/${aws:username}/*",""]}}}]}`,
	"  {\n\t\"Version\" : \"2012-10-17\" ,\r\n \"Statement\" : [ { \"Effect\" : \"Allow\" , \"Action\" : [ \"s3:Get\\u002a\" ] , \"Resource\" : \"arn:a:s3:::\\u00e9\\ud83d\\ude00\" } ] } \n",
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:Put*","Resource":"*","Condition":{"Null":{"k":"false"}}}]}`,
	// Near misses.
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}x`,
	`{"Version":"2012-10-17","Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Action":"s3:*","Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[]}`,
	`{"Version":"2012-10-17","Statement":[{}]}`,
	`{}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{},"Action":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"x","Action":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"1","AWS":"2"},"Action":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"k":null}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"k":"true","k":"true"}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"k":"true"},"Bool":{}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Nope":{"k":"1"}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Foo":1}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*\u0001"}]}`,
	"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\xff\"}]}",
	`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"k":01}}}]}`,
	`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
}

// checkFast checks that Parse's fast path agrees with its slow path on
// data: it accepts exactly the documents the slow path accepts, and builds
// an equal Document for each.
func checkFast(t *testing.T, data []byte) {
	t.Helper()
	for _, dialect := range []Dialect{Astran, AWS} {
		fast, ok := parseFast(data, dialect)
		slow, err := parseSlow(data, dialect)
		switch {
		case ok && err != nil:
			t.Fatalf("dialect %v: fast path accepts %q, slow path: %v", dialect, data, err)
		case !ok && err == nil:
			t.Fatalf("dialect %v: fast path rejects valid %q", dialect, data)
		case ok && !reflect.DeepEqual(fast, slow):
			t.Fatalf("dialect %v: %q:\nfast %#v\nslow %#v", dialect, data, fast, slow)
		}
	}
}

func fastSeedData(tb testing.TB) [][]byte {
	var out [][]byte
	for _, s := range fastSeeds {
		out = append(out, []byte(s))
	}
	return append(out, readFiles(tb, filepath.Join("..", "testdata", "*.json"))...)
}

// readFiles returns the contents of the files matching pattern.
func readFiles(tb testing.TB, pattern string) [][]byte {
	paths, err := filepath.Glob(pattern)
	if err != nil {
		tb.Fatal(err)
	}
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

func TestParse_fastPathAgrees(t *testing.T) {
	for _, b := range fastSeedData(t) {
		checkFast(t, b)
	}
	for _, b := range builtinDocuments(t) {
		checkFast(t, b)
	}
}

// builtinDocuments returns the texts of Astran's built-in policies, which
// package builtin embeds (that package imports this one: its tests cannot).
func builtinDocuments(tb testing.TB) [][]byte {
	out := readFiles(tb, filepath.Join("..", "..", "builtin", "policies", "*.json"))
	if len(out) == 0 {
		tb.Fatal("no built-in policies found")
	}
	return out
}

// FuzzParseFast checks that Parse's fast path agrees with the slow path
// (which reports the errors) on every input.
func FuzzParseFast(f *testing.F) {
	for _, b := range fastSeedData(f) {
		f.Add(b)
	}
	f.Fuzz(checkFast)
}

// BenchmarkParse_indented parses the built-in policies as indented JSON,
// the layout of most stored policies.
func BenchmarkParse_indented(b *testing.B) {
	var docs [][]byte
	size := 0
	for _, text := range builtinDocuments(b) {
		var compact, buf bytes.Buffer
		if err := json.Compact(&compact, text); err != nil {
			b.Fatal(err)
		}
		if err := json.Indent(&buf, compact.Bytes(), "", "  "); err != nil {
			b.Fatal(err)
		}
		docs = append(docs, buf.Bytes())
		size += buf.Len()
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range docs {
			if _, err := Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestParse_fastPathOwnsLists checks that documents from the fast path
// share nothing with its pooled scratch space: parsing more documents
// leaves earlier ones intact.
func TestParse_fastPathOwnsLists(t *testing.T) {
	seeds := fastSeedData(t)
	docs := make([]*Document, len(seeds))
	for i, b := range seeds {
		docs[i], _ = parseFast(b, AWS)
	}
	for range 3 {
		for _, b := range seeds {
			parseFast(b, AWS)
		}
	}
	for i, b := range seeds {
		want, err := parseSlow(b, AWS)
		if (docs[i] != nil) != (err == nil) || (docs[i] != nil && !reflect.DeepEqual(docs[i], want)) {
			t.Fatalf("%q: got %#v, want %#v (%v)", b, docs[i], want, err)
		}
		if docs[i] == nil {
			continue
		}
		for _, st := range docs[i].Statements {
			if cap(st.Action) != len(st.Action) || cap(st.Resource) != len(st.Resource) {
				t.Fatalf("%q: a list has spare capacity", b)
			}
		}
	}
}
