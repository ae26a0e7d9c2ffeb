// Package archtest holds the test that keeps wisp's package graph the
// one docs/architecture.md draws: stages never import each other, and the
// document lists the imports go list finds. It has no code of its own.
package archtest
