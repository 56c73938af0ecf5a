# The Resilience Portal's commands. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_SERVER ?= postgres://postgres@127.0.0.1:5432
PG_DATABASE ?= resilience_portal
REDIS_URL ?= redis://127.0.0.1:6379/0

RUN_PACKAGES := gettext fonts-noto-core fonts-thai-tlwg libpango-1.0-0 libpangoft2-1.0-0
TEST_PACKAGES := $(RUN_PACKAGES) chromium clamav-daemon poppler-utils default-jre-headless

RUN_ENV := DJANGO_DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 REDIS_URL= \
	CELERY_TASK_ALWAYS_EAGER=true EMAIL_URL=consolemail://
STACK_ENV := DJANGO_DEBUG=true DATABASE_URL=$(PG_SERVER)/$(PG_DATABASE) REDIS_URL=$(REDIS_URL) \
	CELERY_TASK_ALWAYS_EAGER=false EMAIL_URL=$${EMAIL_URL:-consolemail://}
TEST_ENV := DATABASE_URL=$(PG_SERVER)/$(PG_DATABASE) REDIS_URL=$(REDIS_URL) DJANGO_SECRET_KEY=tests-only-not-secret

.PHONY: help run test stack backup restore bench python-version system-packages test-packages database \
	messages lint checks pytest clean

help:
	@echo "make run    the portal on SQLite with demo data at http://127.0.0.1:8000"
	@echo "make test   lint, checks and the whole suite on PostgreSQL"
	@echo "make stack  web node(s), Celery workers per queue and beat on PostgreSQL, Redis, S3"
	@echo "            (make stack WEB_NODES=2: two web nodes, on ports 8000 and 8001)"
	@echo "make backup / make restore BACKUP=folder   the database and every stored file"
	@echo "make bench  the benchmarks, printing their figures"

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || { \
		echo "The portal needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
		echo "With pyenv: 'pyenv install 3.12' (the repo's .python-version then selects it),"; \
		echo "or run 'make PYTHON=/path/to/python3.12 ...'."; exit 1; }

$(VENV)/.installed: pyproject.toml requirements/constraints.txt | python-version
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e '.[dev]'
	touch $@

# Debian packages: gettext compiles the catalogues, Pango and the Noto/TLWG fonts let
# WeasyPrint render Thai, Chromium drives the browser tests, clamd scans uploads in the tests
# (which start their own daemon with their own signature; nothing is downloaded), and
# poppler-utils reads the case-study PDFs back.
define apt_install
	@missing=""; for package in $(1); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

system-packages:
	$(call apt_install,$(RUN_PACKAGES))

test-packages:
	$(call apt_install,$(TEST_PACKAGES))

database: $(VENV)/.installed
	$(TEST_ENV) $(PY) manage.py ensure_database

messages: $(VENV)/.installed system-packages
	@cd $(CURDIR) && $(RUN_ENV) $(PY) manage.py compilemessages --ignore '.venv' --ignore 'static' -v0

run: $(VENV)/.installed system-packages messages
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

checks: $(VENV)/.installed database
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) DJANGO_DEBUG=false DJANGO_ALLOWED_HOSTS=portal.example.org \
		DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
		$(PY) manage.py check --deploy --fail-level WARNING

# The suite runs in one process per core (pytest-xdist); each has its own test database.
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

pytest: $(VENV)/.installed test-packages database messages
	$(TEST_ENV) $(BIN)/pytest --numprocesses $(PYTEST_WORKERS) $(PYTEST_ARGS)

test: lint checks pytest

# `make stack WEB_NODES=2`: web nodes on ports 8000, 8001, … side by side, sharing PostgreSQL,
# Redis and the object store. Files go to a local S3 server (moto, in memory: files vanish when
# the stack stops) unless OBJECT_STORAGE_BUCKET names a real bucket (MinIO, S3): then set
# OBJECT_STORAGE_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY too.
WEB_NODES ?= 1
STACK_S3_PORT ?= 9000
STACK_PORT ?= 8000
ifeq ($(OBJECT_STORAGE_BUCKET),)
STACK_STORE := OBJECT_STORAGE_BUCKET=portal OBJECT_STORAGE_ENDPOINT_URL=http://127.0.0.1:$(STACK_S3_PORT) \
	OBJECT_STORAGE_REGION=us-east-1 AWS_ACCESS_KEY_ID=stack-only AWS_SECRET_ACCESS_KEY=stack-only \
	STACK_S3_PORT=$(STACK_S3_PORT)
STACK_PROCESSES := web=$(WEB_NODES),mail=1,bulk=1,render=1,beat=1,s3=1
else
STACK_STORE :=
STACK_PROCESSES := web=$(WEB_NODES),mail=1,bulk=1,render=1,beat=1,s3=0
endif

stack: $(VENV)/.installed system-packages messages database
	$(STACK_ENV) $(PY) manage.py migrate --noinput
	PATH="$(abspath $(BIN)):$$PATH" $(STACK_ENV) $(STACK_STORE) \
		$(BIN)/honcho start -f Procfile --port $(STACK_PORT) --concurrency $(STACK_PROCESSES)

# `make backup [BACKUP=folder]` and `make restore BACKUP=folder`, against DATABASE_URL and the
# store the environment names (the same variables as the running portal).
BACKUP ?= backups/$(shell date -u +%Y%m%dT%H%M%SZ)

backup: $(VENV)/.installed
	$(PY) manage.py backup $(BACKUP)

restore: $(VENV)/.installed
	@test -d "$(BACKUP)/files" || { echo "make restore BACKUP=<folder made by make backup>"; exit 1; }
	$(PY) manage.py restore $(BACKUP)

BENCH_ENV := DATABASE_URL=$(PG_SERVER)/$(PG_DATABASE)_bench REDIS_URL=$(REDIS_URL) DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=bench-only DJANGO_ALLOWED_HOSTS=testserver,127.0.0.1 SECURE_SSL_REDIRECT=false \
	STATICFILES_STORAGE=django.contrib.staticfiles.storage.StaticFilesStorage \
	CELERY_TASK_ALWAYS_EAGER=true EMAIL_URL=dummymail://

bench: $(VENV)/.installed
	$(BENCH_ENV) $(PY) manage.py ensure_database
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v0
	$(BENCH_ENV) $(PY) -W ignore::UserWarning -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media private-media
	find locale -name '*.mo' -delete
