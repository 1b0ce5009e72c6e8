package types

import "github.com/astran-oss/astran-go/policy/internal/jsontree"

// A Locator finds elements of a JSON policy document by their JSON path, as
// [ValidationError.Path] writes them (`Statement[2].Condition.Bool["aws:SecureTransport"]`).
// It is safe for concurrent use.
type Locator struct {
	data []byte
	root jsontree.Node
}

// NewLocator parses the JSON of data (which need not be a valid policy)
// for [Locator.Locate]. It fails, with a *[SyntaxError], only on malformed
// JSON.
func NewLocator(data []byte) (*Locator, error) {
	root, err := jsontree.Parse(data, maxDepth)
	if err != nil {
		return nil, syntaxError(data, err)
	}
	return &Locator{data: data, root: root}, nil
}

// Locate returns the 1-based line and column of the value the path names,
// or of the deepest element found along it. An index into an element
// written as a single value rather than a list ("Action": "s3:GetObject")
// names that value when it is [0].
func (l *Locator) Locate(path string) (line, column int) {
	return jsontree.LineCol(l.data, l.root.Locate(path))
}
