# Sarasehan: two commands set up everything on a fresh machine.
#   make start   create .venv if needed, install, open the course in JupyterLab
#   make test    create .venv if needed, install with test tools, run all tests
#   make bundle  offline learner archives (one per system) and the instructor archive in dist/
# Options: PORT=8888 COURSE_LANG=id|en PYTHON=python3

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888
COURSE_LANG ?= id
PYTEST_ARGS ?=

.PHONY: start test install install-test build release bundle check clean help

help:
	@echo "make start   - install (first time) and open the course in JupyterLab (PORT=$(PORT) COURSE_LANG=$(COURSE_LANG))"
	@echo "make test    - install (first time) and run the whole test suite"
	@echo "make build   - rebuild course/ and solutions/ notebooks from authoring/"
	@echo "make release - regenerate exercises/ from solutions/ with nbgrader"
	@echo "make bundle  - offline learner archives per system + instructor archive in dist/ (needs internet once)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11) else "Sarasehan memerlukan Python 3.11 atau lebih baru / Sarasehan needs Python 3.11 or newer (found %d.%d). Supported: 3.11, 3.12, 3.13." % v[:2])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-learner.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

start: $(VENV)/.installed
	PORT=$(PORT) COURSE_LANG=$(COURSE_LANG) $(BIN)/sarasehan lab

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

build: $(VENV)/.installed
	$(BIN)/sarasehan build

release: $(VENV)/.installed
	$(BIN)/sarasehan release

# Downloads every wheel the course needs for each system and Python 3.11-3.13 (pip caches
# them), checks each wheelhouse resolves offline, and reports each archive's size.
bundle: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'pip>=24.1'
	$(BIN)/sarasehan bundle --out dist

clean:
	rm -rf $(VENV) .pytest_cache
