# Two steps: cross-compile the init for each architecture into the embed
# folder, then build wisp. `make test` runs every test (README).
GO        ?= go
ARCHES    := amd64 arm64 riscv64
INITS     := $(ARCHES:%=internal/initbin/bin/init-%)
GOFLAGS_  := -trimpath -ldflags='-s -w'
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all wisp init deps test demo bench fuzz clean
all: wisp

init: $(INITS)

# Every Go file the init is built from (its packages and their imports in
# this module and the module cache), so a change to any of them rebuilds it.
INIT_SRC  := $(shell GOOS=linux $(GO) list -deps -f '{{if not .Standard}}{{range .GoFiles}}{{$$.Dir}}/{{.}} {{end}}{{end}}' ./init)

internal/initbin/bin/init-%: $(INIT_SRC) go.mod
	CGO_ENABLED=0 GOOS=linux GOARCH=$* $(GO) build $(GOFLAGS_) -o $@ ./init

wisp: $(INITS)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w -X main.version=$(VERSION)' -o bin/wisp ./cmd/wisp

# The Debian packages the demo and tests need (scripts/deps).
deps:
	scripts/deps

# All tests. Without WISP_E2E=1 a test whose prerequisite is missing skips
# with a message; with it (as in .ci/run) it fails.
test: deps wisp
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 60m ./...

demo: deps wisp
	scripts/demo

# bench rewrites BENCHMARKS.md: wisp against u-root, gokrazy and the raw
# floor (cpio | gzip, mkfs.vfat + mcopy), boots under TCG, sizes. RUNS=3.
RUNS ?= 3
bench: deps wisp
	$(GO) run ./bench -out BENCHMARKS.md -runs $(RUNS)

# fuzz runs every fuzz target (parsers of outside bytes) for FUZZTIME
# each; crashers land in the package's testdata/fuzz/ as regression seeds.
FUZZTIME ?= 10s
fuzz: wisp
	FUZZTIME=$(FUZZTIME) scripts/fuzz

clean:
	rm -rf bin $(INITS)
