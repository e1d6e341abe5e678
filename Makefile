# reports-tui — `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: help run test check bench screenshots lint setup browser shells man docs clean

help:            ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

setup: $(STAMP)  ## create .venv and install reports-tui with its test tools

$(STAMP): pyproject.toml
	@echo "setting up reports-tui (first time only, about a minute):"
	@test -x $(PY) || { echo "  creating the virtual environment in $(VENV)/"; \
		$(PYTHON) -m venv $(VENV) || { echo "  installing Debian's python3-venv"; apt-get update -qq \
		&& apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }; }
	@echo "  upgrading pip"
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@echo "  installing reports-tui and its libraries (Textual, pypinyin, rapidfuzz, …) and the test tools"
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "set up: $(VENV)/bin/reports-tui"

# `$(call apt_install,WHAT)`: install the Debian packages named in $$pkgs (none: nothing), or say that WHAT.
define apt_install
if [ -n "$$pkgs" ]; then \
	echo "installing Debian packages:$$pkgs"; \
	log=$$(mktemp); \
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs; } >$$log 2>&1 \
		|| { tail -n 3 $$log; echo "could not install$$pkgs: $(1)" >&2; }; \
	rm -f $$log; \
fi
endef

# Debian's chromium (the browser tests drive it; it cannot come from PyPI) and a Chinese font for
# screenshots/serve.png, installed with apt-get only when missing. Without root or Debian's archive the
# browser tests skip and say why.
browser:         ## install Debian's chromium and a Chinese font when missing (the browser tests)
	@pkgs=""; test -x /usr/bin/chromium || pkgs=" chromium"; \
	{ fc-list :lang=zh 2>/dev/null | grep -q . || test -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc; } \
		|| pkgs="$$pkgs fonts-wqy-zenhei"; \
	$(call apt_install,the browser tests will be skipped)

# zsh and fish (the completion tests drive them) and man-db (the manual page test renders with `man -l`),
# installed with apt-get only when missing. Without them those tests skip and say why.
shells:          ## install Debian's zsh, fish and man-db when missing (the completion and man page tests)
	@pkgs=""; for p in zsh fish; do command -v $$p >/dev/null || pkgs="$$pkgs $$p"; done; \
	command -v man >/dev/null || pkgs="$$pkgs man-db"; \
	$(call apt_install,their tests will be skipped)

man: $(STAMP)    ## write the manual page man/reports-tui.1 from the command line's parsers
	$(PY) scripts/docs.py man

docs: $(STAMP)   ## write the manual page and the README's key table
	$(PY) scripts/docs.py

run: $(STAMP)    ## open the app on the bundled sample reports (ARGS="PATH ..." for others)
	$(VENV)/bin/reports-tui $(ARGS)

# The run keeps the bytecode it compiles (in __pycache__, ignored by git) even where the environment
# says not to: else every worker and every process a test starts compiles the tests and reports-tui again.
test: $(STAMP) browser shells  ## run the test suite
	env -u PYTHONDONTWRITEBYTECODE $(PY) -m pytest -q -n 4 --dist loadfile --no-loadscope-reorder -p no:cacheprovider

check: $(STAMP)  ## the quick lane (about a minute): unit tests but the slow ones, and the import contracts
	$(PY) -m pytest -q -n 2 -p no:cacheprovider -m "not slow" tests/unit

bench: $(STAMP)  ## run the benchmarks and print the numbers (installs ripgrep and fzf to compare with)
	@command -v rg >/dev/null && command -v fzf >/dev/null || { echo "installing ripgrep and fzf (to measure search against them)…"; \
	  apt-get install -y -qq ripgrep fzf >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq ripgrep fzf >/dev/null; } || true; }
	$(PY) benchmarks/run.py

screenshots: $(STAMP) browser  ## write SVG screenshots of every screen (and serve.png, digest.png) into screenshots/
	$(PY) scripts/screenshots.py
	$(PY) scripts/serve_screenshot.py
	$(PY) scripts/digest_screenshot.py

lint: $(STAMP)   ## lint the bundled seeds with reports-tui itself
	$(VENV)/bin/reports-tui lint

clean:           ## remove the virtual environment
	rm -rf $(VENV)
