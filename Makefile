# crier — the two commands of the quick start are `make demo` and `make test`.
SWIFT ?= swift
AT ?= 2026-11-23T17:00:00+13:00
CRIER = .build/debug/crier

.PHONY: deps build demo test bench bench-smtp clean

deps:
	@./contrib/install-deps.sh

build: deps
	$(SWIFT) build --product crier

# Runs the shipped example end to end: a sample snapshot, validate, the plan, the run into
# outbox/, and a second run that sends nothing.
demo: build
	rm -rf state outbox data/snapshot.sqlite
	$(CRIER) sample --appointments 2000 --first-day 2026-11-20 --days 14 -o data/snapshot.sqlite
	$(CRIER) validate
	$(CRIER) plan --at $(AT)
	$(CRIER) run --at $(AT)
	@echo; echo "== one SMS from the outbox:"; cat "$$(ls outbox/sms/*.json | head -1)"
	@echo; echo "== the same run again delivers nothing:"; $(CRIER) run --at $(AT)

test: deps
	$(SWIFT) build --build-tests
	./contrib/test-postgres.sh run $(SWIFT) test --skip-build

bench: deps
	./contrib/bench-plan.sh

# 10,000 emails to postfix's smtp-sink on 127.0.0.1: crier, smtp-source and mailmerge
# (installs postfix and mailmerge when missing). COUNT=N to change the number.
bench-smtp: deps
	./contrib/bench-smtp.sh $(COUNT)

clean:
	rm -rf .build state outbox data
