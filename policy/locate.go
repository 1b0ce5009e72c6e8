package policy

import "github.com/astran-oss/astran-go/policy/types"

// NewLocator parses the JSON of data (which need not be a valid policy)
// for [types.Locator.Locate]. It fails, with a *[SyntaxError], only on malformed
// JSON.
func NewLocator(data []byte) (*Locator, error) {
	return types.NewLocator(data)
}
