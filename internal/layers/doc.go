// Package layers holds no code: its tests check the import rules that
// doc/architecture.md describes (layers, packages that must stay small,
// packages only programs may import), with the go command, so that a
// forbidden import fails `go test ./...` instead of waiting for a review.
package layers
