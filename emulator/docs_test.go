package emulator_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"reflect"
	"testing"
)

// xmlShape lists the element structure of an XML document ("+Name" opens,
// "-Name" closes), ignoring text and whitespace.
func xmlShape(t *testing.T, b []byte) []string {
	t.Helper()
	var shape []string
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return shape
		}
		if err != nil {
			t.Fatalf("XML %s: %v", b, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			shape = append(shape, "+"+el.Name.Local+"@"+el.Name.Space)
		case xml.EndElement:
			shape = append(shape, "-"+el.Name.Local)
		}
	}
}

// jsonKeys lists the top-level keys of a JSON object in order.
func jsonKeys(t *testing.T, b []byte) []string {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestDocs_responseShapes compares the emulator's token JSON and
// LoginWithWebIdentity XML with the tutorial's (testdata, copied verbatim
// from managing-users.txt): same keys and elements, in the same order.
func TestDocs_responseShapes(t *testing.T) {
	srv, _ := newServerWithBob(t)
	status, body := postForm(t, srv.Issuer()+"/protocol/openid-connect/token", map[string][]string{
		"client_id": {"s5"}, "grant_type": {"password"}, "username": {"bob@astran.io"}, "password": {"pw"}})
	if status != http.StatusOK {
		t.Fatalf("token: %d %s", status, body)
	}
	checkShape(t, "token JSON keys", body, "testdata/token.json", jsonKeys)
	var tok tokenJSON
	if err := json.Unmarshal(body, &tok); err != nil {
		t.Fatal(err)
	}
	status, xb := loginWithWebIdentity(t, srv, tok.AccessToken)
	if status != http.StatusOK {
		t.Fatalf("LoginWithWebIdentity: %d %s", status, xb)
	}
	checkShape(t, "LoginWithWebIdentity XML", xb, "testdata/loginwithwebidentity.xml", xmlShape)
}

// checkShape compares the shape of got with that of the tutorial's testdata
// file, as shape lists it.
func checkShape(t *testing.T, what string, got []byte, file string, shape func(*testing.T, []byte) []string) {
	t.Helper()
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := shape(t, got), shape(t, want); !reflect.DeepEqual(got, want) {
		t.Errorf("%s\n got %v\nwant %v", what, got, want)
	}
}
