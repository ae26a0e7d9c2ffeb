// Package compose stacks layers into wisp images: bases, appliances and
// init images, for a board's platform, dated epoch.Time(), with OCI
// media types. It checks what a base must be, takes the layers an
// appliance keeps from it, and merges the user's settings over what the
// binary's image says into the appliance's config.json.
package compose
