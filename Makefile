# lsphost: the language server that runs WebAssembly extensions.
GO        ?= go
EXAMPLES  := $(notdir $(wildcard sdk/examples/*))
FUZZTIME  ?= 30s
DURATION  ?= 10m
# Built guests and compiled code are cached here between test runs.
export LSPHOST_TEST_CACHE ?= $(CURDIR)/.cache/test

.PHONY: all build examples demo test lint check bench fuzz soak clean FORCE

all: build examples

## build: bin/lsphost
build:
	$(GO) build -o bin/lsphost ./cmd/lsphost

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
