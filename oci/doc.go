// Package oci is everything registry-shaped in wisp: the local store, an
// OCI image layout on disk (oci-layout, index.json, blobs/sha256/…) that
// any OCI tool can read, and Remote, which pulls into it and pushes from
// it through one transport guard (guard.go: plain HTTP and credentials,
// bounded answers, silent connections) and checks every manifest against
// limits before a blob is fetched.
//
// The store differs from go-containerregistry's layout package in three
// ways that matter to wisp: every blob is written to a temporary file and
// renamed into place, so a crash or a second wisp process never sees half a
// blob; every blob is verified against its digest before a byte of it is
// handed out, so a corrupted cache is an error naming the blob and never an
// appliance (nor a confusing decompression error); and changes to
// index.json are serialised with flock(2), so two wisp processes can tag at
// once. Every temporary file lives in tmp/, which the first process to
// open an unused store empties (use.lock). Blobs are never deleted (no
// garbage collection yet).
package oci
