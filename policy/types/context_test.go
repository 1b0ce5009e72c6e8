package types_test

import (
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/policy/types"
)

func TestContext(t *testing.T) {
	var c types.Context
	if c.Len() != 0 {
		t.Fatal("zero Context not empty")
	}
	if _, ok := c.Get("x"); ok {
		t.Fatal("zero Context has x")
	}
	c.Set("aws:UserName", "bob")
	c.Set("aws:TagKeys", "a", "b")
	c.Set("empty")
	if v, ok := c.Get("AWS:USERNAME"); !ok || !slices.Equal(v, []string{"bob"}) {
		t.Fatalf("Get = %v %v", v, ok)
	}
	if v, ok := c.Get("empty"); !ok || len(v) != 0 {
		t.Fatalf("empty = %v %v", v, ok)
	}
	c.Set("AWS:username", "eve")
	if v, _ := c.Get("aws:username"); !slices.Equal(v, []string{"eve"}) || c.Len() != 3 {
		t.Fatalf("replace: %v, len %d", v, c.Len())
	}
	c.Add("aws:tagkeys", "c")
	if v, _ := c.Get("aws:TagKeys"); !slices.Equal(v, []string{"a", "b", "c"}) {
		t.Fatalf("Add: %v", v)
	}
	c.Add("new", "x")
	if v, _ := c.Get("new"); !slices.Equal(v, []string{"x"}) {
		t.Fatalf("Add new: %v", v)
	}
	if !slices.Equal(c.Keys(), []string{"AWS:username", "aws:TagKeys", "empty", "new"}) {
		t.Fatalf("Keys = %v", c.Keys())
	}
	cl := c.Clone()
	c.Delete("AWS:USERNAME")
	if _, ok := c.Get("aws:username"); ok || c.Len() != 3 {
		t.Fatal("Delete failed")
	}
	if _, ok := cl.Get("aws:username"); !ok || cl.Len() != 4 {
		t.Fatal("Clone shares state")
	}
	m := cl.Map()
	if len(m) != 4 || !slices.Equal(m["aws:TagKeys"], []string{"a", "b", "c"}) {
		t.Fatalf("Map = %v", m)
	}
	c2 := types.ContextFromMap(map[string][]string{"b": {"1"}, "a": {"2", "3"}})
	if !slices.Equal(c2.Keys(), []string{"a", "b"}) {
		t.Fatalf("ContextFromMap keys = %v", c2.Keys())
	}
	c2.Reset()
	if c2.Len() != 0 {
		t.Fatal("Reset")
	}
	var zero types.Context
	if zero.Clone().Len() != 0 || len(zero.Keys()) != 0 {
		t.Fatal("zero Clone/Keys")
	}
	// The caller's slice is copied.
	vals := []string{"x", "y"}
	c.Set("k", vals...)
	vals[0] = "changed"
	if v, _ := c.Get("k"); v[0] != "x" {
		t.Fatal("Set kept the caller's slice")
	}
}
