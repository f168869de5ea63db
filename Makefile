# Two commands set up everything:  make run  and  make test.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# PostgreSQL with two roles (docs/security.md, "Database roles"): the tests connect
# as the runtime role; the owner role creates and migrates their databases.
# .ci/postgres.py creates both (as PG_ADMIN_URL, a superuser) when missing.
PG_URL ?= postgres://coopsturing_app@127.0.0.1:5432/coopsturing
PG_OWNER_URL ?= postgres://coopsturing_owner@127.0.0.1:5432/coopsturing
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres
# Tests run on every core (pytest-xdist); each worker has its own test database.
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?=
# The seed of the generated test data (tests/seeding.py); empty means its fixed
# default. Each run prints the seed in its header: repeat a run with
# make test TEST_SEED=<seed>.
TEST_SEED ?=

.PHONY: run test install lint lint-api messages chromium vendor-leaflet test-sqlite test-postgres migrate seed serve serve-prod backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

## make run: install, migrate, load the demo, serve on http://127.0.0.1:8000
run: install migrate seed serve

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: install
	$(BIN)/python manage.py journaal_sleutel --als-ontbrekend
	$(BIN)/python manage.py seed_demo

serve: install
	@echo "Serving on http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## make serve-prod: production serving (gunicorn + whitenoise), DJANGO_DEBUG=false;
## needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (see README, "Production").
## On PostgreSQL set DATABASE_URL (runtime role) and DATABASE_OWNER_URL (owner):
## migrate runs as the owner and grants the runtime role; gunicorn serves as it.
serve-prod: install
	DJANGO_DEBUG=false $(BIN)/python manage.py collectstatic --no-input -v0
	DJANGO_DEBUG=false $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=false env -u DATABASE_OWNER_URL $(BIN)/gunicorn -c deploy/gunicorn.conf.py

## make backup: database + media files into $(BACKUP_DIR) (docs/backup.md)
BACKUP_DIR ?= backups
backup: install
	$(BIN)/python manage.py backup --uit $(BACKUP_DIR)

## make restore ARCHIEF=backups/coopsturing-backup-….tar.gz: into an empty database
restore: install
	@test -n "$(ARCHIEF)" || { echo "Use: make restore ARCHIEF=<archive>" >&2; exit 2; }
	$(BIN)/python manage.py restore $(ARCHIEF)
	$(BIN)/python manage.py verify_ledger

## make test: lint, then the whole suite on SQLite and on PostgreSQL
test: install lint lint-api chromium test-sqlite test-postgres

# Spectral (pinned in .ci/spectral/package-lock.json), installed from npm into
# .ci/spectral/node_modules (git-ignored); its install scripts are not run.
SPECTRAL_DIR := .ci/spectral
SPECTRAL := $(SPECTRAL_DIR)/node_modules/.bin/spectral

$(SPECTRAL): $(SPECTRAL_DIR)/package.json $(SPECTRAL_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		if ! command -v apt-get >/dev/null 2>&1; then \
			echo "npm is needed for the API lint (make lint-api): install Node.js and npm." >&2; exit 1; \
		fi; \
		SUDO=; \
		if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi; \
		$$SUDO apt-get update && $$SUDO apt-get install -y nodejs npm; \
	}
	cd $(SPECTRAL_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

## make lint-api: the OpenAPI schema against the Logius API Design Rules
## (Spectral, .ci/spectral/ruleset.yaml); docs/api.md lists the v1 exceptions
lint-api: install $(SPECTRAL)
	@mkdir -p var
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml
	$(SPECTRAL) lint --ruleset $(SPECTRAL_DIR)/ruleset.yaml --fail-severity error \
		var/openapi.yaml

## make chromium: Debian's Chromium for the browser tests (tests/browser), when missing
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if ! command -v apt-get >/dev/null 2>&1; then \
			echo "No chromium and no apt-get: install Chromium yourself; the browser tests skip (and fail under CI=true)." >&2; \
			exit 0; \
		fi; \
		SUDO=; \
		if [ "$$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi; \
		$$SUDO apt-get update && $$SUDO apt-get install -y chromium; \
	}

## make vendor-leaflet: refresh static/vendor/leaflet/ from the npm package
## (the pinned version, checked against its SHA-256). Only when upgrading: the
## vendored files are committed, so neither a build nor a server needs npm.
LEAFLET_VERSION := 1.9.4
LEAFLET_SHA256 := 84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77
LEAFLET_DIR := static/vendor/leaflet
vendor-leaflet:
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed to refresh Leaflet: install Node.js and npm." >&2; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	( cd "$$tmp" && npm pack --silent leaflet@$(LEAFLET_VERSION) >/dev/null ) && \
	echo "$(LEAFLET_SHA256)  $$tmp/leaflet-$(LEAFLET_VERSION).tgz" | sha256sum -c --quiet - && \
	tar -xzf "$$tmp/leaflet-$(LEAFLET_VERSION).tgz" -C "$$tmp" && \
	rm -rf $(LEAFLET_DIR) && mkdir -p $(LEAFLET_DIR)/images && \
	cp "$$tmp/package/dist/leaflet.js" "$$tmp/package/dist/leaflet.js.map" \
		"$$tmp/package/dist/leaflet.css" \
		"$$tmp/package/LICENSE" $(LEAFLET_DIR)/ && \
	cp "$$tmp/package/dist/images/"*.png $(LEAFLET_DIR)/images/ && \
	printf 'leaflet %s\nsource: npm pack leaflet@%s (registry.npmjs.org)\nsha256 of the package: %s\nfiles: dist/leaflet.js (+ .map), dist/leaflet.css, dist/images/*.png, LICENSE\nrefreshed by: make vendor-leaflet\n' \
		"$(LEAFLET_VERSION)" "$(LEAFLET_VERSION)" "$(LEAFLET_SHA256)" > $(LEAFLET_DIR)/VERSION
	@echo "Leaflet $(LEAFLET_VERSION) is in $(LEAFLET_DIR)/."

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run

test-sqlite: install
	@echo ""
	@echo "=== Test suite on SQLite ==="
	env -u DATABASE_URL TEST_SEED=$(TEST_SEED) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: install
	@echo ""
	@echo "=== Test suite on PostgreSQL ($(PG_URL)) ==="
	@DATABASE_URL=$(PG_URL) DATABASE_OWNER_URL=$(PG_OWNER_URL) PG_ADMIN_URL=$(PG_ADMIN_URL) \
		$(BIN)/python .ci/postgres.py; status=$$?; \
	if [ $$status -eq 3 ]; then \
		if [ "$${CI:-}" = "true" ]; then \
			echo "PostgreSQL is required under CI and could not be reached." >&2; exit 1; \
		else \
			echo "PostgreSQL run skipped: no server at $(PG_URL)."; exit 0; \
		fi; \
	elif [ $$status -ne 0 ]; then exit $$status; fi; \
	DATABASE_URL=$(PG_URL) DATABASE_OWNER_URL=$(PG_OWNER_URL) TEST_SEED=$(TEST_SEED) \
		$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## make messages: refresh the Dutch and English catalogues (locale/) from the code,
## then compile them; translate the new English entries in between and run it again
messages: install
	$(BIN)/python manage.py makemessages -l nl -l en --no-obsolete \
		--ignore='.venv/*' --ignore='tests/*' --ignore='bench/*' \
		--ignore='staticfiles/*' --ignore='media/*'
	$(BIN)/python manage.py compilemessages -l nl -l en --ignore='.venv/*'

clean:
	rm -rf $(VENV) db.sqlite3* test-db.sqlite3* staticfiles $(SPECTRAL_DIR)/node_modules
