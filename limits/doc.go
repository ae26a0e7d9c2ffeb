// Package limits holds every bound wisp puts on what comes from outside:
// pulled manifests, configs and layers, kernel and firmware packages, the
// entries of layers, the files a build reads. Each bound is a constant
// here with the reason for its value, checked before memory or disk is
// spent on the input, and reported as an *Exceeded error that names the
// input and the limit. docs/security.md lists them with where each is
// enforced.
//
// The values are far above what real inputs need (a Debian kernel package
// is read with room to spare) and low enough that the hostile inputs of
// the security suite are refused within wisp's memory budget.
package limits
