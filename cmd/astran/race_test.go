//go:build race

package main

// raceEnabled shortens the slowest tests under the race detector, which
// makes JSON decoding about five times slower.
const raceEnabled = true
