# Every target bootstraps .venv itself, so a fresh clone needs only python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_WS ?= demo-workspace

.PHONY: demo test lint bench clean browser notebooks

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Builds the demo workspace, then serves the dashboard on http://localhost:5006 (Ctrl-C stops).
demo: $(STAMP)
	$(VENV)/bin/novelcraft --workspace $(DEMO_WS) demo

# JupyterLab on notebooks/ (the optional [notebooks] extra, so `make test` stays lean). The
# notebooks read $NOVELCRAFT_HOME, else the demo workspace, built here when missing.
NB_STAMP := $(VENV)/.notebooks-stamp
$(NB_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,notebooks]'
	touch $(NB_STAMP)

notebooks: $(NB_STAMP)
	@if [ -z "$$NOVELCRAFT_HOME" ] && [ ! -d $(DEMO_WS) ]; then \
		$(VENV)/bin/novelcraft --workspace $(DEMO_WS) demo --no-serve; \
	fi
	NOVELCRAFT_HOME="$${NOVELCRAFT_HOME:-$(CURDIR)/$(DEMO_WS)}" \
		$(VENV)/bin/jupyter lab --ip 127.0.0.1 --notebook-dir notebooks

test: $(STAMP) browser
	$(PY) -m pytest -q

# The browser tests drive Debian's chromium (never `playwright install`); Korean and emoji
# fonts make their screenshots readable. A fresh CI machine runs this as root.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=ko 2>/dev/null | grep -q .; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium fonts-nanum fonts-noto-color-emoji; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_WS) .pytest_cache .ruff_cache
