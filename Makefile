# The two commands of the quick start:
#   make site   install what the build needs and build the site from data/listings
#   make test   install what the tests need and run them all
# Everything is installed into this folder (.venv/, node_modules/) from PyPI and the npm registry;
# the browser tests use Debian's chromium package, installed with apt-get when it is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test test-fast check golden screenshots serve clean

site: $(VENV)/.build node_modules/.installed
	$(PY) -m generator build

check: $(VENV)/.build
	$(PY) -m generator check

test: $(VENV)/.test node_modules/.installed chromium
	$(PY) -m pytest

# The quick loop while editing: every test but those driving Chromium or building the real site with MkDocs.
test-fast: $(VENV)/.test node_modules/.installed
	$(PY) -m pytest -m "not browser and not slow"

# Regenerate the golden copy of the small test corpus after an intended change of the output.
golden: $(VENV)/.test
	$(PY) -m tests.golden

# Screenshots of the home page and a paper page for the README, from the real build.
screenshots: $(VENV)/.test chromium
	$(PY) scripts/screenshots.py

serve: site
	$(PY) -m http.server --directory site 8000

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

$(VENV)/.build: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-test.txt
	touch $@ $(VENV)/.build

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf site site-offline docs .site.staging .site-offline.staging .docs.staging .cache/generator
