package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/spf13/pflag"

	"github.com/wispboot/wisp/internal/settings"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/oci"
	"github.com/wispboot/wisp/qemu"
)

const schemaFile = "../../docs/wisp.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("compiling %s: %v", schemaFile, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, doc []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(doc)))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(v)
}

// TestEverySettingIsAFlag: every key internal/settings declares (and
// the schema lists, see TestSchemaIsGenerated there) is a flag of wisp
// build, wisp run or the root, and the values an enum declares are those
// its owner takes.
func TestEverySettingIsAFlag(t *testing.T) {
	fs := pflag.NewFlagSet("all", pflag.ContinueOnError)
	root, _ := newRoot()
	for _, c := range root.Commands() {
		if c.Name() == "run" || c.Name() == "build" {
			fs.AddFlagSet(c.Flags())
		}
	}
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) { fs.AddFlag(f) })
	owners := map[string]func(string) error{
		"pull":  func(v string) error { _, err := oci.ParsePullPolicy(v); return err },
		"accel": func(v string) error { _, err := qemu.ChooseAccel(v); return err },
	}
	for _, v := range settings.All() {
		for _, f := range settings.Fields(v) {
			if fs.Lookup(f.Flag) == nil {
				t.Errorf("key %s is --%s, which no command has", f.Key, f.Flag)
			}
			if len(f.Enum) > 0 && owners[f.Flag] == nil {
				t.Errorf("--%s declares values %v: add the check of their owner here", f.Flag, f.Enum)
			}
			for _, e := range f.Enum {
				if err := owners[f.Flag](e); err != nil {
					t.Errorf("--%s declares %q, which its owner refuses: %v", f.Flag, e, err)
				}
			}
		}
	}
}

func TestExamplesValidate(t *testing.T) {
	s := compileSchema(t)
	examples, err := filepath.Glob("../../docs/examples/*.json")
	if err != nil || len(examples) == 0 {
		t.Fatal("no examples in docs/examples")
	}
	for _, ex := range examples {
		t.Run(filepath.Base(ex), func(t *testing.T) {
			b := testenv.ReadFile(t, ex)
			if err := validate(t, s, b); err != nil {
				t.Errorf("schema: %v", err)
			}
			if _, err := readWispFile(ex); err != nil {
				t.Errorf("wisp: %v", err)
			}
		})
	}
}

func TestWispFileRejects(t *testing.T) {
	s := compileSchema(t)
	for _, tt := range []struct{ name, doc, want string }{
		{"unknown key", `{"target":"qemu-amd64","ipp":["10.0.2.15/24"]}`, "unknown key $.ipp"},
		{"wrong type", `{"dhcp":"yes"}`, "$.dhcp: want bool, not string"},
		{"wrong element type", `{"ip":[10]}`, "$.ip: want string, not number"},
		{"caCerts false", `{"caCerts":false}`, "$.caCerts: want true or a file name"},
		{"not an object", `["target"]`, "want map"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "wisp.json")
			testenv.WriteFile(t, f, []byte(tt.doc), 0o644)
			_, err := readWispFile(f)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), f) {
				t.Errorf("err = %v, want %q naming the file", err, tt.want)
			}
			if validate(t, s, []byte(tt.doc)) == nil {
				t.Errorf("the schema accepts %s", tt.doc)
			}
		})
	}
}

// TestWispFilePrecedence: the file fills what the command line leaves
// unset, paths are relative to the file, and flags win.
func TestWispFilePrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "conf", "wisp.json")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	testenv.WriteFile(t, file, []byte(`{
		"target": "qemu-amd64", "binary": "bin/svc", "hostname": "from-file", "dhcp": true,
		"dns": ["10.0.2.3", "1.1.1.1"], "env": {"B": "2", "A": "1"}, "layers": ["extra", "ghcr.io/org/tz:1"],
		"caCerts": true, "sysctls": {"net.core.somaxconn": "1024"}, "forward": ["8080:80"]
	}`), 0o644)
	f := &buildFlags{}
	fs := pflag.NewFlagSet("build", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse([]string{"--hostname", "from-flag", "--dns", "9.9.9.9"}); err != nil {
		t.Fatal(err)
	}
	if err := applyWispFile(fs, file); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"target", f.target.Target, "qemu-amd64"},
		{"binary", f.in.Binary, filepath.Join(dir, "conf", "bin", "svc")},
		{"hostname", f.set.Hostname, "from-flag"},
		{"dhcp", f.set.DHCP, true},
		{"dns", f.set.DNS, []string{"9.9.9.9"}},
		{"env", f.set.Env, []string{"A=1", "B=2"}},
		{"layers", f.in.Layers, []string{filepath.Join(dir, "conf", "extra"), "ghcr.io/org/tz:1"}},
		{"caCerts", f.in.CACerts, "/etc/ssl/certs/ca-certificates.crt"},
		{"sysctls", f.set.Sysctls, []string{"net.core.somaxconn=1024"}},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestWispFileConfined: what a wisp.json from a cloned repository may
// not do: name a profile file, pass QEMU arguments, weaken registry
// security, or reach files outside its directory.
func TestWispFileConfined(t *testing.T) {
	outside := t.TempDir()
	testenv.WriteFile(t, filepath.Join(outside, "secret.pem"), []byte("-----BEGIN CERTIFICATE-----"), 0o600)
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"a profile file as target", `{"target":"board.json"}`, `"board.json" is not a built-in board`},
		{"a profile file up the tree", `{"target":"../board.json"}`, `is not a built-in board`},
		{"QEMU arguments", `{"qemuArgs":["-netdev","user,id=n,smb=/"]}`, "$.qemuArgs is not allowed in wisp.json"},
		{"insecure registries", `{"insecure":true}`, "$.insecure is not allowed in wisp.json"},
		{"the store", `{"cache":"/tmp/x"}`, "$.cache is not allowed in wisp.json"},
		{"an absolute binary", `{"binary":"/etc/shadow"}`, `"/etc/shadow" is absolute`},
		{"a layer up the tree", `{"layers":["../../home/u/.ssh"]}`, `"../../home/u/.ssh" leaves wisp.json's directory`},
		{"a CA bundle up the tree", `{"caCerts":"../secret.pem"}`, `leaves wisp.json's directory`},
		{"a binary through a symlink", `{"binary":"link"}`, `"link" leads out of wisp.json's directory through a symbolic link`},
		{"an output through a symlink", `{"out":"outlink/appliance"}`, `"outlink/appliance" leads out`},
		{"a layer in a linked directory", `{"layers":["dirlink/secret.pem"]}`, `"dirlink/secret.pem" leads out`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for link, to := range map[string]string{"link": filepath.Join(outside, "secret.pem"), "outlink": outside, "dirlink": outside} {
				if err := os.Symlink(to, filepath.Join(dir, link)); err != nil {
					t.Fatal(err)
				}
			}
			testenv.WriteFile(t, filepath.Join(dir, "board.json"), []byte(`{}`), 0o644)
			file := filepath.Join(dir, "wisp.json")
			testenv.WriteFile(t, file, []byte(tt.doc), 0o644)
			fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
			(&buildFlags{}).register(fs)
			fs.StringArray("qemu-arg", nil, "")
			fs.String("out", "", "")
			err := applyWispFile(fs, file)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestWispFileCommandLineWins: a path the file could not name is fine on
// the command line, which then takes the file's key's place.
func TestWispFileCommandLineWins(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "wisp.json")
	testenv.WriteFile(t, file, []byte(`{"binary":"/etc/shadow","target":"x.json"}`), 0o644)
	f := &buildFlags{}
	fs := pflag.NewFlagSet("build", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse([]string{"--binary", "/usr/bin/true", "--target", filepath.Join(dir, "b.json")}); err != nil {
		t.Fatal(err)
	}
	if err := applyWispFile(fs, file); err != nil {
		t.Fatalf("flags given on the command line: %v", err)
	}
	if f.in.Binary != "/usr/bin/true" {
		t.Errorf("binary = %q", f.in.Binary)
	}
}

// FuzzWispFile: any wisp.json is decoded into keys the table knows, with
// values of the types the flags take, or refused; never a key a wisp.json
// may not set.
func FuzzWispFile(f *testing.F) {
	examples, err := filepath.Glob("../../docs/examples/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, ex := range examples {
		b := testenv.ReadFile(f, ex)
		f.Add(b)
	}
	f.Add([]byte(`{"qemuArgs":["-x"],"target":"../b.json"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		values, err := parseWispFile("fuzz.json", b)
		if err != nil {
			return
		}
		for k := range values {
			if _, ok := settings.Lookup(k); !ok {
				t.Errorf("key %q taken", k)
			}
			if _, ok := commandLineOnly[k]; ok {
				t.Errorf("command-line-only key %q taken", k)
			}
		}
	})
}

// TestSchemaAndWispAgree: the schema and wisp take the same documents —
// one with every key set to a valid value is taken by both (the rejects
// table checks that what wisp refuses the schema refuses too).
func TestSchemaAndWispAgree(t *testing.T) {
	every := map[string]any{}
	for _, v := range settings.All() {
		for _, f := range settings.Fields(v) {
			every[f.Key] = f.Example()
		}
	}
	doc, err := json.Marshal(every)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, compileSchema(t), doc); err != nil {
		t.Errorf("the schema refuses a document wisp takes: %v", err)
	}
	f := filepath.Join(t.TempDir(), "wisp.json")
	testenv.WriteFile(t, f, doc, 0o644)
	if _, err := readWispFile(f); err != nil {
		t.Errorf("wisp refuses a document of every key: %v", err)
	}
}
