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

## test: vet, staticcheck and the race-enabled test suite (what CI runs). go test's JSON goes
## through internal/testprogress: a line per package, every failed test's output, the tests
## still running every 20 s, the slowest tests at the end; go test's exit code is kept.
## GORACE atexit_sleep_ms=0: the race runtime otherwise sleeps 1 s before every exit of a
## test binary and of every process the tests start (hundreds); races while they run are
## still reported.
test: vet staticcheck
	@echo "== go test -race (about 10 minutes on a busy 2-core machine, see README; progress every 20 s)"
	@$(GO) build -o $(BIN)/testprogress ./internal/testprogress
	GORACE="atexit_sleep_ms=0 $$GORACE" $(BIN)/testprogress -every 20s -slowest 15 -- $(GO) test -race -count=1 -json -timeout 30m $(PKGS)

lint: vet staticcheck
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

vet:
	@echo "== go vet"
	$(GO) vet $(PKGS)

tools: $(STATICCHECK)

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

staticcheck: $(STATICCHECK)
	@echo "== staticcheck"
	$(STATICCHECK) $(PKGS)

## bench: benchmarks, each reported as a ratio against a baseline measured in the same run
## (the machine is shared and noisy; absolute figures vary, ratios are what to compare). Every
## benchmark runs even if one before it failed; the log goes to bin/bench.log and the end prints
## one table of the side-by-side figures with their baselines and aims (internal/benchtable),
## then fails if any benchmark did.
BENCHLOG := $(BIN)/bench.log
# benchrun runs a command, streams its output and appends it and its exit status to BENCHLOG.
benchrun = { $(1) 2>&1; echo "benchexit $$? $(2)"; } | tee -a $(BENCHLOG)
bench: build
	@: > $(BENCHLOG)
	@echo "== emulator bind+unbind over loopback HTTP vs a trivial JSON handler (ratio, aim >= 0.9)"
	$(call benchrun,$(GO) test -run '^$$' -bench 'BindUnbindVsTrivial' -benchtime 4000x ./emulator,emulator)
	@echo "== receiver: signed pushes, and with schema checks, vs a trivial handler (CPU ratios, aim >= 0.9)"
	$(call benchrun,$(GO) test -run '^$$' -bench 'PushesVsTrivial' -benchtime 10000x ./receiver,receiver)
	@echo "== load generator vs plain vegeta in separate processes: CPU/request at 2k/5k/10k req/s"
	@echo "   (and 5k/s with every answer distinct), highest rate with <1% shortfall, p99 at 5k/s (ratios, median and"
	@echo "   range of interleaved runs); a 1M-request run: delivered and peak RSS (about 8 minutes)"
	$(call benchrun,$(GO) test -run '^$$' -bench 'GeneratorVsVegeta' -benchtime 1x -timeout 25m ./loadtest,generator)
	@echo "== load generator vs plain vegeta, every answer distinct: CPU/request and p99 at 5k and 10k req/s"
	$(call benchrun,$(GO) test -run '^$$' -bench 'DistinctAnswersVsVegeta' -benchtime 1x -timeout 10m ./loadtest,distinct)
	@echo "== emulator vs trivial endpoint, same generator (ratio)"
	$(call benchrun,$(GO) test -run '^$$' -bench 'EmulatorVsTrivial' -benchtime 1x ./loadtest,emulator-load)
	@echo "== callbacks delivered per second end to end (emulator -> receiver) vs trivial pushes"
	$(call benchrun,$(GO) test -run '^$$' -bench 'CallbacksEndToEnd|TrivialPushes' -benchtime 20000x ./embedded,callbacks)
	@echo "== whole conformance suite against the in-process emulator"
	$(call benchrun,$(GO) test -run '^$$' -bench 'Suite' -benchtime 3x ./conformance,suite)
	@echo "== micro benchmarks"
	$(call benchrun,$(GO) test -run '^$$' -bench . -skip 'VsTrivial' -benchmem ./emulator/store ./schemas ./receiver ./emulator/callbacks,micro)
	@echo "== harness self-calibration (injected latency must be reported within tolerance)"
	$(call benchrun,$(BIN)/harness calibrate,calibrate)
	@$(GO) run ./internal/benchtable < $(BENCHLOG)
	@! grep '^benchexit [1-9]' $(BENCHLOG)

## bench-rss: a 1M-request load run must deliver every request with its peak RSS under 100 MiB
## (about 2 minutes; exit 1 otherwise).
bench-rss: build
	$(BIN)/harness calibrate --rss 1000000

## mutation: run the whole conformance suite against every mutant of the emulator (one contract
## rule broken each, named by its rule ID of conformance/rules.json) and print the score, overall
## and per class of rule, and each surviving mutant with its reason (about 35 minutes on 2 cores, longer when they are busy:
## every rule checked both ways has a mutant, 492 in all; MUTANTS=fee
## reruns the mutants whose name contains "fee"). make test runs only the bounded TestMutations
## and the catalogue checks.
mutation:
	@mkdir -p $(BIN); rm -f $(BIN)/mutation.txt; \
	PNS_MUTATION=$(BIN)/mutation.txt PNS_MUTANTS="$(MUTANTS)" $(GO) test -count=1 -timeout 180m -run '^TestMutationScore$$' ./conformance; \
	status=$$?; cat $(BIN)/mutation.txt 2>/dev/null; exit $$status

## mutation-target: the same mutants, each served as a target that is not the emulator (no admin
## API; @emulator and decision scenarios skip), the score per class of the checkable mutants and
## the mutants no scenario can check there (longer than make mutation; MUTANTS=... as above).
mutation-target:
	@mkdir -p $(BIN); rm -f $(BIN)/mutation-target.txt; \
	PNS_MUTATION_TARGET=$(BIN)/mutation-target.txt PNS_MUTANTS="$(MUTANTS)" $(GO) test -count=1 -timeout 180m -run '^TestMutationScoreOnTarget$$' ./conformance; \
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

## k8s-e2e: apply the shipped manifests (deploy/k8s/base) to a real single-node Kubernetes cluster
## built from upstream components on this machine, on loopback only, and check the sharded run,
## a killed shard and an unreachable platform (needs root; the cold build of the cluster takes
## about 17 minutes, cached in ~/.cache/pns-harness-k8s). Not in CI: run it before calling a
## change to deploy/ or to the shard or merge code done (docs/sharded-load.md, "Tested on").
.PHONY: k8s-e2e
k8s-e2e:
	bash e2e/k8s/run.sh
