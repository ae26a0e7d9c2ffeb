package registrytest

import (
	"encoding/base64"
	"io"
	"log"
)

// basicAuth is the "auth" value of a Docker config entry.
func basicAuth(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }
