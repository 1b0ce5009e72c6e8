//go:build race

package policy_test

// raceDetector reports whether the tests run with -race, where the
// property tests sample less (they check logic, not concurrency).
const raceDetector = true
