# crier — the two commands of the quick start are `make demo` and `make test`.
SWIFT ?= swift
AT ?= 2026-11-23T17:00:00+13:00
CRIER = .build/debug/crier

.PHONY: deps build demo test bench bench-smtp clean install man-tool

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
	$(SWIFT) test --skip-build

bench: deps
	./contrib/bench-plan.sh

# 10,000 emails to postfix's smtp-sink on 127.0.0.1: crier, smtp-source and mailmerge
# (installs postfix and mailmerge when missing). COUNT=N to change the number.
bench-smtp: deps
	./contrib/bench-smtp.sh $(COUNT)

clean:
	rm -rf .build state outbox data

# Installs crier, its man page, shell completions and contrib/systemd units under
# $(DESTDIR)$(PREFIX). BIN=path/to/crier installs that binary instead of a release build.
PREFIX ?= /usr/local
BIN ?=
install: deps
	@bin="$(BIN)"; if [ -z "$$bin" ]; then $(SWIFT) build -c release --product crier && bin=.build/release/crier; fi; \
	$(MAKE) --no-print-directory man-tool; \
	./contrib/install.sh "$$bin" "$(DESTDIR)$(PREFIX)"

# ArgumentParser's generate-manual tool, built through its package plugin (the man page of
# `make install`; without it contrib/man-page.sh writes one from `crier help`).
man-tool:
	@$(SWIFT) package plugin generate-manual >/dev/null 2>&1 || echo "note: the generate-manual plugin did not run; the man page is made from crier help"
