# Two steps: cross-compile the init for each architecture into the embed
# folder, then build wisp. `make test` runs every test (README).
GO        ?= go
ARCHES    := amd64 arm64 riscv64
INITS     := $(ARCHES:%=initbin/bin/init-%)
GOFLAGS_  := -trimpath -ldflags='-s -w'
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all wisp init test demo bench clean
all: wisp

init: $(INITS)

initbin/bin/init-%: $(shell find init config -name '*.go' -not -name '*_test.go') go.mod
	CGO_ENABLED=0 GOOS=linux GOARCH=$* $(GO) build $(GOFLAGS_) -o $@ ./init

wisp: $(INITS)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags='-s -w -X main.version=$(VERSION)' -o bin/wisp ./cmd/wisp

# All tests; integration tests need the packages .ci/run installs and skip
# without them unless WISP_E2E=1.
test: wisp
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 45m ./...

demo: wisp
	scripts/demo

bench: wisp
	scripts/bench

clean:
	rm -rf bin $(INITS)
