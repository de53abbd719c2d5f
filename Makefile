# lsphost: the language server that runs WebAssembly extensions.
GO        ?= go
EXAMPLES  := $(notdir $(wildcard sdk/examples/*))
FUZZTIME  ?= 30s
DURATION  ?= 10m
# Built guests and compiled code are cached here between test runs.
export LSPHOST_TEST_CACHE ?= $(CURDIR)/.cache/test

.PHONY: all build examples demo test lint check bench bench-e2e bench-profile fuzz guests soak clean FORCE

all: build examples

## build: bin/lsphost
build:
	# Static (no cgo: lsphost needs none): no dynamic loader at start, no libc in memory.
	CGO_ENABLED=0 $(GO) build -o bin/lsphost ./cmd/lsphost

## examples: bin/examples/NAME.wasm for every sdk/examples/NAME
examples: $(EXAMPLES:%=bin/examples/%.wasm)

bin/examples/%.wasm: FORCE
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -o $@ ./sdk/examples/$*

## demo: build everything and show it working on testdata/demo without an editor
demo: build examples
	$(GO) run ./testdata/demo bin/lsphost testdata/demo/workspace

## test: vet, build and compile the test guests once, then every test with the race detector
test:
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./abi/... ./sdk/...
	$(GO) test -count=1 ./internal/fixtures
	$(GO) test -race -timeout 20m ./...

## guests: rebuild the C, Rust, AssemblyScript and WAT guests from source with their toolchains,
## check they equal the committed .wasm files, pass lsphost verify, and pass the scenarios
guests: build
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	testdata/guests/rebuild.sh "$$dir" && \
	for wasm in "$$dir"/*.wasm; do \
		bin/lsphost verify -timeout 30s "$$wasm" > "$$wasm.report" || { cat "$$wasm.report"; exit 1; }; \
		tail -n 1 "$$wasm.report" | sed "s|^|$$(basename $$wasm): |"; \
	done && \
	for wasm in "$$dir"/mistakes/*.wasm; do \
		if bin/lsphost verify -timeout 30s -calls 30 "$$wasm" > "$$wasm.report"; then \
			echo "$$wasm: lsphost verify passes a module with a deliberate mistake"; cat "$$wasm.report"; exit 1; \
		fi; \
	done && \
	LSPHOST_GUESTS_DIR="$$dir" $(GO) test -count=1 -run 'TestScenarios' ./lsp

## lint: formatting and vet, host and guest
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet ./...
	GOOS=wasip1 GOARCH=wasm $(GO) vet ./abi/... ./sdk/...

## check: lint, test, and a tidy go.mod
check: lint test
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

## bench: every benchmark
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-e2e: lspbench against lsphost and efm-langserver in one run (see BENCHMARKS.md)
EFM_VERSION ?= v0.0.57
BENCH_RUNS  ?= 10
BENCH_FLAGS ?=
bench-e2e: build examples bin/lspbench bin/efm-langserver
	bin/lspbench -runs $(BENCH_RUNS) $(BENCH_FLAGS) \
		-server 'lsphost=bin/lsphost serve' \
		-server 'efm=bin/efm-langserver -c {workspace}/efm.yaml'

## bench-profile: CPU profiles of lsphost on 10k-line files (diagnostics; completion), with their top functions
bench-profile: build examples bin/lspbench
	bin/lspbench -runs 1 -cold-runs 0 -docs 30 -docs-lines 10000 -storm-edits 0 -small-lines 20 -completions 0 \
		-server 'lsphost=bin/lsphost serve --cpuprofile $(CURDIR)/bin/profile-10k-diagnostics.pprof' >/dev/null
	bin/lspbench -runs 1 -cold-runs 0 -docs 0 -storm-edits 0 -small-lines 20 \
		-server 'lsphost=bin/lsphost serve --cpuprofile $(CURDIR)/bin/profile-10k-completion.pprof' >/dev/null
	$(GO) tool pprof -top -nodecount=25 bin/lsphost bin/profile-10k-diagnostics.pprof
	$(GO) tool pprof -top -nodecount=25 bin/lsphost bin/profile-10k-completion.pprof

bin/lspbench: FORCE
	$(GO) build -o $@ ./cmd/lspbench

# The out-of-process anchor, pinned; built by the Go toolchain like the rest.
bin/efm-langserver:
	GOBIN=$(CURDIR)/bin $(GO) install github.com/mattn/efm-langserver@$(EFM_VERSION)

## fuzz: every fuzz target of every package, each for FUZZTIME
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$target"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## soak: the soak test (internal/soak) for DURATION (default 10m), without the race detector, with its report
soak:
	$(GO) test -count=1 -v -timeout 0 -run '^TestSoak$$' ./internal/soak -soak.duration=$(DURATION)

clean:
	rm -rf bin .cache
