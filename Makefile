# Tableraft. The two commands a fresh machine needs: `make run` and `make test`.
GO      ?= go
BIN     := bin
PKGS    := ./...

.PHONY: all build test pg-server haproxy chromium lint vet fmt-check unit fuzz-short bench run clean chaos chaos-short

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

## test: everything CI runs: vet, gofmt check, the race-enabled test suite and short fuzz runs.
test: pg-server haproxy chromium lint unit fuzz-short chaos-short

## pg-server: the PostgreSQL server binaries that the results tests start
## themselves (results/pgtest: initdb into a temp dir, pg_ctl on a free port).
pg-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; }

## haproxy: the load balancer that the e2e test TestPlayersThroughHaproxy starts
## in front of its cluster (a child process with a generated config).
haproxy:
	@command -v haproxy >/dev/null 2>&1 || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y haproxy; }

## chromium: the headless browser that the e2e test TestBrowser drives (chromedp)
## through the web client.
chromium:
	@command -v chromium >/dev/null 2>&1 || \
	  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

lint: vet fmt-check

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -race -count=1 $(PKGS)

## fuzz-short: each fuzz target for a fixed number of executions (go test -fuzz takes one
## target at a time). Counts, not durations: with a duration Go 1.26's fuzz coordinator can
## fail spuriously with "context deadline exceeded" at the deadline (golang/go#75804).
fuzz-short:
	$(GO) test -run='^$$' -fuzz='^FuzzReplay$$' -fuzztime=20000x ./cmd/tablectl/
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeCommand$$' -fuzztime=200000x ./transport/codec/
	$(GO) test -run='^$$' -fuzz='^FuzzAdminBodies$$' -fuzztime=30000x ./transport/adminapi/
	$(GO) test -run='^$$' -fuzz='^FuzzSpoolReader$$' -fuzztime=5000x ./results/
	$(GO) test -run='^$$' -fuzz='^FuzzRestore$$' -fuzztime=20000x ./fsm/
	$(GO) test -run='^$$' -fuzz='^FuzzTableUnmarshal$$' -fuzztime=200000x ./game/

## bench: the game engine benchmarks (figures go to docs/BENCHMARKS.md).
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./game/...

## chaos: the long chaos run (docs/RELIABILITY.md): 3 nodes, haproxy and PostgreSQL, bots
## on 200 tables and a seeded nemesis (kills, SIGSTOP, partitions, transfers, PostgreSQL
## stops, a full spool disk) for CHAOS_DURATION, then the checker. Needs root for the
## partitions and the full disk (network namespaces, tmpfs). The seed is printed;
## `make chaos SEED=n` repeats its schedule. The 2-minute run is TestChaosShort in `make test`.
SEED           ?= 0
CHAOS_DURATION ?= 11m
CHAOS_TABLES   ?= 200
chaos: pg-server haproxy build
	$(BIN)/tablebench chaos --tables $(CHAOS_TABLES) --duration $(CHAOS_DURATION) --seed $(SEED)

## chaos-short: the 2-minute chaos run, the broken-build test (e2e/chaos_test.go) and a short
## run of every tablebench mode (e2e/tablebench_test.go), in a go test of their own: they need
## minutes, past the default timeout of the e2e package.
chaos-short: pg-server haproxy
	TABLERAFT_CHAOS=1 $(GO) test -count=1 -timeout 20m -run '^(TestChaos|TestTablebench)' -v ./e2e/

## run: a local 3-node cluster behind haproxy on 127.0.0.1 (data in ./data); Ctrl-C stops it.
run: build
	deploy/local/run.sh

clean:
	rm -rf $(BIN)
