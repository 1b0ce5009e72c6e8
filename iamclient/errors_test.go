package iamclient_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/iamclient"
)

func TestError_classification(t *testing.T) {
	tests := []struct {
		code string
		kind error
	}{
		{"NoSuchEntity", iamclient.ErrNotFound},
		{"EntityAlreadyExists", iamclient.ErrAlreadyExists},
		{"DeleteConflict", iamclient.ErrDeleteConflict},
		{"LimitExceeded", iamclient.ErrLimitExceeded},
		{"AccessDenied", iamclient.ErrAccessDenied},
		{"InvalidInput", iamclient.ErrInvalidInput},
		{"MalformedPolicyDocument", iamclient.ErrInvalidInput},
		{"ValidationError", iamclient.ErrInvalidInput},
		{"UnmodifiableEntity", iamclient.ErrBuiltin},
		{"ServiceFailure", nil},
	}
	kinds := []error{iamclient.ErrNotFound, iamclient.ErrAlreadyExists, iamclient.ErrDeleteConflict, iamclient.ErrLimitExceeded,
		iamclient.ErrAccessDenied, iamclient.ErrInvalidInput, iamclient.ErrBuiltin}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			f, c := newFake(t)
			f.fail("GetUser", tc.code)
			_, err := c.GetUser(t.Context(), "bob@astran.io")
			for _, k := range kinds {
				if got := errors.Is(err, k); got != (k == tc.kind) {
					t.Errorf("errors.Is(err, %v) = %v", k, got)
				}
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != tc.code {
				t.Errorf("errors.As(smithy.APIError) failed: %v", err)
			}
			var ie *iamclient.Error
			if !errors.As(err, &ie) || ie.Op != "GetUser" || ie.Name != "bob@astran.io" || ie.Kind != tc.kind || ie.Code() != tc.code {
				t.Errorf("*Error = %+v", ie)
			}
			if !strings.HasPrefix(err.Error(), "iamclient: GetUser bob@astran.io: ") {
				t.Errorf("message %q", err.Error())
			}
		})
	}
}

// Without Cascade, deleting an entity that still has members or policies is
// one request, whose DeleteConflict is ErrDeleteConflict.
func TestError_deleteConflictWithoutCascade(t *testing.T) {
	ctx := t.Context()
	for op, del := range map[string]func(c *iamclient.Client) error{
		"DeleteUser":  func(c *iamclient.Client) error { return c.DeleteUser(ctx, "bob@astran.io") },
		"DeleteGroup": func(c *iamclient.Client) error { return c.DeleteGroup(ctx, "marketing") },
		"DeleteRole":  func(c *iamclient.Client) error { return c.DeleteRole(ctx, "r") },
	} {
		t.Run(op, func(t *testing.T) {
			f, c := newFake(t)
			f.fail(op, "DeleteConflict")
			err := del(c)
			if !errors.Is(err, iamclient.ErrDeleteConflict) {
				t.Fatalf("err = %v, want ErrDeleteConflict", err)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != "DeleteConflict" {
				t.Errorf("errors.As(smithy.APIError) = %v", ae)
			}
			f.wantCalls(t, op)
		})
	}
}
