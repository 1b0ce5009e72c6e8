package emulator_test

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/emulator"
)

// Options hold the root password, the users' password and the root secret
// key: no encoder a user can reach by accident may print them. fmt verbs
// other than %v and %s printed the fields, encoding/gob encoded them.
func TestSecurity_optionsSecretsInEncoders(t *testing.T) {
	opts := emulator.Options{Partition: "demo", UserPassword: "user-pw-secret", RootPassword: "root-pw-secret", RootSecretAccessKey: "root-key-secret"}
	secrets := []string{"user-pw-secret", "root-pw-secret", "root-key-secret"}
	type wrapper struct{ Opts emulator.Options }
	for name, v := range map[string]any{"Options": opts, "*Options": &opts, "nested": wrapper{opts}} {
		outs := map[string]string{}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%t"} {
			outs[verb] = fmt.Sprintf(verb, v)
		}
		if b, err := json.Marshal(v); err == nil {
			outs["json"] = string(b)
		}
		if b, err := xml.Marshal(v); err == nil {
			outs["xml"] = string(b)
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(v); err == nil {
			t.Errorf("%s: gob encoded the options, want an error", name)
		}
		outs["gob"] = buf.String()
		for how, out := range outs {
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("%s %s leaks %q: %s", name, how, s, out)
				}
				if how == "%x" && strings.Contains(out, fmt.Sprintf("%x", s)) {
					t.Errorf("%s %%x leaks %q hex-encoded", name, s)
				}
			}
		}
	}
}
