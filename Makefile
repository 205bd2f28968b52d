# smsdash: the two commands a fresh machine needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/smsdash
PKGS    := ./...
FUZZTIME ?= 10s

.PHONY: run demo-cli build test bench bench-postgres fuzz lint clean

build:
	$(GO) build -o $(BIN) .

# run: the main job, the dashboard; without a config file it opens in DEMO
# mode on the built-in simulator.
run: build
	./$(BIN)

# demo-cli: a real send/status/balance round trip through the command
# line, against the simulator running as its own process.
demo-cli: build
	@set -e; dir=$$(mktemp -d); cfg=$$dir/config.toml; \
	./$(BIN) sim --http 127.0.0.1:0 --write-config $$cfg --queued-for 1s --sent-for 2s > $$dir/sim.log 2>&1 & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; rm -rf $$dir' EXIT; \
	for i in $$(seq 100); do [ -s $$cfg ] && break; sleep 0.1; done; \
	echo "== the simulator (DEMO: nothing reaches a real phone)"; cat $$dir/sim.log; \
	echo "== smsdash balance"; ./$(BIN) --config $$cfg balance; \
	echo "== smsdash send (two numbers; one ending in 00, which the simulator rejects)"; \
	./$(BIN) --config $$cfg send --to '8(029)671-72-59, +375 33 123-45-00' --text 'Привет от smsdash!' --json > $$dir/send.json || true; \
	cat $$dir/send.json; \
	ids=$$(sed -n 's/.*"id": \([0-9]*\).*/\1/p' $$dir/send.json | tr '\n' ' '); \
	echo "== smsdash status $$ids (right away)"; ./$(BIN) --config $$cfg status $$ids || true; \
	sleep 4; echo "== smsdash status $$ids (4 s later)"; ./$(BIN) --config $$cfg status $$ids || true; \
	echo "== smsdash send --wait 20s"; \
	./$(BIN) --config $$cfg send --to 296717259 --text 'Ваш код: 4711' --wait 20s; \
	echo "== smsdash history"; ./$(BIN) --config $$cfg history; \
	echo "== smsdash balance"; ./$(BIN) --config $$cfg balance

# test: four packages at once on two cores: most of the suite waits on
# processes, sockets and the simulator's clock, not on the CPU (the
# command line's real-process stop tests alone take a minute). Beside
# them, the store's tests once more on PostgreSQL (pgtest's server), its
# output after theirs.
test:
	$(GO) vet $(PKGS)
	@log=$$(mktemp); \
	SMSDASH_TEST_STORE=postgres $(GO) test -race -count=1 ./sms/store/ >$$log 2>&1 & pg=$$!; \
	$(GO) test -race -count=1 -p 4 $(PKGS); all=$$?; \
	wait $$pg; onpg=$$?; \
	echo "== the store on PostgreSQL (SMSDASH_TEST_STORE=postgres)"; cat $$log; rm -f $$log; \
	[ $$all -eq 0 ] && [ $$onpg -eq 0 ]

# bench: one package at a time, so that the figures are not shared.
# bench-postgres: the history's and the tracker's on PostgreSQL, beside
# SQLite's figures from bench.
bench:
	$(GO) test -p 1 -run='^$$' -bench=. -benchmem -count=1 $(PKGS)

bench-postgres:
	SMSDASH_TEST_STORE=postgres $(GO) test -p 1 -run='^$$' -bench=. -benchmem -count=1 ./sms/store/ ./sms/tracker/

# fuzz: each fuzz target for FUZZTIME.
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list='^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "$$pkg $$f"; $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

lint:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)

clean:
	rm -rf bin
