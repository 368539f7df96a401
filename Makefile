# `make test` works on a fresh machine: it creates .venv, installs the
# project with its pinned dev dependencies, then runs every gate CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck codegen-check pytest docs venv demo bench fuzz soak clean update-model

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: venv
	$(BIN)/mypy

codegen-check: venv
	$(BIN)/python -m codegen --check

pytest: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider

# Strict: a broken link or a missing page fails the build. (The variable
# silences the theme's notice about MkDocs 2.)
docs: venv
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# The generated-code check and the suite again under another interpreter
# (make test-newest NEWEST=python3.13): neither generation nor behaviour may
# depend on which supported Python runs them. .ci/run calls it when the
# machine has Python 3.13. The docs and packaging tests are left to `make
# test` (they check files built once, not the interpreter).
NEWEST ?= python3.13
NEWEST_VENV := .venv-newest
.PHONY: test-newest
test-newest:
	$(NEWEST) -m venv $(NEWEST_VENV)
	$(NEWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(NEWEST_VENV)/bin/python -m pip install --quiet -e ".[dev]"
	$(NEWEST_VENV)/bin/python -m codegen --check
	$(NEWEST_VENV)/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/docs --ignore=tests/packaging

# The sdist and the wheel built from it, as a release would build them,
# then checked: metadata (twine) and contents (tests/packaging/check_dist.py).
DIST := build/dist
.PHONY: package
package: venv
	rm -rf $(DIST)
	$(BIN)/python -m build --no-isolation --outdir $(DIST) .
	$(BIN)/twine check --strict $(DIST)/*
	$(BIN)/python -m tests.packaging.check_dist $(DIST)

# The site is built first so that the docs tests (tests/docs: built HTML, a
# headless browser) check it instead of building one of their own.
test: lint typecheck codegen-check docs pytest package
test: export LAMBDA_CLIENT_DOCS_SITE = $(CURDIR)/build/site

# Moves the project to the newest botocore model on the package index (or
# TO=VERSION): bumps the dev pins, reinstalls, regenerates, and adds the API
# changelog entry to docs/api-changes.md. A second run is a no-op.
update-model: venv
	$(BIN)/python -m codegen --update $(if $(TO),--to $(TO))
	touch $(STAMP)

demo: venv
	$(BIN)/python demo/tour.py

# Benchmarks vs aiobotocore, aws-sdk-lambda (Python 3.12; left out if absent)
# and raw aiohttp; writes bench/results/ and docs/performance.md. aiobotocore
# lives in its own environment: it accepts only the botocore releases of its
# own, which the dev pin (the model the client is generated from) moves past.
AIOBOTOCORE_ENV := bench/.venv-aiobotocore/.installed

$(AIOBOTOCORE_ENV): bench/requirements-aiobotocore.txt bench/setup_aiobotocore.sh $(STAMP)
	bash bench/setup_aiobotocore.sh

bench: venv $(AIOBOTOCORE_ENV)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	test -x bench/.venv312/bin/python || bash bench/setup_smithy.sh || echo "aws-sdk-lambda left out: no Python 3.12"
	$(BIN)/python -m bench

# The fuzz tests (tests/fuzz) with every example count multiplied by
# FUZZ_SCALE (20 here: about 53,000 hostile answers; make test runs 2,675).
fuzz: venv
	FUZZ_SCALE=$${FUZZ_SCALE:-20} $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz

# 20,000 calls, 64 in flight, against a local server injecting 15% faults;
# figures in docs/design/reliability.md. SOAK_ARGS passes other options.
soak: venv
	$(BIN)/python -m bench.soak --json bench/results/soak.json $(SOAK_ARGS)

clean:
	rm -rf $(VENV) $(NEWEST_VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build
