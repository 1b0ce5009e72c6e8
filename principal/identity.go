package principal

import (
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/policy"
)

// Kind is the kind of an [Identity].
type Kind uint8

// Identity kinds. The zero Kind is not valid.
const (
	KindUser Kind = iota + 1 // an IAM user, named by its email address
	KindRole                 // an IAM role, assumed through a trust policy
	KindRoot                 // the root identity of one of the store's own accounts: never denied
)

// String returns "user", "role", "root", or "Kind(n)".
func (k Kind) String() string {
	switch k {
	case KindUser:
		return "user"
	case KindRole:
		return "role"
	case KindRoot:
		return "root"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Identity is a user, a role or an account's root: something that policies
// are attached to and that a [Session] can stand for.
//
// An Identity returned by a [Store] must not be modified; its Tags map and
// TrustPolicy are shared.
type Identity struct {
	Kind Kind
	ARN  arn.ARN
	// ID is the stable unique ID IAM gives the entity (aws:userid for users).
	ID string
	// Name is the user's email address, the role's name, or "root".
	Name string
	// Path is the IAM path, "/" when unset.
	Path string
	// Tags are the entity's IAM tags, exposed as aws:PrincipalTag/{key}.
	Tags map[string]string
	// PermissionsBoundary is the managed policy that limits the identity's
	// permissions. The zero ARN means no boundary.
	PermissionsBoundary arn.ARN
	// TrustPolicy is a role's trust policy; nil for users and root.
	TrustPolicy *policy.Document
}

// Session is a set of temporary credentials issued by STS
// (LoginWithWebIdentity or AssumeRoleWithWebIdentity). It stands for the
// user, role or root named by Identity.
//
// A Session carries no secret: the secret key and session token stay with
// STS. It is safe to log.
type Session struct {
	// AccessKeyID is the temporary access key ID ("ASIA…"), the key of the session.
	AccessKeyID string
	// Identity is the user, role or root the session stands for (an STS
	// assumed-role ARN stands for its role).
	Identity arn.ARN
	// Name is the role session name (or the user's email for user logins).
	Name string
	// SourceIdentity is the source identity set at AssumeRole time, if any.
	SourceIdentity string
	// Expiration is when the credentials stop working. The zero time means
	// they never expire.
	Expiration time.Time
	// Tags are session tags; they override the identity's tags of the same
	// key in aws:PrincipalTag/{key}.
	Tags map[string]string
	// Policy and PolicyARNs are the session policy passed when the session
	// was created (Policy and PolicyArns of AssumeRoleWithWebIdentity):
	// when either is set, the session is allowed only what both its
	// identity's policies and the session policy allow. A session policy
	// only limits, never grants. Policy must not be modified afterwards.
	Policy     *policy.Document
	PolicyARNs []arn.ARN
}

// Expired reports whether the session has expired at now.
func (s Session) Expired(now time.Time) bool {
	return !s.Expiration.IsZero() && !now.Before(s.Expiration)
}

// Group is an IAM group: a set of users sharing attached policies.
type Group struct {
	ARN  arn.ARN
	ID   string
	Name string
	Path string
}

// Caller names who makes a request: either an identity ARN (a user, role
// or root, already authenticated; an STS assumed-role ARN
// arn:{p}:sts::{account}:assumed-role/{role}/{session} stands for the role
// of that name in that account, whatever its path, and that session name)
// or the access key ID of an STS session. When both are set, AccessKeyID
// wins. Caller is comparable.
//
// The [Authorizer] trusts the Caller it is given: authenticating the
// request is the caller's job. It does not trust it beyond what the store
// knows: an identity the store does not know, including the root of an
// account that is not the store's own, is denied with a *[CallerError].
type Caller struct {
	ARN         arn.ARN
	AccessKeyID string
	// Anonymous marks an unsigned request, as [Anonymous] does: it has no
	// identity, and only a resource-based policy that allows "*" (from
	// Options.Resources) grants it. It must not be set with ARN or
	// AccessKeyID.
	Anonymous bool
}

// Anonymous is the caller of an unsigned request.
var Anonymous = Caller{Anonymous: true}

// String returns the access key ID, the ARN, or "anonymous".
func (c Caller) String() string {
	switch {
	case c.AccessKeyID != "":
		return c.AccessKeyID
	case c.Anonymous && c.ARN == (arn.ARN{}):
		return "anonymous"
	}
	return c.ARN.String()
}

// LogValue implements [slog.LogValuer].
func (c Caller) LogValue() slog.Value {
	switch {
	case c.AccessKeyID != "":
		return slog.GroupValue(slog.String("access_key_id", c.AccessKeyID))
	case c.Anonymous && c.ARN == (arn.ARN{}):
		return slog.GroupValue(slog.Bool("anonymous", true))
	}
	return slog.GroupValue(slog.String("arn", c.ARN.String()))
}

// IsZero reports whether c names nobody.
func (c Caller) IsZero() bool { return c == Caller{} }

func cloneTags(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}
