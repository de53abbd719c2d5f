//go:build race

package soak

// raceEnabled: the test runs under the race detector, and so does the server.
const raceEnabled = true
