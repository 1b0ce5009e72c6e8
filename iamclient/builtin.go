package iamclient

import (
	"slices"

	"github.com/astran-oss/astran-go/builtin"
)

// isBuiltinGroupName reports whether name is one of Astran's built-in
// groups, which calls that change a group refuse locally.
func isBuiltinGroupName(name string) bool {
	return slices.Contains(builtin.GroupNames(), name)
}
