# pns-harness: every developer and CI entry point. `make run` is the main job, `make test` is
# what CI runs (via .ci/run).

GO        ?= go
BIN       := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(BIN)/staticcheck
FUZZTIME  ?= 60s
BENCHTIME ?= 1x
PKGS      := ./...

.PHONY: all build run test lint vet staticcheck bench bench-rss fuzz mutation mutation-target clean tools docs

all: build

build:
	$(GO) build -buildvcs=auto -o $(BIN)/harness ./cmd/harness

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

## bench: benchmarks, each reported as a ratio against a baseline measured in the same run
## (the machine is shared and noisy; absolute figures vary, ratios are what to compare).
bench: build
	@echo "== emulator bind+unbind over loopback HTTP vs a trivial JSON handler (ratio, aim >= 0.5)"
	$(GO) test -run '^$$' -bench 'BindUnbindVsTrivial' -benchtime 4000x ./emulator
	@echo "== load generator vs plain vegeta in separate processes: CPU/request at 2k/5k/10k req/s"
	@echo "   (and 5k/s with every answer distinct), highest rate with <1% shortfall, p99 at 5k/s (ratios, median and"
	@echo "   range of interleaved runs); a 1M-request run: delivered and peak RSS (about 8 minutes)"
	$(GO) test -run '^$$' -bench 'GeneratorVsVegeta' -benchtime 1x -timeout 25m ./loadtest
	@echo "== emulator vs trivial endpoint, same generator (ratio)"
	$(GO) test -run '^$$' -bench 'EmulatorVsTrivial' -benchtime 1x ./loadtest
	@echo "== callbacks delivered per second end to end (emulator -> receiver) vs trivial pushes"
	$(GO) test -run '^$$' -bench 'CallbacksEndToEnd|TrivialPushes' -benchtime 20000x ./embedded
	@echo "== whole conformance suite against the in-process emulator"
	$(GO) test -run '^$$' -bench 'Suite' -benchtime 3x ./conformance
	@echo "== micro benchmarks"
	$(GO) test -run '^$$' -bench . -benchmem ./emulator/store ./schemas ./receiver ./emulator/callbacks
	@echo "== harness self-calibration (injected latency must be reported within tolerance)"
	$(BIN)/harness calibrate

## bench-rss: a 1M-request load run must deliver every request with its peak RSS under 100 MiB
## (about 2 minutes; exit 1 otherwise).
bench-rss: build
	$(BIN)/harness calibrate --rss 1000000

## mutation: run the whole conformance suite against every mutant of the emulator (one contract
## rule broken each, named by its rule ID of conformance/rules.json) and print the score, overall
## and per class of rule, and each surviving mutant with its reason (a few minutes; MUTANTS=fee
## reruns the mutants whose name contains "fee"). make test runs only the bounded TestMutations
## and the catalogue checks.
mutation:
	@mkdir -p $(BIN); rm -f $(BIN)/mutation.txt; \
	PNS_MUTATION=$(BIN)/mutation.txt PNS_MUTANTS="$(MUTANTS)" $(GO) test -count=1 -timeout 20m -run '^TestMutationScore$$' ./conformance; \
	status=$$?; cat $(BIN)/mutation.txt 2>/dev/null; exit $$status

## mutation-target: the same mutants, each served as a target that is not the emulator (no admin
## API; @emulator and decision scenarios skip), the score per class of the checkable mutants and
## the mutants no scenario can check there (longer than make mutation; MUTANTS=... as above).
mutation-target:
	@mkdir -p $(BIN); rm -f $(BIN)/mutation-target.txt; \
	PNS_MUTATION_TARGET=$(BIN)/mutation-target.txt PNS_MUTANTS="$(MUTANTS)" $(GO) test -count=1 -timeout 60m -run '^TestMutationScoreOnTarget$$' ./conformance; \
	status=$$?; cat $(BIN)/mutation-target.txt 2>/dev/null; exit $$status

## fuzz: run every fuzz target for FUZZTIME (default 60s each; FuzzCompiledVsReference in ./schemas
## holds the generated validators to the reference, give it FUZZTIME=10m or more after changing
## schemas/json or internal/schemagen), then the property checks of every number field and every
## enumerated field (30 + 26) against the embedded emulator with PROPCHECKS generated values per
## field (default 2000; `make test` sends 8), then the same checks' mutants (numbers and enums
## normalised or refused) with PROPCHECKS values each.
PROPCHECKS ?= 2000
fuzz:
	@set -e; echo "== property checks (numbers and enums), $(PROPCHECKS) values per field"; \
	PNS_PROPERTY_CHECKS=$(PROPCHECKS) $(GO) test -count=1 -timeout 30m -run '^(TestPropertiesHoldOnEmulator|TestEnumPropertiesKillMutants|TestPropertiesNumberGaps)$$' ./conformance; \
	for pkg in $$($(GO) list $(PKGS)); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

clean:
	rm -rf $(BIN) reports/out

## docs: regenerate the generated references in docs/ (contract, config, admin API, CLI,
## fidelity) after changing the tables, config types, admin routes or flags they come from.
docs:
	$(GO) test -count=1 ./internal/docgen -update
	$(GO) test -count=1 ./cmd/harness -run TestCLIDoc -update-docs
	$(GO) test -count=1 ./emulator -run TestFidelityDoc -update
