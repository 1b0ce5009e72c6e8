package principal_test

import (
	"bytes"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/astran-oss/astran-go/principal"
)

func TestModel_strings(t *testing.T) {
	assert.Equal(t, "user", principal.KindUser.String())
	assert.Equal(t, "role", principal.KindRole.String())
	assert.Equal(t, "root", principal.KindRoot.String())
	assert.Equal(t, "Kind(9)", principal.Kind(9).String())

	ses := principal.Session{Expiration: fixedNow}
	assert.False(t, ses.Expired(fixedNow.Add(-time.Second)))
	assert.True(t, ses.Expired(fixedNow))
	assert.False(t, principal.Session{}.Expired(fixedNow), "zero expiration never expires")

	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("x", "caller", key("ASIAK"), "other", user("a@b.io"))
	assert.Contains(t, buf.String(), "caller.access_key_id=ASIAK")
	assert.Contains(t, buf.String(), "other.arn="+acctARN+"user/a@b.io")
	assert.True(t, principal.Caller{}.IsZero())
	assert.Equal(t, "ASIAK", key("ASIAK").String())
}
