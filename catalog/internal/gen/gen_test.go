package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGenerated checks that data.go is what the generator makes of the
// checked-in snapshot: run `go generate ./catalog` after editing it.
func TestGenerated(t *testing.T) {
	snap, err := os.ReadFile("../../snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(snap)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../data.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("catalog/data.go is not generated from catalog/snapshot.json: run go generate ./catalog")
	}
	again, err := generate(snap)
	if err != nil || !bytes.Equal(again, want) {
		t.Fatal("the generator is not deterministic")
	}
}

func TestGenerate_errors(t *testing.T) {
	tests := map[string]string{
		"not JSON":      `{`,
		"unknown field": `{"bogus": 1}`,
		"unknown type":  `{"globalKeys": [{"name": "aws:X", "type": "Float"}]}`,
		"unknown level": `{"services": [{"prefix": "s3", "actions": [{"name": "GetObject", "accessLevel": "Admin"}]}]}`,
		"untyped key":   `{"services": [{"prefix": "s3", "actions": [{"name": "GetObject", "accessLevel": "Read", "conditionKeys": ["s3:nope"]}]}]}`,
		"unknown resource type": `{"services": [{"prefix": "s3", "actions": [{"name": "GetObject", "accessLevel": "Read",
			"resourceTypes": [{"name": "object"}]}]}]}`,
		"two types": `{"globalKeys": [{"name": "aws:X", "type": "String"}, {"name": "aws:x", "type": "Bool"}]}`,
		"duplicate action": `{"services": [{"prefix": "s3", "actions": [{"name": "GetObject", "accessLevel": "Read"},
			{"name": "getobject", "accessLevel": "Read"}]}]}`,
	}
	for name, snap := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := generate([]byte(snap)); err == nil {
				t.Error("no error")
			}
		})
	}
}
