# crier — the two commands of the quick start are `make demo` and `make test`.
SWIFT ?= swift
AT ?= 2026-11-23T17:00:00+13:00
LATER ?= 2026-11-23T17:30:00+13:00
CRIER = .build/debug/crier
SAMPLE = $(CRIER) sample --appointments 2000 --first-day 2026-11-20 --days 14 -o data/snapshot.sqlite

.PHONY: deps build demo test bench bench-smtp clean

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
	@echo; echo "== and texted, for example:"; cat "$$(find outbox/sms -newer outbox/.later -name '*.json' | sort | head -1)"
	@echo; echo "== the same run again delivers nothing:"; $(CRIER) run --at $(LATER)
	@echo; echo "== the plan preview, for people: open $(CURDIR)/outbox/plan.html in a web browser (the 7-day forecast: outbox/forecast.html)"

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
