package oci

import "strings"

// IsRegistryRef reports whether s names an image in a registry rather
// than something local (a store tag, a file): its first path component is
// a registry host, with a dot or a port, or localhost — Docker's rule.
// Docker Hub images must therefore be written docker.io/library/….
func IsRegistryRef(s string) bool {
	host, _, ok := strings.Cut(s, "/")
	if !ok || host == "." || host == ".." {
		return false
	}
	return strings.ContainsAny(host, ".:") || host == "localhost"
}
