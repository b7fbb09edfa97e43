//go:build !race

package main

// raceEnabled: these tests run without the race detector.
const raceEnabled = false
