// Command gen writes the OCI image layouts of registry-testdata into the
// directory given (default: the current one):
//
//	go generate ./registry-testdata/
//
// The layouts are dated the Unix epoch whatever SOURCE_DATE_EPOCH says.
package main

import (
	"fmt"
	"os"

	registrytestdata "github.com/wispboot/wisp/registry-testdata"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	os.Setenv("SOURCE_DATE_EPOCH", "0")
	if err := registrytestdata.Generate(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
