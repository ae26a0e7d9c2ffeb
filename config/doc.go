// Package config is the appliance configuration: what wisp decides at build
// time and the init applies at boot. wisp writes it to /etc/wisp/config.json
// in the config layer; the init program reads it from there.
//
// The package depends on the standard library, without fmt, and on
// internal/errs only, so that the init binary, which imports it, stays
// small.
package config
