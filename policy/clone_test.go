package policy_test

import (
	"reflect"
	"testing"

	"github.com/astran-oss/astran-go/policy"
)

func TestClone(t *testing.T) {
	d, err := policy.Parse([]byte(seedDocuments()[0]))
	if err != nil {
		t.Fatal(err)
	}
	d.Statements = append(d.Statements, policy.Statement{Effect: policy.EffectDeny, Principal: &policy.Principal{AWS: []string{"1"}}, NotPrincipal: &policy.Principal{Wildcard: true},
		Action: []string{"*"}, Condition: policy.Condition{"Bool": nil}})
	c := d.Clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("clone differs")
	}
	c.Statements[0].Condition["NumericLessThan"]["s3:max-keys"][0] = "99"
	c.Statements[1].Principal.AWS[0] = "2"
	if d.Statements[0].Condition["NumericLessThan"]["s3:max-keys"][0] == "99" || d.Statements[1].Principal.AWS[0] == "2" {
		t.Fatal("clone shares state")
	}
	var nilDoc *policy.Document
	var nilP *policy.Principal
	if nilDoc.Clone() != nil || nilP.Clone() != nil {
		t.Fatal("nil clones")
	}
	if (&policy.Document{}).Clone().Statements != nil {
		t.Fatal("nil statements cloned to non-nil")
	}
	b, _ := nilDoc.MarshalJSON()
	if string(b) != "null" {
		t.Fatal(string(b))
	}
}
