package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/initbin"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/oci"
)

// The hostile-input suite: for every input that comes from outside
// (docs/security.md), cases an attacker would try. Each runs the real wisp
// binary in a process of its own, so that its peak RSS is its own, and
// checks the contract: a refusal is exit status 1 and one line naming the
// input; nothing panics; the peak RSS stays under maxRSS; the store's tmp/
// and the output directory hold nothing afterwards; every blob in the
// store matches its digest; and the file a hostile input would make a
// program create does not exist. Cases that must work (a registry that
// fails once, then answers) check that they do, under the same bounds.

// maxRSS is the bound on wisp's peak resident memory under
// hostile input.
const maxRSS = 200 << 20

// hostileCase is one row of the suite and of docs/security.md's table.
type hostileCase struct {
	input, name string
	// args prepares the case's inputs and returns wisp's arguments
	// (--cache is added).
	args func(c *hctx) []string
	// want is in the one error line; "" means the command succeeds.
	want string
	// result is the table's "result" cell when want does not say it.
	result string
	// code is the exit status, when it is neither 0 nor 1.
	code int
	// during, if set, runs while wisp does (it gets the process).
	during func(c *hctx, p *os.Process)
	// answer, if set, is called once wisp asks a question ("[y/N]") and
	// returns what is typed.
	answer func(c *hctx) string
	// check checks more afterwards.
	check func(c *hctx, r proc)
}

// hctx is what one case works with.
type hctx struct {
	t      *testing.T
	env    *hostileEnv
	dir    string // the case's scratch directory
	cache  string // its store
	out    string // the output directory it names
	marker string // what a program run by a hostile input would create
}

// proc is one finished wisp process.
type proc struct {
	code           int
	stdout, stderr string
	rss            int64 // peak resident set, bytes
}

// hostileEnv is shared by the cases: the wisp binary, the real CNCF
// registry with a fault proxy in front of it, and fixtures.
type hostileEnv struct {
	bin    string
	time   string // GNU time, which measures wisp's peak RSS alone
	reg    string // CNCF registry, host:port
	proxy  string // fault proxy in front of it
	faults *registrytest.Faults
	deb    string // the fixture kernel package
	svc    string // a static amd64 binary
	once   sync.Map
}

func TestHostileInputs(t *testing.T) {
	env := setupHostile(t)
	for _, c := range hostileCases() {
		t.Run(c.input+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			runHostile(t, env, c)
		})
	}
}

func setupHostile(t *testing.T) *hostileEnv {
	t.Helper()
	if _, err := initbin.For("amd64"); err != nil {
		testenv.Missing(t, "%v", err)
	}
	dir := t.TempDir()
	// The peak RSS the kernel reports to a Go parent includes the
	// parent's own, copied at the vfork before the exec; GNU time forks
	// a process of its own size, so what it reports is wisp's.
	env := &hostileEnv{bin: filepath.Join(dir, "wisp"), time: testenv.Tool(t, "time", "time")}
	cmd := exec.Command("go", "build", "-o", env.bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building wisp: %v\n%s", err, out)
	}
	env.reg = registrytest.CNCF(t, "", "")
	env.proxy, env.faults = registrytest.FaultProxy(t, env.reg)
	env.deb = filepath.Join(dir, "kernel.deb")
	if err := os.WriteFile(env.deb, fixture.KernelDeb("6.1.0-99-amd64").Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	env.svc = fixture.GoBinary(t, "svc", fixture.EmptyMain, []string{"CGO_ENABLED=0", "GOARCH=amd64"})
	return env
}

func runHostile(t *testing.T, env *hostileEnv, hc hostileCase) {
	c := &hctx{t: t, env: env, dir: t.TempDir()}
	c.cache, c.out, c.marker = filepath.Join(c.dir, "store"), filepath.Join(c.dir, "out"), filepath.Join(c.dir, "pwned")
	if err := os.Mkdir(c.out, 0o755); err != nil {
		t.Fatal(err)
	}
	args := hc.args(c)
	r := c.run(hc, args)
	t.Logf("wisp %s\nexit %d, peak RSS %d MiB\nstderr:\n%s", strings.Join(args, " "), r.code, r.rss>>20, r.stderr)

	for _, bad := range []string{"panic:", "fatal error:", "goroutine "} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr has %q", bad)
		}
	}
	if r.rss > maxRSS {
		t.Errorf("peak RSS %d MiB, more than %d MiB", r.rss>>20, maxRSS>>20)
	}
	if _, err := os.Stat(c.marker); err == nil {
		t.Errorf("%s exists: a hostile input ran a program or wrote a file", c.marker)
	}
	// A case refused before wisp opens its store leaves no store at all.
	if ents := fixture.DirEntriesIfExists(t, filepath.Join(c.cache, "tmp")); len(ents) != 0 {
		t.Errorf("the store's tmp/ holds %v", ents)
	}
	if _, err := os.Stat(filepath.Join(c.cache, "oci-layout")); err == nil {
		s, err := oci.OpenStore(c.cache)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Verify(); err != nil {
			t.Errorf("the store holds a blob that fails verification: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("closing the store: %v", err)
		}
	}
	want := hc.code
	if want == 0 && hc.want != "" {
		want = 1
	}
	if r.code != want {
		t.Errorf("exit %d, want %d", r.code, want)
	}
	if hc.want != "" {
		var lines []string
		for _, l := range strings.Split(r.stderr, "\n") {
			if strings.HasPrefix(l, "wisp: ") {
				lines = append(lines, l)
			}
		}
		if len(lines) != 1 || !strings.Contains(lines[0], hc.want) {
			t.Errorf("want one wisp: line containing %q, got %q", hc.want, lines)
		}
		if strings.ContainsAny(r.stderr, "\x1b\r") {
			t.Errorf("stderr has control characters: %q", r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("stdout %q, want nothing", r.stdout)
		}
		if ents := fixture.DirEntries(t, c.out); len(ents) != 0 {
			t.Errorf("the output directory holds %v after a failure", ents)
		}
	}
	if hc.check != nil {
		hc.check(c, r)
	}
}

// run runs wisp with args and the case's store, without credentials.
func (c *hctx) run(hc hostileCase, args []string) proc {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	rss := filepath.Join(c.dir, "rss")
	cmd := exec.CommandContext(ctx, c.env.time, append([]string{"-f", "%M", "-o", rss, c.env.bin, "--cache", c.cache}, args...)...)
	docker := filepath.Join(c.dir, "docker")
	if err := os.MkdirAll(docker, 0o700); err != nil {
		c.t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+docker, "WISP_CACHE=", "TMPDIR="+c.dir)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var stdin io.WriteCloser
	if hc.answer != nil {
		var err error
		if stdin, err = cmd.StdinPipe(); err != nil {
			c.t.Fatal(err)
		}
	}
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	if hc.during != nil {
		hc.during(c, child(c.t, cmd.Process.Pid))
	}
	if stdin != nil {
		for !strings.Contains(stderr.String(), "[y/N]") && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		// A failed write is reported, not fatal: wisp is still running,
		// and Wait below reaps it (or the context ends it).
		if _, err := io.WriteString(stdin, hc.answer(c)); err != nil {
			c.t.Errorf("answering wisp's question: %v", err)
		}
		if err := stdin.Close(); err != nil {
			c.t.Errorf("closing wisp's stdin: %v", err)
		}
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		c.t.Fatalf("wisp did not finish within 3 minutes\nstderr:\n%s", stderr.String())
	}
	r := proc{stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
	if err != nil && r.code <= 0 {
		c.t.Fatalf("wisp: %v\nstderr:\n%s", err, r.stderr)
	}
	// time's last line is the peak RSS in KiB (after "Command exited
	// with non-zero status N", when it did).
	b, err := os.ReadFile(rss)
	lines := strings.Fields(strings.TrimSpace(string(b)))
	if err != nil || len(lines) == 0 {
		c.t.Fatalf("no peak RSS from time: %v %q", err, b)
	}
	kib, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		c.t.Fatalf("time says %q", b)
	}
	r.rss = kib << 10
	return r
}

// child is the process time started: wisp, to send it signals (time
// ignores SIGINT while it waits).
func child(t *testing.T, pid int) *os.Process {
	t.Helper()
	var readErr error
	for i := 0; i < 500; i++ {
		// Until time has forked, the list is empty (or, if it ended, gone):
		// a failed read is tried again, and reported if it never works.
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
		readErr = err
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, err := strconv.Atoi(f[0])
			if err != nil {
				t.Fatalf("/proc/%d/task/%d/children holds %q: %v", pid, pid, b, err)
			}
			p, err := os.FindProcess(n)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("time (pid %d) started no wisp (last read of its children: %v)", pid, readErr)
	return nil
}

// wisp runs wisp in this process, for a case's setup.
func (c *hctx) wisp(args ...string) string {
	c.t.Helper()
	r := wisp(context.Background(), append([]string{"--cache", c.cache}, args...)...)
	if r.code != 0 {
		c.t.Fatalf("setup: wisp %v: %+v", args, r)
	}
	return r.stdout
}

// base imports the fixture kernel into the case's store.
func (c *hctx) base() string {
	c.wisp("base", "import", "--target", "qemu-amd64", "--kernel-deb", c.env.deb)
	return "base-qemu-amd64:latest"
}

// file writes b to name in the case's directory and returns its path.
func (c *hctx) file(name string, b []byte) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		c.t.Fatal(err)
	}
	return p
}

// push puts an image or index into the CNCF registry as repo:1 and
// returns its reference through the fault proxy.
func (c *hctx) push(repo string, x any) string {
	c.t.Helper()
	registrytest.Put(c.t, c.env.reg, repo+":1", x)
	return c.env.proxy + "/" + repo + ":1"
}

// lazily makes a shared fixture once.
func (env *hostileEnv) lazily(key string, make func() any) any {
	v, _ := env.once.LoadOrStore(key, &onceValue{})
	o := v.(*onceValue)
	o.once.Do(func() { o.v = make() })
	return o.v
}

type onceValue struct {
	once sync.Once
	v    any
}

// TestSecurityDocListsTheSuite keeps docs/security.md's table of hostile
// inputs the suite's: WISP_UPDATE_DOCS=1 rewrites it.
func TestSecurityDocListsTheSuite(t *testing.T) {
	const file, begin, end = "../../docs/security.md", "<!-- hostile-suite:begin -->", "<!-- hostile-suite:end -->"
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, begin), strings.Index(doc, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %s … %s section", file, begin, end)
	}
	var table bytes.Buffer
	table.WriteString("\n| input | case | result |\n| --- | --- | --- |\n")
	for _, c := range hostileCases() {
		result := c.result
		if result == "" && c.want != "" {
			result = "refused: “" + c.want + "”"
		}
		if result == "" {
			result = "succeeds"
		}
		fmt.Fprintf(&table, "| %s | %s | %s |\n", c.input, c.name, strings.ReplaceAll(result, "|", "\\|"))
	}
	fmt.Fprintf(&table, "\n%d cases.\n", len(hostileCases()))
	want := doc[:i+len(begin)] + table.String() + doc[j:]
	if want == doc {
		return
	}
	if os.Getenv("WISP_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(file, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's table differs from the suite's cases: run WISP_UPDATE_DOCS=1 go test ./cmd/wisp -run TestSecurityDocListsTheSuite", file)
}
