# pns-harness: every developer and CI entry point. `make run` is the main job, `make test` is
# what CI runs (via .ci/run).

GO        ?= go
BIN       := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck
FUZZTIME  ?= 60s
BENCHTIME ?= 1x
PKGS      := ./...

.PHONY: all build run test lint vet staticcheck bench fuzz clean tools

all: build

build:
	$(GO) build -o $(BIN)/harness ./cmd/harness

## run: start the embedded emulator, run the conformance suite and a short load test, write
## reports/out/index.html and print its path.
run: build
	$(BIN)/harness run --out reports/out

## test: vet, staticcheck and the race-enabled test suite (what CI runs).
test: vet staticcheck
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

lint: vet staticcheck
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

vet:
	$(GO) vet $(PKGS)

tools: $(STATICCHECK)

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	$(STATICCHECK) $(PKGS)

## bench: benchmarks, each reported as a ratio against a baseline measured in the same run.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

## fuzz: run every fuzz target for FUZZTIME (default 60s each).
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

clean:
	rm -rf $(BIN) reports/out
