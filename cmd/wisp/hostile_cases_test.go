package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/wispboot/wisp/internal/compose"
	"github.com/wispboot/wisp/internal/fixture"
	"github.com/wispboot/wisp/internal/registrytest"
	"github.com/wispboot/wisp/internal/testenv"
	"github.com/wispboot/wisp/layers"
	"github.com/wispboot/wisp/oci"
)

// The inputs of docs/security.md, as the table names them.
const (
	inPulled   = "pulled image"
	inPackage  = "kernel or firmware package"
	inProfile  = "board profile file"
	inWispJSON = "wisp.json"
	inExtra    = "extra layer"
	inRegistry = "registry answers"
	inOutputs  = "outputs and Ctrl-C"
	inFlash    = "flash target"
)

func hostileCases() []hostileCase {
	return concat(pulledCases(), packageCases(), profileCases(), wispJSONCases(), extraCases(), registryCases(), outputCases(), flashCases())
}

func concat(groups ...[]hostileCase) []hostileCase {
	var all []hostileCase
	for _, g := range groups {
		all = append(all, g...)
	}
	return all
}

// --- pulled images -------------------------------------------------------

// evilProfile is a profile file whose QEMU "binary" is a script that
// would create the case's marker: what an image label once made wisp run.
func (c *hctx) evilProfile() string {
	script := c.file("evil.sh", []byte("#!/bin/sh\ntouch "+c.marker+"\n"))
	if err := os.Chmod(script, 0o755); err != nil {
		c.t.Fatal(err)
	}
	return c.file("evil.json", []byte(`{"name":"evil","platform":{"os":"linux","architecture":"amd64"},"pageSize":4096,
		"kernel":{"file":"vmlinux"},"qemu":{"binary":"`+script+`","machine":"q35","memoryMiB":256}}`))
}

// appliance is an image labelled as a wisp appliance for board, with
// the given layers (role annotations as given).
func applianceImage(board string, adds ...mutate.Addendum) v1.Image {
	img, err := compose.Image(v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Config{Labels: map[string]string{
		layers.LabelKind: layers.KindAppliance, layers.LabelBoard: board, layers.LabelCmdline: "console=ttyS0",
	}}, adds...)
	if err != nil {
		panic(err)
	}
	return img
}

func role(l v1.Layer, r layers.Role) mutate.Addendum {
	return mutate.Addendum{Layer: l, Annotations: map[string]string{layers.AnnotationRole: string(r)}}
}

func fileLayer(files ...layers.File) v1.Layer {
	l, err := layers.Layer(files)
	if err != nil {
		panic(err)
	}
	return l
}

// bomb is a gzip'd layer holding one file of size zero bytes at path:
// a few hundred KB that unpack to size. Made once per run.
func (env *hostileEnv) bomb(path string, size int64) v1.Layer {
	key := fmt.Sprintf("bomb %s %d", path, size)
	return env.lazily(key, func() any {
		// Made once for every case that shares it, so it has no case's
		// t: a failure panics, as the other shared fixtures here do.
		var z bytes.Buffer
		zw, err := gzip.NewWriterLevel(&z, gzip.BestSpeed)
		if err != nil {
			panic(err)
		}
		tw := tar.NewWriter(zw)
		if err := tw.WriteHeader(&tar.Header{Name: path, Typeflag: tar.TypeReg, Mode: 0o644, Size: size}); err != nil {
			panic(err)
		}
		zero := make([]byte, 1<<20)
		for n := int64(0); n < size; n += int64(len(zero)) {
			if _, err := tw.Write(zero[:min(int64(len(zero)), size-n)]); err != nil {
				panic(err)
			}
		}
		if err := tw.Close(); err != nil {
			panic(err)
		}
		if err := zw.Close(); err != nil {
			panic(err)
		}
		b := z.Bytes()
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil },
			tarball.WithMediaType(types.OCILayer))
		if err != nil {
			panic(err)
		}
		return l
	}).(v1.Layer)
}

// build is a qemu-amd64 build of binary on the fixture base, into the
// case's output directory.
func (c *hctx) build(binary string, more ...string) []string {
	return append([]string{"build", "--target", "qemu-amd64", "--base", c.base(), "--binary", binary, "--out", c.out}, more...)
}

// appImage is a linux/amd64 image of one layer whose entrypoint is ep.
func appImage(l v1.Layer, ep string) v1.Image {
	img, err := compose.Image(v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Config{Entrypoint: []string{ep}}, mutate.Addendum{Layer: l})
	if err != nil {
		panic(err)
	}
	return img
}

// koApp is an image whose entrypoint is the static test binary.
func (c *hctx) koApp() v1.Image {
	return koImage(c.t, c.env.svc)
}

func pulledCases() []hostileCase {
	return []hostileCase{
		{input: inPulled, name: "dev.wisp.board names a profile file whose QEMU is a script (wisp run REF)",
			args: func(c *hctx) []string {
				return []string{"run", c.push("label-path/app", applianceImage(c.evilProfile())), "--accel", "tcg"}
			},
			want: "which is not built into wisp: pass its profile with --target FILE.json"},
		{input: inPulled, name: "dev.wisp.board names a profile file (wisp export REF)",
			args: func(c *hctx) []string {
				return []string{"export", c.push("label-path-export/app", applianceImage(c.evilProfile())), "--out", c.out}
			},
			want: "which is not built into wisp"},
		{input: inPulled, name: "dev.wisp.board names a profile file (wisp flash REF)",
			args: func(c *hctx) []string {
				disk := c.file("disk.raw", nil)
				return []string{"flash", c.push("label-path-flash/app", applianceImage(c.evilProfile())), disk, "--yes"}
			},
			want: "which is not built into wisp"},
		{input: inPulled, name: "dev.wisp.board holds terminal escape sequences",
			args: func(c *hctx) []string {
				return []string{"export", c.push("label-escape/app", applianceImage("\x1b[2J\x1b[31mpi9\r")), "--out", c.out}
			},
			want: `"?[2J?[31mpi9?"`},
		{input: inPulled, name: "image that is not a wisp appliance",
			args: func(c *hctx) []string {
				img, err := random.Image(64, 1)
				if err != nil {
					c.t.Fatal(err)
				}
				return []string{"export", c.push("not-appliance/app", img), "--out", c.out}
			},
			want: "not a wisp appliance"},
		{input: inPulled, name: "config blob of 5 MiB (wisp inspect)",
			args: func(c *hctx) []string {
				img, err := mutate.Config(empty.Image, v1.Config{Env: []string{"X=" + strings.Repeat("x", 5<<20)}})
				if err != nil {
					c.t.Fatal(err)
				}
				img, err = mutate.Append(img, mutate.Addendum{Layer: fileLayer(layers.Bytes("a", 0o644, []byte("a")))})
				if err != nil {
					c.t.Fatal(err)
				}
				return []string{"inspect", c.push("big-config/app", img)}
			},
			want: "its config blob is 5.0 MiB, over wisp's limit (at most 4 MiB)"},
		{input: inPulled, name: "129 layers",
			args: func(c *hctx) []string {
				img, err := random.Image(16, 129)
				if err != nil {
					c.t.Fatal(err)
				}
				return []string{"inspect", c.push("many-layers/app", img)}
			},
			want: "its layer count is 129 layers, over wisp's limit (at most 128 layers)"},
		{input: inPulled, name: "manifest of 10 MiB",
			args: func(c *hctx) []string {
				ref := c.push("huge-manifest/app", c.koApp())
				c.env.faults.Set("huge-manifest/app", registrytest.Fault{Manifest: bytes.Repeat([]byte(" "), 10<<20)})
				return []string{"inspect", ref}
			},
			want: "the registry's answer to GET /v2/huge-manifest/app/manifests/1 is over wisp's limit: more than 4 MiB"},
		{input: inPulled, name: "config layer whose config.json unpacks to 512 MiB (wisp inspect)",
			args: func(c *hctx) []string {
				img := applianceImage("qemu-amd64", role(c.env.bomb("etc/wisp/config.json", 512<<20), layers.RoleConfig))
				return []string{"inspect", c.push("config-bomb/app", img)}
			},
			want: "/etc/wisp/config.json is 512 MiB, over wisp's limit (at most 1 MiB)"},
		{input: inPulled, name: "appliance whose app layer unpacks to 1 GiB (wisp export)",
			args: func(c *hctx) []string {
				img := applianceImage("qemu-amd64", role(c.env.bomb("app/svc", 1<<30), layers.RoleApp))
				return []string{"export", c.push("app-bomb/app", img), "--out", c.out}
			},
			want: "the initramfs up to /app/svc is 1 GiB, over wisp's limit (at most 128 MiB)"},
		{input: inPulled, name: "app image whose binary is 200 MiB, over the board's RAM budget",
			args: func(c *hctx) []string {
				return c.build(c.push("huge-binary/app", appImage(c.env.bomb("ko-app/svc", 200<<20), "/ko-app/svc")))
			},
			want: "/ko-app/svc is 200 MiB, over wisp's limit (at most 128 MiB)"},
		{input: inPulled, name: "entrypoint is a symlink that climbs out of the image",
			args: func(c *hctx) []string {
				link := fileLayer(layers.File{Path: "app", Mode: os.ModeSymlink | 0o777, Link: "../../../../../../" + strings.TrimPrefix(c.env.svc, "/")})
				return c.build(c.push("escaping-entrypoint/app", appImage(link, "/app")))
			},
			want: "no such file in the image"},
		{input: inPulled, name: "base whose kernel layer also brings an /init",
			args: func(c *hctx) []string {
				kernel := fileLayer(layers.Bytes("boot/vmlinux", 0o644, fixture.Vmlinux), layers.Bytes("init", 0o755, []byte("#!/bin/sh")))
				base, err := compose.Image(v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Config{Labels: map[string]string{
					layers.LabelKind: layers.KindBase, layers.LabelBoard: "qemu-amd64"}},
					role(kernel, layers.RoleKernel), role(modulesLayer(c), layers.RoleModules))
				if err != nil {
					c.t.Fatal(err)
				}
				return []string{"build", "--target", "qemu-amd64", "--base", c.push("base-with-init/base", base), "--binary", c.env.svc, "--out", c.out}
			},
			want: "init is outside boot/, where a board base's firmware and kernel layers keep everything"},
		{input: inPulled, name: "init image whose layer brings more than /init",
			args: func(c *hctx) []string {
				initBin := testenv.ReadFile(c.t, c.env.svc)
				img, err := compose.Image(v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Config{Labels: map[string]string{layers.LabelKind: layers.KindInit}},
					role(fileLayer(layers.Bytes("init", 0o755, initBin), layers.Bytes("lib/modules/x.ko", 0o644, []byte("x"))), layers.RoleInit))
				if err != nil {
					c.t.Fatal(err)
				}
				return c.build(c.env.svc, "--init", c.push("fat-init/init", img))
			},
			want: "the init layer holds lib/: it may hold /init and nothing else"},
		{input: inPulled, name: "base whose config has no diff_ids; --out must not change",
			args: func(c *hctx) []string {
				base := storedBase(c)
				cf, err := base.ConfigFile()
				if err != nil {
					c.t.Fatal(err)
				}
				cf = cf.DeepCopy()
				cf.RootFS.DiffIDs = nil
				base, err = mutate.ConfigFile(base, cf)
				if err != nil {
					c.t.Fatal(err)
				}
				return []string{"build", "--target", "qemu-amd64", "--base", c.push("no-diff-ids/base", base), "--binary", c.env.svc, "--out", c.out}
			},
			want: "diff ID unknown"},
	}
}

// storedBase is the fixture base, imported into a store of its own.
func storedBase(c *hctx) v1.Image {
	s := c.env.lazily("base store", func() any {
		dir := c.env.bin + ".base"
		r := wisp(context.Background(), "--cache", dir, "base", "import", "--target", "qemu-amd64", "--kernel-deb", c.env.deb)
		if r.code != 0 {
			panic(r.stderr)
		}
		return dir
	}).(string)
	st, err := oci.OpenStore(s)
	if err != nil {
		c.t.Fatal(err)
	}
	img, err := st.Image("base-qemu-amd64:latest")
	if err != nil {
		c.t.Fatal(err)
	}
	return img
}

// modulesLayer is the fixture base's modules layer.
func modulesLayer(c *hctx) v1.Layer {
	ls, err := storedBase(c).Layers()
	if err != nil {
		c.t.Fatal(err)
	}
	if len(ls) == 0 {
		c.t.Fatal("the fixture base has no layers")
	}
	return ls[len(ls)-1]
}

// --- kernel and firmware packages ---------------------------------------

const hostileKernel = "6.1.0-66-amd64"

// kernelDeb is a linux-image package whose data tar is entries.
func kernelDeb(entries ...fixture.Entry) []byte {
	return fixture.Deb{Package: "linux-image-" + hostileKernel, Data: fixture.RawTar(entries...)}.Bytes()
}

func reg(name string, content []byte) fixture.Entry {
	return fixture.Entry{Header: tar.Header{Name: name, Mode: 0o644}, Content: content}
}

func (c *hctx) importDeb(target, name string, deb []byte, more ...string) []string {
	return append([]string{"base", "import", "--target", target, "--kernel-deb", c.file(name, deb)}, more...)
}

func packageCases() []hostileCase {
	mods := "./lib/modules/" + hostileKernel + "/"
	return []hostileCase{
		{input: inPackage, name: "kernel entry claims 1 TiB",
			args: func(c *hctx) []string {
				return c.importDeb("qemu-amd64", "tib.deb", kernelDeb(fixture.Entry{Header: tar.Header{Name: "./boot/vmlinuz-" + hostileKernel, Size: 1 << 40}, Content: bytes.Repeat([]byte{1}, 64<<10)}))
			},
			want: "the kernel image is 1024 GiB, over wisp's limit (at most 64 MiB)"},
		{input: inPackage, name: "virtio_net.ko.zst inflates to 1 GiB",
			args: func(c *hctx) []string {
				bomb := c.env.lazily("zst bomb", func() any {
					var z bytes.Buffer
					zw, err := zstd.NewWriter(&z, zstd.WithEncoderLevel(zstd.SpeedFastest))
					if err != nil {
						panic(err)
					}
					zero := make([]byte, 1<<20)
					for i := 0; i < 1024; i++ {
						if _, err := zw.Write(zero); err != nil {
							panic(err)
						}
					}
					if err := zw.Close(); err != nil {
						panic(err)
					}
					return z.Bytes()
				}).([]byte)
				return c.importDeb("qemu-amd64", "zst.deb", kernelDeb(
					reg("./boot/vmlinuz-"+hostileKernel, fixture.BzImage(fixture.Vmlinux)),
					reg(mods+"kernel/drivers/net/virtio_net.ko.zst", bomb)))
			},
			want: "kernel/drivers/net/virtio_net.ko.zst, decompressed, is over wisp's limit: more than 128 MiB"},
		{input: inPackage, name: "bzImage whose payload claims a 4 GiB vmlinux",
			args: func(c *hctx) []string {
				bz := fixture.BzImage(fixture.Vmlinux)
				for i := len(bz) - 4; i < len(bz); i++ {
					bz[i] = 0xff // the size the kernel build appends
				}
				return c.importDeb("qemu-amd64", "vmlinux.deb", kernelDeb(reg("./boot/vmlinuz-"+hostileKernel, bz)))
			},
			want: "the vmlinux in the bzImage is 4.0 GiB, over wisp's limit (at most 512 MiB)"},
		{input: inPackage, name: "modules.builtin claims 64 MiB",
			args: func(c *hctx) []string {
				return c.importDeb("qemu-amd64", "builtin.deb", kernelDeb(
					reg("./boot/vmlinuz-"+hostileKernel, fixture.BzImage(fixture.Vmlinux)),
					fixture.Entry{Header: tar.Header{Name: mods + "modules.builtin", Size: 64 << 20}, Content: []byte("x")}))
			},
			want: "modules.builtin is 64 MiB, over wisp's limit (at most 16 MiB)"},
		{input: inPackage, name: "an entry named ../../… writes nothing outside the import",
			args: func(c *hctx) []string {
				return c.importDeb("qemu-amd64", "escape.deb", kernelDeb(
					reg("./boot/vmlinuz-"+hostileKernel, fixture.BzImage(fixture.Vmlinux)),
					reg("../../../../../../../../../.."+c.marker, []byte("pwned")),
					reg(mods+"kernel/net/core/failover.ko", fixture.Module("failover"))))
			},
			result: "imported; the entry is ignored, nothing is written outside the store"},
		{input: inPackage, name: "not a Debian package",
			args: func(c *hctx) []string {
				return []string{"base", "import", "--target", "qemu-amd64", "--kernel-deb", c.file("x.deb", []byte("MZ\x90\x00 not an ar archive"))}
			},
			want: "not an ar archive"},
		{input: inPackage, name: "a package cut short",
			args: func(c *hctx) []string {
				deb := fixture.KernelDeb(hostileKernel).Bytes()
				return []string{"base", "import", "--target", "qemu-amd64", "--kernel-deb", c.file("cut.deb", deb[:len(deb)*2/3])}
			},
			want: "truncated"},
		{input: inPackage, name: "raspi-firmware whose files claim 600 MiB",
			args: func(c *hctx) []string {
				fw := fixture.Deb{Package: "raspi-firmware", Data: fixture.RawTar(
					fixture.Entry{Header: tar.Header{Name: "./usr/lib/raspi-firmware/start4.elf", Size: 600 << 20}, Content: []byte("x")})}.Bytes()
				return []string{"base", "import", "--target", "pi4", "--kernel-deb", c.file("k.deb", fixture.ArmKernelDeb("6.1.0-99-arm64").Bytes()),
					"--firmware-deb", c.file("fw.deb", fw)}
			},
			want: "the firmware package's content is 600 MiB, over wisp's limit (at most 512 MiB)"},
	}
}

// --- profile files and wisp.json ----------------------------------------

func (c *hctx) profile(qemu string) string {
	return c.file("board.json", []byte(`{"name":"my-board","platform":{"os":"linux","architecture":"amd64"},"pageSize":4096,
		"kernel":{"file":"vmlinux"},"qemu":{`+qemu+`}}`))
}

func profileCases() []hostileCase {
	build := func(c *hctx, profile string) []string {
		return []string{"build", "--target", profile, "--binary", c.env.svc, "--out", c.out}
	}
	return []hostileCase{
		{input: inProfile, name: "qemu.binary names a script",
			args: func(c *hctx) []string { return build(c, c.evilProfile()) },
			want: `unknown field "binary"`},
		{input: inProfile, name: "qemu.args with a -netdev script",
			args: func(c *hctx) []string {
				return build(c, c.profile(`"machine":"q35","memoryMiB":256,"args":["-netdev","tap,id=n,script=`+c.marker+`"]`))
			},
			want: "only wisp's built-in profiles may pass arguments to QEMU"},
		{input: inProfile, name: "qemu.nic loads a host file as option ROM",
			args: func(c *hctx) []string {
				return build(c, c.profile(`"machine":"q35","memoryMiB":256,"nic":"virtio-net-pci,romfile=/etc/shadow"`))
			},
			want: `qemu.nic "virtio-net-pci,romfile=/etc/shadow" is not a QEMU device name`},
		{input: inProfile, name: "qemu.machine with an option that writes a file",
			args: func(c *hctx) []string {
				return build(c, c.profile(`"machine":"q35,dumpdtb=`+c.marker+`","memoryMiB":256`))
			},
			want: "is not a QEMU machine name (options are not allowed)"},
		{input: inProfile, name: "name is a path",
			args: func(c *hctx) []string {
				return build(c, c.file("b.json", []byte(`{"name":"../../../etc/cron.d/x","platform":{"os":"linux","architecture":"amd64"},"pageSize":4096,"kernel":{"file":"vmlinux"},"qemu":{"machine":"q35","memoryMiB":256}}`)))
			},
			want: `name "../../../etc/cron.d/x" is not a board name`},
	}
}

// wispJSON writes wisp.json (with the given text) into a project
// directory and returns build's arguments for it.
func (c *hctx) wispJSON(doc string) []string {
	return []string{"build", "-f", c.file("project/wisp.json", []byte(doc))}
}

func wispJSONCases() []hostileCase {
	return []hostileCase{
		{input: inWispJSON, name: "target names a profile file",
			args: func(c *hctx) []string {
				c.file("project/evil.json", []byte(`{"name":"evil"}`))
				return c.wispJSON(`{"target":"evil.json","binary":"svc"}`)
			},
			want: `$.target: "evil.json" is not a built-in board`},
		{input: inWispJSON, name: "qemuArgs",
			args: func(c *hctx) []string {
				return []string{"run", "-f", c.file("project/wisp.json", []byte(`{"target":"qemu-amd64","qemuArgs":["-netdev","user,id=n,smb=/"]}`))}
			},
			want: "$.qemuArgs is not allowed in wisp.json"},
		{input: inWispJSON, name: "insecure",
			args: func(c *hctx) []string { return c.wispJSON(`{"target":"qemu-amd64","insecure":true}`) },
			want: "$.insecure is not allowed in wisp.json"},
		{input: inWispJSON, name: "binary is an absolute path",
			args: func(c *hctx) []string { return c.wispJSON(`{"target":"qemu-amd64","binary":"/etc/shadow"}`) },
			want: `$.binary: "/etc/shadow" is absolute`},
		{input: inWispJSON, name: "a layer up the tree",
			args: func(c *hctx) []string {
				return c.wispJSON(`{"target":"qemu-amd64","binary":"svc","layers":["../../../root/.ssh"]}`)
			},
			want: `leaves wisp.json's directory`},
		{input: inWispJSON, name: "caCerts through a symlink out",
			args: func(c *hctx) []string {
				secret := c.file("secret.pem", []byte("-----BEGIN CERTIFICATE-----\nsecret\n"))
				if err := os.MkdirAll(filepath.Join(c.dir, "project"), 0o755); err != nil {
					c.t.Fatal(err)
				}
				if err := os.Symlink(secret, filepath.Join(c.dir, "project", "ca.pem")); err != nil {
					c.t.Fatal(err)
				}
				return c.wispJSON(`{"target":"qemu-amd64","binary":"svc","caCerts":"ca.pem"}`)
			},
			want: `"ca.pem" leads out of wisp.json's directory through a symbolic link`},
		{input: inWispJSON, name: "out through a symlink out",
			args: func(c *hctx) []string {
				if err := os.MkdirAll(filepath.Join(c.dir, "project"), 0o755); err != nil {
					c.t.Fatal(err)
				}
				if err := os.Symlink(c.dir, filepath.Join(c.dir, "project", "out")); err != nil {
					c.t.Fatal(err)
				}
				return c.wispJSON(`{"target":"qemu-amd64","binary":"svc","out":"out/x"}`)
			},
			want: `"out/x" leads out of wisp.json's directory`},
	}
}

// --- extra layers -------------------------------------------------------

// extraTar writes a tar of headers (regular files get "hi") and returns
// build's arguments with it as --layer.
func (c *hctx) extraTar(hs ...tar.Header) []string {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hs {
		if h.Typeflag == tar.TypeReg {
			h.Size = 2
		}
		if err := tw.WriteHeader(&h); err != nil {
			c.t.Fatalf("tar entry %s: %v", h.Name, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte("hi")); err != nil {
				c.t.Fatalf("tar entry %s: %v", h.Name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		c.t.Fatal(err)
	}
	return c.build(c.env.svc, "--layer", c.file("layer.tar", b.Bytes()))
}

func extraCases() []hostileCase {
	return []hostileCase{
		{input: inExtra, name: "a tar replacing /init",
			args: func(c *hctx) []string {
				return c.extraTar(tar.Header{Name: "init", Typeflag: tar.TypeReg, Mode: 0o755})
			},
			want: "init would replace /init, which wisp makes"},
		{input: inExtra, name: "a module the init loads as root",
			args: func(c *hctx) []string {
				return c.extraTar(tar.Header{Name: "lib/modules/6.1.0-99-amd64/kernel/drivers/net/virtio_net.ko", Typeflag: tar.TypeReg, Mode: 0o644})
			},
			want: "would replace /lib/modules, which wisp makes"},
		{input: inExtra, name: "/etc/wisp/config.json",
			args: func(c *hctx) []string {
				return c.extraTar(tar.Header{Name: "etc/wisp/config.json", Typeflag: tar.TypeReg, Mode: 0o644})
			},
			want: "would replace /etc/wisp, which wisp makes"},
		{input: inExtra, name: "etc as a symlink",
			args: func(c *hctx) []string {
				return c.extraTar(tar.Header{Name: "etc", Typeflag: tar.TypeSymlink, Linkname: "/srv", Mode: 0o777})
			},
			want: "etc is not a directory, and /etc/wisp, which wisp makes, is under it"},
		{input: inExtra, name: "a whiteout of /init",
			args: func(c *hctx) []string {
				return c.extraTar(tar.Header{Name: ".wh.init", Typeflag: tar.TypeReg, Mode: 0o644})
			},
			want: ".wh.init deletes /init, which wisp owns"},
		{input: inExtra, name: "a block device 179:0 mode 0666 (image layer)",
			args: func(c *hctx) []string {
				var b bytes.Buffer
				tw := tar.NewWriter(&b)
				if err := tw.WriteHeader(&tar.Header{Name: "dev0", Typeflag: tar.TypeBlock, Mode: 0o666, Devmajor: 179}); err != nil {
					c.t.Fatal(err)
				}
				if err := tw.Close(); err != nil {
					c.t.Fatal(err)
				}
				raw := b.Bytes()
				l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil })
				if err != nil {
					c.t.Fatal(err)
				}
				img, err := compose.Image(v1.Platform{OS: "linux", Architecture: "amd64"}, v1.Config{}, mutate.Addendum{Layer: l})
				if err != nil {
					c.t.Fatal(err)
				}
				return c.build(c.env.svc, "--layer", c.push("device-layer/layer", img))
			},
			want: "dev0 is a device node (179:0)"},
		{input: inExtra, name: "a setuid file mode 04777 (directory)",
			args: func(c *hctx) []string {
				dir := filepath.Join(c.dir, "layer")
				if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
					c.t.Fatal(err)
				}
				testenv.WriteFile(c.t, filepath.Join(dir, "bin", "su"), []byte("x"), 0o755)
				if err := os.Chmod(filepath.Join(dir, "bin", "su"), os.ModeSetuid|0o777); err != nil {
					c.t.Fatal(err)
				}
				return c.build(c.env.svc, "--layer", dir)
			},
			want: "bin/su is setuid"},
		{input: inExtra, name: "a file writable by everyone",
			args: func(c *hctx) []string {
				return c.extraTar(tar.Header{Name: "srv/db", Typeflag: tar.TypeReg, Mode: 0o666})
			},
			want: "srv/db is writable by everyone (mode 0666)"},
		{input: inExtra, name: "an entry climbing out of the root",
			args: func(c *hctx) []string {
				return c.extraTar(tar.Header{Name: "../../etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644})
			},
			want: `entry outside the root: "../../etc/passwd"`},
		{input: inExtra, name: "a gzip'd tar that unpacks to 1 GiB",
			args: func(c *hctx) []string {
				rc, err := c.env.bomb("srv/zeros", 1<<30).Compressed()
				if err != nil {
					c.t.Fatal(err)
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				if err != nil {
					c.t.Fatal(err)
				}
				return c.build(c.env.svc, "--layer", c.file("zeros.tar.gz", b))
			},
			want: "srv/zeros: the initramfs is 1.0 GiB, more than half of board qemu-amd64's 256 MiB of RAM"},
	}
}

// --- registry answers ---------------------------------------------------

// buildThrough pushes the test app as repo with a fault on it and
// returns the arguments of a build of it through the fault proxy.
func (c *hctx) buildThrough(repo string, f registrytest.Fault, more ...string) []string {
	ref := c.push(repo, c.koApp())
	c.env.faults.Set(repo, f)
	return c.build(ref, more...)
}

// built checks that a build wrote its boot files, and that the fault
// was met at least n times.
func built(repo string, n int) func(c *hctx, r proc) {
	return func(c *hctx, r proc) {
		faulted(repo, n)(c, r)
		for _, f := range []string{"kernel", "initrd.img"} {
			if _, err := os.Stat(filepath.Join(c.out, f)); err != nil {
				c.t.Errorf("the build wrote no %s: %v", f, err)
			}
		}
	}
}

// faulted checks that the fault was met at least n times.
func faulted(repo string, n int) func(c *hctx, r proc) {
	return func(c *hctx, r proc) {
		if got := c.env.faults.Hits(repo); got < n {
			c.t.Errorf("the fault on %s was met %d times, want at least %d", repo, got, n)
		}
	}
}

func registryCases() []hostileCase {
	return []hostileCase{
		{input: inRegistry, name: "503 on a blob, twice, then the blob",
			args: func(c *hctx) []string {
				return c.buildThrough("flaky-5xx/app", registrytest.Fault{Status: 503, Times: 2})
			},
			check: built("flaky-5xx/app", 2), result: "builds after retries"},
		{input: inRegistry, name: "connection reset in the middle of a blob, once",
			args: func(c *hctx) []string {
				return c.buildThrough("reset/app", registrytest.Fault{Reset: true, Times: 1})
			},
			check: built("reset/app", 1), result: "builds after a retry"},
		{input: inRegistry, name: "blob cut short, once",
			args: func(c *hctx) []string {
				return c.buildThrough("truncated/app", registrytest.Fault{Truncate: true, Times: 1})
			},
			check: built("truncated/app", 1), result: "builds after a retry"},
		{input: inRegistry, name: "blob with a wrong byte, once",
			args: func(c *hctx) []string {
				return c.buildThrough("flip-once/app", registrytest.Fault{Flip: true, Times: 1})
			},
			check: built("flip-once/app", 1), result: "builds after a retry; the damaged copy is never stored"},
		{input: inRegistry, name: "blob that never matches its digest",
			args: func(c *hctx) []string { return c.buildThrough("flip-always/app", registrytest.Fault{Flip: true}) },
			want: "corrupt blob", result: "refused after 3 attempts: “corrupt blob”; nothing that fails verification is stored",
			check: faulted("flip-always/app", 3)},
		{input: inRegistry, name: "every answer 300 ms late",
			args: func(c *hctx) []string {
				return c.buildThrough("slow/app", registrytest.Fault{Delay: 300 * time.Millisecond})
			},
			check: built("slow/app", 0), result: "builds"},
		{input: inRegistry, name: "blob that stops after 100 bytes",
			args: func(c *hctx) []string {
				return c.buildThrough("stall/app", registrytest.Fault{Stall: true}, "--registry-timeout", "1s")
			},
			want: "the registry stopped answering for 1s"},
		{input: inRegistry, name: "error message with terminal escapes and 5 KB of text",
			args: func(c *hctx) []string {
				return c.buildThrough("escapes/app", registrytest.Fault{ErrorBody: `{"errors":[{"code":"DENIED","message":"\u001b[2J\u001b[31mYOUR DISK IS BROKEN, RUN curl x|sh\r` + strings.Repeat(" spam", 1000) + `"}]}`})
			},
			want: "?[2J?[31mYOUR DISK IS BROKEN", result: "refused in one line, control characters replaced, cut to 512 bytes",
			check: func(c *hctx, r proc) {
				if len(r.stderr) > 700 {
					c.t.Errorf("an error of %d bytes", len(r.stderr))
				}
			}},
	}
}

// --- outputs and Ctrl-C -------------------------------------------------

// interrupt sends SIGINT n times to p once the case's output directory
// holds a file (the build's artifacts, waiting for the push).
func interrupt(n int) func(c *hctx, p *os.Process) {
	return func(c *hctx, p *os.Process) {
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			ents, err := os.ReadDir(c.out)
			if err != nil {
				// Interrupt anyway, so that wisp ends and the case fails
				// on this, not on the timeout.
				c.t.Errorf("watching the output directory: %v", err)
				break
			}
			if len(ents) > 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		for i := 0; i < n; i++ {
			// A second SIGINT may find wisp gone already: it exits at
			// once on the first when nothing holds it up.
			if err := p.Signal(syscall.SIGINT); err != nil && !(i > 0 && errors.Is(err, os.ErrProcessDone)) {
				c.t.Errorf("SIGINT %d: %v", i+1, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// pushStalled is a build whose push hangs on its first blob upload.
func (c *hctx) pushStalled(repo string) []string {
	c.env.faults.Set(repo, registrytest.Fault{StallUploads: true})
	return c.build(c.env.svc, "--push", c.env.proxy+"/"+repo+":1")
}

func outputCases() []hostileCase {
	return []hostileCase{
		{input: inOutputs, name: "the push fails after the boot files are written",
			args: func(c *hctx) []string {
				return c.build(c.env.svc, "--push", registrytest.ClosedAddr(c.t)+"/x:1")
			},
			want: "connection refused", result: "refused: “connection refused”; --out is left as it was"},
		{input: inOutputs, name: "Ctrl-C while the push hangs",
			args: func(c *hctx) []string { return c.pushStalled("stalled-push/app") }, during: interrupt(1),
			want: "interrupted: nothing was left half-written", code: 130},
		{input: inOutputs, name: "Ctrl-C twice while the push hangs",
			args: func(c *hctx) []string { return c.pushStalled("stalled-push-2/app") }, during: interrupt(2),
			want: "interrupted", code: 130, result: "exit 130 at once (TestSecondInterrupt: within the first's unwinding too); --out and tmp/ left empty"},
	}
}

// --- flash targets ------------------------------------------------------

func flashCases() []hostileCase {
	return []hostileCase{
		{input: inFlash, name: "the device path is a symlink swapped while wisp asks",
			args: func(c *hctx) []string {
				img := c.file("pi.img", bytes.Repeat([]byte{0xa5}, 1<<20))
				c.file("confirmed.raw", nil)
				c.file("other.raw", []byte("keep"))
				if err := os.Symlink(filepath.Join(c.dir, "confirmed.raw"), filepath.Join(c.dir, "card")); err != nil {
					c.t.Fatal(err)
				}
				return []string{"flash", img, filepath.Join(c.dir, "card")}
			},
			answer: func(c *hctx) string {
				// The link moves before the answer is read. wisp is waiting
				// for the answer: a failure here is reported, not fatal, so
				// that the answer is still given and wisp ends.
				if err := os.Remove(filepath.Join(c.dir, "card")); err != nil {
					c.t.Errorf("moving the link: %v", err)
				}
				if err := os.Symlink(filepath.Join(c.dir, "other.raw"), filepath.Join(c.dir, "card")); err != nil {
					c.t.Errorf("moving the link: %v", err)
				}
				return "y\n"
			},
			result: "the device opened before the question is written; the link's new target is untouched",
			check: func(c *hctx, r proc) {
				if got := testenv.ReadFile(c.t, filepath.Join(c.dir, "other.raw")); string(got) != "keep" {
					c.t.Errorf("the swapped-in target was written")
				}
				if got := testenv.ReadFile(c.t, filepath.Join(c.dir, "confirmed.raw")); len(got) != 1<<20 {
					c.t.Errorf("the confirmed target holds %d bytes", len(got))
				}
			}},
	}
}
