# redactclf: two commands for a fresh machine with Python 3.11.
#   make app   set up, then serve the app on the shipped model at http://127.0.0.1:7860
#   make test  set up, then run every check CI runs
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: app test setup setup-dev browser-deps sync-check lint nbtest pytest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.app-installed: requirements.txt settings.ini setup.py | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.app-installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

# the browser test drives Debian's chromium (never a downloaded browser). As root with apt-get, `make test`
# installs the Debian package `chromium` (system-wide, about 300 MB) and says so first; NO_SYSTEM_INSTALL=1,
# or not being root, skips it and the browser test is skipped with that reason.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { [ -z "$$NO_SYSTEM_INSTALL" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && echo "make test: installing the Debian package chromium with apt-get for the browser test (NO_SYSTEM_INSTALL=1 skips)" \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "chromium not installed: the browser test will be skipped"

setup: $(VENV)/.app-installed
setup-dev: $(VENV)/.dev-installed

app: setup
	$(BIN)/python app.py

# notebooks are the source: exporting them must not change redactclf/
sync-check: setup-dev
	$(BIN)/nbdev_export
	@git diff --quiet -- redactclf && test -z "$$(git status --porcelain -- redactclf)" \
	  || { echo "redactclf/ is out of sync with nbs/: run nbdev_export and commit"; git status --short -- redactclf; exit 1; }

lint: setup-dev
	$(BIN)/ruff check redactclf app.py tests scripts

nbtest: setup-dev
	$(BIN)/nbdev_test --n_workers 1

pytest: setup-dev browser-deps
	$(BIN)/python -m pytest -q tests

test: sync-check lint nbtest pytest

clean:
	rm -rf $(VENV) _proc _docs
