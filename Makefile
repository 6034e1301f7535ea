# Storycam: `make dev` runs the platform, `make test` runs the suite. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/venv/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: dev test test-tools lint format bench clean install

# uv itself comes from PyPI, into a private venv, so a machine needs nothing but Python 3.11+ and make.
$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(TOOLS)/venv
	$(TOOLS)/venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(UV) uv.lock pyproject.toml $(wildcard shared/*/pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml)
	$(UV) sync --frozen --all-packages --compile-bytecode
	@touch $(STAMP)

# The inkjs compiler, for importing .ink sources and the story tests (playing needs no Node).
INK_STAMP := services/story/ink-compiler/node_modules/.package-lock.json
$(INK_STAMP): services/story/ink-compiler/package.json services/story/ink-compiler/package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 18+ with npm is needed to compile ink stories"; exit 1; }
	npm ci --prefix services/story/ink-compiler --no-audit --no-fund

install: $(STAMP) $(INK_STAMP)

# What the tests need from the system: Chromium for the web chat test, promtool for the alert rules.
# Debian's packages, installed once (as root, or through sudo) when missing.
SYSTEM_TEST_TOOLS := /usr/bin/chromium /usr/bin/promtool
$(SYSTEM_TEST_TOOLS):
	@command -v apt-get >/dev/null || { echo "Install Chromium and Prometheus' promtool with your package manager"; exit 1; }
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq --no-install-recommends chromium fonts-noto-color-emoji prometheus

test-tools: $(SYSTEM_TEST_TOOLS)

dev: $(STAMP)
	$(VENV)/bin/storycam-dev

# Two pytest workers against given servers (DATABASE_URL and REDIS_URL, as on CI): the suite mostly waits on
# servers and subprocesses, so two workers on two cores take about half the time. With embedded servers (a
# newcomer's machine) one process starts them once. `make test TEST_WORKERS=0` runs serially anywhere.
TEST_WORKERS ?= $(if $(and $(DATABASE_URL),$(REDIS_URL)),2,0)

test: $(STAMP) $(INK_STAMP) test-tools
	$(VENV)/bin/pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) $(INK_STAMP)
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
