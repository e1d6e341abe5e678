# reports-tui — `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: help run test bench screenshots lint setup clean

help:            ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

setup: $(STAMP)  ## create .venv and install reports-tui with its test tools

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)    ## open the app on the bundled sample reports (ARGS="PATH ..." for others)
	$(VENV)/bin/reports-tui $(ARGS)

test: $(STAMP)   ## run the test suite
	$(PY) -m pytest -q -n 2 --dist loadfile -p no:cacheprovider

bench: $(STAMP)  ## run the benchmarks and print the numbers (installs ripgrep and fzf to compare with)
	@command -v rg >/dev/null && command -v fzf >/dev/null || { echo "installing ripgrep and fzf (to measure search against them)…"; \
	  apt-get install -y -qq ripgrep fzf >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq ripgrep fzf >/dev/null; } || true; }
	$(PY) benchmarks/run.py

screenshots: $(STAMP)  ## write SVG screenshots of every screen into screenshots/
	$(PY) scripts/screenshots.py

lint: $(STAMP)   ## lint the bundled seeds with reports-tui itself
	$(VENV)/bin/reports-tui lint

clean:           ## remove the virtual environment
	rm -rf $(VENV)
