# The two commands of the quick start are `make run` and `make test`; the rest are for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-embedded test-real lint bench backends-up backends-down env-example clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --config-settings editable_mode=compat -e .
	-$(BIN)/sitegroup console-assets
	@touch $(STAMP)

## run: set up if needed, then start the whole platform on http://127.0.0.1:$${PORT:-8000} (demo seeded on first start)
run: $(STAMP)
	$(BIN)/sitegroup serve

## test: lint, then every test on the embedded backends, then again on real PostgreSQL, Kafka and S3
test: $(STAMP) lint test-embedded test-real

# Browser tests (tests/browser) need Chromium and axe-core: setup.sh installs them. CI (CI=true) must run
# them (SG_REQUIRE_BROWSER=1: missing pieces fail); elsewhere they are skipped when something is missing.
test-embedded: export SG_REQUIRE_BROWSER ?= $(if $(CI),1)
test-embedded: $(STAMP)
	scripts/browser/setup.sh
	$(BIN)/python -m pytest

test-real: $(STAMP)
	scripts/backends/up.sh
	. var/backends/env && $(BIN)/python -m pytest -m "not embedded_only"; status=$$?; \
	  scripts/backends/down.sh; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check shared services gateway sitegroup bench tests
	$(BIN)/ruff format --check shared services gateway sitegroup bench tests
	$(BIN)/lint-imports

## bench: the benchmarks of bench/ (see bench/README.md); real backends are started for them
bench: $(STAMP)
	scripts/backends/up.sh
	. var/backends/env && $(BIN)/python -m bench.publish && $(BIN)/python -m bench.relay && $(BIN)/python -m bench.rss

backends-up:
	scripts/backends/up.sh

backends-down:
	scripts/backends/down.sh

env-example: $(STAMP)
	$(BIN)/sitegroup config-example --output .env.example

clean:
	rm -rf var/data var/blobs var/keys
