package appbinary

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/limits"
)

// isErr is errors.Is that also wants no error when target is nil.
func isErr(err, target error) bool {
	if target == nil {
		return err == nil
	}
	return errors.Is(err, target)
}

func ep(argv ...string) v1.Config { return v1.Config{Entrypoint: argv} }

func TestBinaryFromImage(t *testing.T) {
	base := []ent{dir("etc/"), data("etc/passwd", "root:x:0:0::/:/sbin/nologin\n")}
	for _, tt := range []struct {
		name       string
		config     v1.Config
		layers     [][]ent
		binaryPath string
		wantPath   string
		wantBody   string
		wantArgs   []string
		wantErr    error  // errors.Is
		wantText   string // in the error
	}{
		{name: "ko", config: v1.Config{Entrypoint: []string{"/ko-app/hello"}, Env: []string{"PATH=/usr/local/bin:/ko-app", "KO_DATA_PATH=/var/run/ko"}},
			layers:   [][]ent{base, {dir("ko-app/"), reg("ko-app/hello", "hello")}},
			wantPath: "/ko-app/hello", wantBody: "hello"},
		{name: "from scratch", config: v1.Config{Entrypoint: []string{"/svc"}, Cmd: []string{"--port", "8080"}, User: "1000:1000"},
			layers:   [][]ent{{reg("svc", "svc")}},
			wantPath: "/svc", wantBody: "svc", wantArgs: []string{"--port", "8080"}},
		{name: "entrypoint args then cmd", config: v1.Config{Entrypoint: []string{"/svc", "serve"}, Cmd: []string{"-v"}},
			layers:   [][]ent{{reg("svc", "svc")}},
			wantPath: "/svc", wantBody: "svc", wantArgs: []string{"serve", "-v"}},
		{name: "cmd only", config: v1.Config{Cmd: []string{"/svc", "-v"}},
			layers:   [][]ent{{reg("svc", "svc")}},
			wantPath: "/svc", wantBody: "svc", wantArgs: []string{"-v"}},
		{name: "empty entrypoint resets", config: v1.Config{Entrypoint: []string{""}, Cmd: []string{"/svc"}},
			layers:   [][]ent{{reg("svc", "svc")}},
			wantPath: "/svc", wantBody: "svc"},
		{name: "symlink chain", config: ep("/usr/bin/svc"),
			layers: [][]ent{
				{reg("usr/lib/svc/v2/svc", "v2"), reg("usr/lib/svc/v1/svc", "v1")},
				{sym("usr/lib/svc/current", "v2/svc"), sym("usr/bin/svc", "../lib/svc/current")},
			},
			wantPath: "/usr/lib/svc/v2/svc", wantBody: "v2"},
		{name: "symlinked directory", config: ep("/opt/app/bin/svc"),
			layers:   [][]ent{{reg("srv/app-1.2/bin/svc", "1.2"), sym("opt/app", "/srv/app-1.2")}},
			wantPath: "/srv/app-1.2/bin/svc", wantBody: "1.2"},
		{name: "hard link", config: ep("/bin/svc"),
			layers:   [][]ent{{reg("usr/bin/svc", "linked"), hard("bin/svc", "usr/bin/svc")}},
			wantPath: "/bin/svc", wantBody: "linked"},
		{name: "upper layer replaces", config: ep("/svc"),
			layers:   [][]ent{{reg("svc", "old")}, {reg("svc", "new")}},
			wantPath: "/svc", wantBody: "new"},
		{name: "whited out", config: ep("/svc"),
			layers:  [][]ent{{reg("svc", "svc")}, {whiteout("", "svc")}},
			wantErr: ErrNotInImage, wantText: "finding the binary /svc in image sha256:"},
		{name: "parent whited out", config: ep("/app/svc"),
			layers:  [][]ent{{reg("app/svc", "svc")}, {whiteout("", "app")}},
			wantErr: ErrNotInImage, wantText: "/app: no such file"},
		{name: "opaque directory hides", config: ep("/app/svc"),
			layers:  [][]ent{{reg("app/svc", "svc")}, {opaque("app/"), reg("app/new", "new")}},
			wantErr: ErrNotInImage, wantText: "/app/svc: no such file"},
		{name: "opaque directory keeps its own", config: ep("/app/new"),
			layers:   [][]ent{{reg("app/svc", "svc")}, {opaque("app/"), reg("app/new", "new")}},
			wantPath: "/app/new", wantBody: "new"},
		{name: "PATH lookup", config: v1.Config{Entrypoint: []string{"svc"}, Env: []string{"PATH=/a:/b:/c"}},
			layers:   [][]ent{{dir("a/svc/"), data("b/svc", "not executable"), reg("c/svc", "c"), reg("d/svc", "d")}},
			wantPath: "/c/svc", wantBody: "c"},
		{name: "default PATH", config: ep("svc"),
			layers:   [][]ent{{reg("bin/svc", "bin"), reg("usr/bin/svc", "usr/bin")}},
			wantPath: "/usr/bin/svc", wantBody: "usr/bin"},
		{name: "not in PATH", config: v1.Config{Entrypoint: []string{"svc"}, Env: []string{"PATH=/a:/b"}},
			layers:  [][]ent{{reg("c/svc", "c")}},
			wantErr: ErrNotInImage, wantText: "no executable svc in PATH /a:/b"},
		{name: "relative to WorkingDir", config: v1.Config{Entrypoint: []string{"./bin/svc"}, WorkingDir: "/srv"},
			layers:   [][]ent{{reg("srv/bin/svc", "srv"), reg("bin/svc", "root")}},
			wantPath: "/srv/bin/svc", wantBody: "srv"},
		{name: "relative without WorkingDir", config: ep("bin/svc"),
			layers:   [][]ent{{reg("srv/bin/svc", "srv"), reg("bin/svc", "root")}},
			wantPath: "/bin/svc", wantBody: "root"},
		{name: "binary path overrides the wrapper", config: v1.Config{Entrypoint: []string{"/entrypoint.sh"}, Cmd: []string{"--port", "1"}},
			layers:     [][]ent{{reg("entrypoint.sh", "#!/bin/sh\nexec svc \"$@\"\n"), reg("usr/bin/svc", "svc")}},
			binaryPath: "svc", wantPath: "/usr/bin/svc", wantBody: "svc"},
		{name: "binary path without entrypoint", config: v1.Config{},
			layers:     [][]ent{{reg("svc", "svc")}},
			binaryPath: "/svc", wantPath: "/svc", wantBody: "svc"},
		{name: "no entrypoint", config: v1.Config{Env: []string{"PATH=/"}},
			layers:  [][]ent{{reg("svc", "svc")}},
			wantErr: ErrNoEntrypoint, wantText: "pass --binary-path"},
		{name: "shell form", config: v1.Config{Entrypoint: []string{"/bin/sh", "-c", "svc --port 1"}},
			layers:  [][]ent{{reg("bin/sh", "sh"), reg("bin/svc", "svc")}},
			wantErr: ErrNoEntrypoint, wantText: "shell command"},
		{name: "missing", config: ep("/svc"),
			layers:  [][]ent{base},
			wantErr: ErrNotInImage, wantText: "/svc: no such file in the image"},
		{name: "directory", config: ep("/app"),
			layers:  [][]ent{{reg("app/svc", "svc")}},
			wantErr: errNotRegular, wantText: "/app is a directory"},
		{name: "symlink to a directory", config: ep("/svc"),
			layers:  [][]ent{{reg("app/svc", "svc"), sym("svc", "app")}},
			wantErr: errNotRegular, wantText: "/app is a directory"},
		{name: "relative escape dropped by Extract", config: ep("/usr/bin/svc"),
			layers:  [][]ent{{reg("etc/passwd", "image passwd"), sym("usr/bin/svc", "../../../../etc/passwd")}},
			wantErr: ErrNotInImage},
		{name: "absolute escape stays in the image", config: ep("/usr/bin/svc"),
			layers:   [][]ent{{reg("etc/passwd", "image passwd"), sym("usr/bin/svc", "/../../../../etc/passwd")}},
			wantPath: "/etc/passwd", wantBody: "image passwd"},
		{name: "absolute link to a host file", config: ep("/svc"),
			layers:  [][]ent{{sym("svc", "/etc/passwd")}},
			wantErr: ErrNotInImage, wantText: "/etc: no such file"},
		{name: "symlink loop", config: ep("/svc"),
			layers:  [][]ent{{sym("svc", "a"), sym("a", "/svc")}},
			wantErr: errSymlinkLoop, wantText: "too many levels of symbolic links"},
		{name: "no layers", config: ep("/svc"),
			wantErr: ErrNotInImage},
		{name: "unsafe layer surfaces after the trailer", config: ep("/svc"),
			layers:   [][]ent{{reg("svc", "svc"), reg("../evil", "x")}},
			wantText: "unsafe tar path"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			b, err := FromImage(context.Background(), testImage(t, tt.config, tt.layers...), tt.binaryPath, tmp, limits.Binary)
			if tt.wantErr != nil || tt.wantText != "" {
				if err == nil || !isErr(err, tt.wantErr) && tt.wantErr != nil || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantText)
				}
				if ents := fixture.DirEntries(t, tmp); len(ents) != 0 {
					t.Errorf("files left in tmpDir: %v", ents)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(b.File)
			if err != nil {
				t.Fatal(err)
			}
			if b.Path != tt.wantPath || string(got) != tt.wantBody {
				t.Errorf("got %s holding %q, want %s holding %q", b.Path, got, tt.wantPath, tt.wantBody)
			}
			if !reflect.DeepEqual(b.Args, tt.wantArgs) {
				t.Errorf("args = %q, want %q", b.Args, tt.wantArgs)
			}
			if !reflect.DeepEqual(b.Env, tt.config.Env) || b.User != tt.config.User || b.WorkingDir != tt.config.WorkingDir {
				t.Errorf("env %q user %q workdir %q, want the config's %q %q %q", b.Env, b.User, b.WorkingDir, tt.config.Env, tt.config.User, tt.config.WorkingDir)
			}
		})
	}
}
