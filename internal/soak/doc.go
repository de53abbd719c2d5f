// Package soak holds the soak test of lsphost: a long randomized editor
// session against the real server binary over stdio, checked against an
// oracle that computes, in the test, what every extension must report for
// the text the client holds. See RELIABILITY.md. The package has no code of
// its own; everything is in its tests.
package soak
