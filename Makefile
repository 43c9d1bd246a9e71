# Viza — two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench migrate clean i18n

PO := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

# The venv is rebuilt only when pyproject.toml changes, so repeated runs are quick.
$(STAMP): pyproject.toml scripts/system-deps.sh
	bash scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Compiled catalogs are build products (not in git); rebuilt when a .po changes.
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d locales -D messages -l $* 2>/dev/null

run: $(STAMP) $(MO)
	$(BIN)/viza run

migrate: $(STAMP)
	$(BIN)/viza migrate

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) $(MO)
	$(MAKE) --no-print-directory lint
	$(BIN)/pytest -q -p no:cacheprovider

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Extract new strings into the template and merge them into each catalog.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -w 99 -o locales/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages -w 99 --no-fuzzy-matching

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
