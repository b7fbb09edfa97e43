//go:build race

package main

// raceEnabled: these tests run under the race detector, so the binary they
// build for a child process is built with it too.
const raceEnabled = true
