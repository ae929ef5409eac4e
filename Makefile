# The two commands: `make run` serves the demo forum, `make test` runs the suite.
# Everything they need is installed here, into .venv and node_modules.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FORUM_HOST ?= 127.0.0.1
FORUM_PORT ?= 5000
FLASK  := $(BIN)/flask --app wsgi
SOCKETIO_JS := static/vendor/socket.io.min.js

.PHONY: run test install install-dev assets translations messages test-tools lint bench clean

run: install assets translations
	$(FLASK) db upgrade
	$(FLASK) forum demo load
	@$(FLASK) forum search check >/dev/null 2>&1 || $(FLASK) forum search rebuild
	@echo "Serving the forum on http://$(FORUM_HOST):$(FORUM_PORT) (demo users: see README)"
	@echo "Open http://$(FORUM_HOST):$(FORUM_PORT)/feed: two Twitter conversations arrive over the first minute."
	(sleep 8; FORUM_X_BRAND_HANDLES=AcmeHelp $(FLASK) forum mirror run --once \
		--source forum/social/demo_live_pages.jsonl --pace 6 >instance/demo-mirror.log 2>&1) &
	$(FLASK) run --host $(FORUM_HOST) --port $(FORUM_PORT)

# Unit, API, live and browser tests on SQLite; then again on PostgreSQL when
# FORUM_TEST_DATABASE_URL is set (.ci/run sets it when the server answers).
test: install-dev assets translations test-tools
	env -u FORUM_TEST_DATABASE_URL $(BIN)/pytest -q --cov=forum --cov-report=term:skip-covered
	@if [ -n "$${FORUM_TEST_DATABASE_URL:-}" ]; then \
		echo "== the suite again on PostgreSQL ($$FORUM_TEST_DATABASE_URL)"; \
		$(BIN)/pytest -q -m "not browser"; \
	else \
		echo "== FORUM_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped"; \
	fi

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The interface's languages (forum/i18n.py): catalogues are kept as .po, compiled here.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard forum/translations/*/LC_MESSAGES/messages.po))
translations: $(MO_FILES)
forum/translations/%/LC_MESSAGES/messages.mo: forum/translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

# After changing interface text: gather every string again and add the new ones to each
# catalogue (then translate them; tests/unit/test_catalogues.py says which are missing).
messages: install
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 --no-location \
		--sort-output --project forum -o forum/translations/messages.pot .
	$(BIN)/pybabel -q update -i forum/translations/messages.pot -d forum/translations --no-fuzzy-matching

# Front-end libraries come from the npm registry at install time, never a CDN.
assets: $(SOCKETIO_JS)
$(SOCKETIO_JS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $@)
	cp node_modules/socket.io-client/dist/socket.io.min.js $@

# Browser tests drive Debian's Chromium and the deployment tests run Debian's nginx in front
# of gunicorn: install whichever is missing, when we may (root with apt-get); else they skip.
TEST_PACKAGES_MISSING = $(strip $(if $(wildcard /usr/bin/chromium),,chromium chromium-driver) \
                                $(if $(wildcard /usr/sbin/nginx),,nginx))
test-tools:
	@if [ -n "$(TEST_PACKAGES_MISSING)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "== installing Debian $(TEST_PACKAGES_MISSING) for the browser and deployment tests"; \
			(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(TEST_PACKAGES_MISSING)) \
				>/tmp/forum-test-tools.log 2>&1 \
				|| echo "$(TEST_PACKAGES_MISSING) could not be installed (see /tmp/forum-test-tools.log): their tests will skip"; \
		else echo "missing $(TEST_PACKAGES_MISSING) and no root: their tests will skip"; fi; \
	fi

# Style, layout and types; .ci/run runs it. mypy reads its files and settings from pyproject.toml.
LINT_PATHS := forum tests bench config.py wsgi.py
lint: install-dev
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

bench: install-dev
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules static/vendor instance .pytest_cache .coverage
