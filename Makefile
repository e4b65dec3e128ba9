# crier — the two commands of the quick start are `make demo` and `make test`.
SWIFT ?= swift
AT ?= 2026-11-23T17:00:00+13:00
LATER ?= 2026-11-23T17:30:00+13:00
CRIER = .build/debug/crier
SAMPLE = $(CRIER) sample --appointments 2000 --first-day 2026-11-20 --days 14 -o data/snapshot.sqlite

.PHONY: deps build demo demo-ha test bench bench-smtp bench-ledger clean install man-tool

deps:
	@./contrib/install-deps.sh

build: deps
	$(SWIFT) build --product crier

# Runs the shipped example end to end: a sample snapshot, validate, the plan, the run into
# outbox/ (reminders; the change schedules record their silent baseline), then the same
# business half an hour later (dispatches, tickets and service jobs changed), when every pack's
# change schedules notify, and a last run that sends nothing.
demo: build
	rm -rf state outbox data/snapshot.sqlite
	$(SAMPLE)
	$(CRIER) validate
	$(CRIER) plan --at $(AT)
	@mkdir -p outbox
	$(CRIER) plan --at $(AT) --format html -o outbox/plan.html
	$(CRIER) forecast --at $(AT) --days 7 --format html -o outbox/forecast.html
	$(CRIER) run --at $(AT)
	@echo; echo "== one SMS from the outbox:"; cat "$$(ls outbox/sms/*.json | head -1)"
	@echo; echo "== half an hour later: dispatches assigned, tickets opened and closed, service jobs dispatched..."
	$(SAMPLE) --later --force
	@touch outbox/.later
	$(CRIER) run --at $(LATER)
	@echo; echo "== what that run emailed:"; find outbox/email -newer outbox/.later -name '*.eml' -exec grep -h '^Subject:' {} + | sort | uniq -c
	@echo; echo "== a Smart \"PDF Email\" carries the job sheet (templates/job-sheet.pdf.mustache):"; \
	  grep -h -e '^To:' -e '^Subject:' -e '^Content-Type:' -e '^Content-Disposition:' \
	    "$$(grep -l '^Content-Type: application/pdf' $$(find outbox/email -newer outbox/.later -name '*.eml') | sort | head -1)"
	@echo; echo "== and texted, for example:"; cat "$$(find outbox/sms -newer outbox/.later -name '*.json' | sort | head -1)"
	@echo; echo "== the same run again delivers nothing:"; $(CRIER) run --at $(LATER)
	@echo; echo "== the plan preview, for people: open $(CURDIR)/outbox/plan.html in a web browser (the 7-day forecast: outbox/forecast.html)"

# Two "hosts" share one PostgreSQL ledger (a throwaway server): one delivers, the other exits 75,
# and a second run sends nothing twice.
demo-ha: build
	./contrib/demo-ha.sh

test: deps
	$(SWIFT) build --build-tests
	./contrib/test-postgres.sh run $(SWIFT) test --skip-build
	# SIGKILLs at random moments over SMTP and the outbox: no duplicate, nothing lost, ledger intact.
	./contrib/fault-harness.sh 50

# W1-W4 beside their anchors (sqlite3, smtplib, smtp-source, a write/fsync/rename script), alternated;
# SCALE=0.05 ROUNDS=3 to run it small (see docs/benchmarks.md).
bench: deps
	./contrib/bench.sh

# 10,000 emails to postfix's smtp-sink on 127.0.0.1: crier, smtp-source and mailmerge
# (installs postfix and mailmerge when missing). COUNT=N to change the number.
bench-smtp: deps
	./contrib/bench-smtp.sh $(COUNT)

# 10,000 outbox deliveries with the SQLite and the PostgreSQL ledger, 1 and 4 hosts.
bench-ledger: deps
	./contrib/bench-ledger.sh

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
