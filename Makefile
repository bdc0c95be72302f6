# Two commands on a fresh machine:  `make run` (the bot, embedded default) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench bench-load stress venv clean catalogs screenshots

venv: $(STAMP)

# Re-installs whenever pyproject.toml changes, so the venv is always current.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/bookingbot chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/availability_bench.py
	$(BIN)/python bench/booking_bench.py
	$(BIN)/python bench/timeparse_accuracy.py
	$(BIN)/python bench/timeparse_throughput.py
	$(BIN)/python bench/message_bench.py
	$(BIN)/python bench/twilio_webhook_bench.py
	$(BIN)/python bench/reminder_bench.py
	$(BIN)/python bench/webhook_bench.py
	$(BIN)/python bench/memory_bench.py

# Issue 17's load test: serve --workers 2 and two workers on a fresh PostgreSQL database,
# signed webhooks from many customers at 1, 8 and 32 clients and a 32-customer race for one
# slot; prints req/s, p50/p99, 5xx, bookings, overlaps, duplicate/missing replies (README).
bench-load: $(STAMP)
	$(BIN)/python bench/load.py

# The concurrency tests 20 times in a row with every core kept busy (issue 12's proof).
stress: $(STAMP)
	tools/stress_concurrency.sh 20

# The README's pictures of the web admin, taken by its browser test (tests/admin).
screenshots: $(STAMP)
	BOOKINGBOT_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/admin/test_screenshots.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Message catalogs (README, "Languages"): the template from the code, then every language's
# catalog updated from it (new texts arrive untranslated; the i18n test then names them).
BABEL_KEYWORDS := --no-default-keywords -k say:2 -k say_n:2,3 -k N_
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output \
	  --width 100 --project bookingbot --copyright-holder bookingbot \
	  -o i18n/locale/bookingbot.pot bot bookingbot channels jobs adapters
	$(BIN)/pybabel update -i i18n/locale/bookingbot.pot -d i18n/locale -D bookingbot \
	  --width 100 --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
