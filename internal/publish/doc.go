// Package publish pushes stored wisp images to registries: only the blobs
// the registry lacks are uploaded, and an appliance's firmware and kernel
// layers are mounted from its base's repository when the base came from
// one.
package publish
