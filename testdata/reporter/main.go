// Command reporter is a test app of wisp's configuration tests: an HTTP
// server that reports what the appliance gives it — identity and
// capabilities, securebits, environment and arguments, host name, DNS
// settings, addresses, the time — and whether it may bind a port, open a
// file for writing, or run a program it wrote.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Report is what GET / answers, as JSON.
type Report struct {
	PID       int               `json:"pid"`
	UID       int               `json:"uid"`
	GID       int               `json:"gid"`
	Username  string            `json:"username"`
	Status    map[string]string `json:"status"` // Cap* and NoNewPrivs of /proc/self/status
	Env       []string          `json:"env"`
	Args      []string          `json:"args"`
	Hostname  string            `json:"hostname"`
	Resolv    string            `json:"resolv"`
	Addresses []string          `json:"addresses"`
	Time      time.Time         `json:"time"`
	Cmdline   string            `json:"cmdline"`
	// Securebits is prctl(PR_GET_SECUREBITS).
	Securebits int `json:"securebits"`
}

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(report())
	})
	// /file?path=P answers the content of P.
	http.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(r.URL.Query().Get("path"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		w.Write(b)
	})
	// /write?path=P says whether this process may open P for writing.
	http.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		f, err := os.OpenFile(r.URL.Query().Get("path"), os.O_WRONLY, 0)
		if err != nil {
			fmt.Fprintf(w, "error: %v\n", err)
			return
		}
		f.Close()
		fmt.Fprintln(w, "ok")
	})
	// /exec?dir=D copies this program into D and says whether the copy
	// runs (-h, which only prints the usage).
	http.HandleFunc("/exec", func(w http.ResponseWriter, r *http.Request) {
		self, err := os.ReadFile("/proc/self/exe")
		if err == nil {
			copy := filepath.Join(r.URL.Query().Get("dir"), "reporter-copy")
			if err = os.WriteFile(copy, self, 0o755); err == nil {
				err = exec.Command(copy, "-h").Run()
				var exit *exec.ExitError
				if errors.As(err, &exit) { // it ran: -h exits 2
					err = nil
				}
			}
		}
		if err != nil {
			fmt.Fprintf(w, "error: %v\n", err)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	// /bind?port=N says whether this process may listen on port N.
	http.HandleFunc("/bind", func(w http.ResponseWriter, r *http.Request) {
		l, err := net.Listen("tcp", ":"+r.URL.Query().Get("port"))
		if err != nil {
			fmt.Fprintf(w, "error: %v\n", err)
			return
		}
		l.Close()
		fmt.Fprintln(w, "ok")
	})
	log.Printf("reporter: pid %d uid %d listening on %s", os.Getpid(), os.Getuid(), *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}

func report() Report {
	r := Report{PID: os.Getpid(), UID: os.Getuid(), GID: os.Getgid(), Env: os.Environ(), Args: os.Args[1:], Time: time.Now().UTC(), Status: map[string]string{}}
	if u, err := user.Current(); err == nil {
		r.Username = u.Username
	}
	r.Hostname, _ = os.Hostname()
	if b, err := os.ReadFile("/etc/resolv.conf"); err == nil {
		r.Resolv = string(b)
	}
	if b, err := os.ReadFile("/proc/cmdline"); err == nil {
		r.Cmdline = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && (strings.HasPrefix(k, "Cap") || k == "NoNewPrivs") {
				r.Status[k] = strings.TrimSpace(v)
			}
		}
	}
	const prGetSecurebits = 27 // prctl(2)
	if bits, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prGetSecurebits, 0, 0); errno == 0 {
		r.Securebits = int(bits)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			r.Addresses = append(r.Addresses, a.String())
		}
	}
	return r
}
