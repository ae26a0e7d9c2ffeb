// Package settings declares, once, everything a user says about an
// appliance: each field of Inputs, Settings, Outputs, Target, Fetch and
// Run is one command-line flag and one wisp.json key, and its tags drive
// the flag (Flags), wisp.json (Fields), the JSON Schema (Schema) and the
// checks of its values (Check). Adding a setting is adding a field here,
// using it, and testing it.
//
// The tags of a field:
//
//	json:"key"        its wisp.json key (and JSON Schema property)
//	flag:"name"       its flag; help:"…" the flag's usage and the key's description
//	check:"rule"      a rule every value meets (see rules in check.go)
//	enum:"a,b"        the values it may take; default:"a" the flag's default
//	file:"kind"       how wisp.json gives it: path (inside wisp.json's directory),
//	                  pathOrRef, board (a built-in board), caBundle (true or a path),
//	                  map (an object of strings, K=V values); none: a plain value
//	noopt:"v"         the flag's value when given without one (--ca-certs)
//	pattern:"re"      the schema's pattern for values no rule checks here
//
// A field without a flag tag is not a setting (Inputs.Board, which the
// command line resolves from Target).
package settings
