# Storycam: `make dev` runs the platform, `make test` runs the suite. Both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/venv/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: dev test lint format bench clean install

# uv itself comes from PyPI, into a private venv, so a machine needs nothing but Python 3.11+ and make.
$(UV):
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11+ is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(TOOLS)/venv
	$(TOOLS)/venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(UV) uv.lock pyproject.toml $(wildcard shared/*/pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml)
	$(UV) sync --frozen --all-packages
	@touch $(STAMP)

install: $(STAMP)

dev: $(STAMP)
	$(VENV)/bin/storycam-dev

test: $(STAMP)
	$(VENV)/bin/pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
