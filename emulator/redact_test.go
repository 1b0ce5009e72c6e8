package emulator_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/astran-oss/astran-go/emulator"
)

func TestRedaction(t *testing.T) {
	opts := emulator.Options{UserPassword: "user-pw-secret", RootPassword: "root-pw-secret", RootSecretAccessKey: "root-key-secret"}
	srv, err := emulator.New(func(o *emulator.Options) { *o = opts })
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("x", "opts", opts, "srv", srv)
	out := buf.String()
	for _, v := range []any{opts, &opts, srv} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out += fmt.Sprintf(verb, v)
		}
	}
	for _, secret := range []string{"user-pw-secret", "root-pw-secret", "root-key-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q leaked in %s", secret, out)
		}
	}
}
