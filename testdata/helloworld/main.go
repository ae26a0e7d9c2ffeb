// Command helloworld is the test app of wisp's tests and demo: an HTTP
// server whose reply shows who it runs as, so a test can see that it is
// PID 1 and unprivileged.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
)

// greeting can be set at link time (-X main.greeting=…) to make a
// different binary, as the benchmarks do.
var greeting = "hello"

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	host, _ := os.Hostname()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s from wisp: pid=%d uid=%d gid=%d host=%s\n", greeting, os.Getpid(), os.Getuid(), os.Getgid(), host)
	})
	log.Printf("helloworld: pid %d uid %d listening on %s", os.Getpid(), os.Getuid(), *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
