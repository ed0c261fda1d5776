# Two commands do everything on a fresh machine:
#   make book   install what is needed, then build the site into _build/html
#   make test   install what is needed, then run the unit tests and nbval over every chapter
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A folder laid out like a Keras cache, copied into $KERAS_HOME before the tests when present.
KERAS_CACHE_SRC ?= ../shared/keras-cache
NOTEBOOKS ?= $(sort $(wildcard chapters/*.ipynb))
# MathJax for the site's math, fetched from the npm registry at build time (never a CDN at view
# time, never committed): _config.yml serves _vendor/ as static files.
MATHJAX_VERSION := 3.2.2
MATHJAX := _vendor/mathjax/tex-mml-chtml.js
# ONNX Runtime Web for the model explorers (course_utils/site/js/live_models.js), also from npm
# at build time, loaded by a page only when a reader opens a model explorer: the WASM build's
# script, its SIMD binary and the module that loads it (the package has no licence file: its
# package.json says MIT, and ort.wasm.min.js carries the notice).
ORT_VERSION := 1.30.0
ORT := _vendor/onnxruntime/ort.wasm.min.js
ORT_FILES := ort.wasm.min.js ort-wasm-simd-threaded.wasm ort-wasm-simd-threaded.mjs
# axe-core for the browser test's accessibility checks (tests/web/), also from npm; only the
# tests load it, so it goes to _build/test-vendor/, not into the site's _vendor/.
AXE_VERSION := 4.10.3
AXE := _build/test-vendor/axe.min.js
# The CI timings the results page reports (see course_utils/site/report.py and .ci/run).
CI_TIMINGS := _build/ci/notebook_seconds.json

.PHONY: setup seed vendor axe results book results-page test test-unit lint notebooks

$(BIN)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || { \
		echo "The book needs Python 3.11, 3.12 or 3.13; $(PYTHON) is not one of them."; \
		echo "Name one with: make book PYTHON=python3.12 (see the README's Platforms)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	@# Keep TensorFlow's C++ log lines out of notebook outputs (see STACK_NOTES).
	mkdir -p $(VENV)/etc/ipython
	echo "c.IPKernelApp.capture_fd_output = False" > $(VENV)/etc/ipython/ipython_kernel_config.py
	touch $@

setup: $(BIN)/.installed

seed: setup
	$(BIN)/python -m course_utils.data seed $(wildcard $(KERAS_CACHE_SRC))

# MathJax's combined TeX component, the pieces it loads on demand (TeX extensions, fonts,
# menu, accessibility) and its licence; npm checks the tarball's integrity.
$(MATHJAX): Makefile
	@command -v npm >/dev/null || { echo "make vendor needs npm (Debian: apt-get install npm)"; exit 1; }
	rm -rf _vendor/mathjax _vendor/tmp && mkdir -p _vendor/mathjax _vendor/tmp
	cd _vendor/tmp && npm pack --silent --loglevel=error mathjax@$(MATHJAX_VERSION) >/dev/null
	tar -xzf _vendor/tmp/mathjax-$(MATHJAX_VERSION).tgz -C _vendor/tmp package/LICENSE \
		package/es5/tex-mml-chtml.js package/es5/input package/es5/output package/es5/ui \
		package/es5/a11y package/es5/sre package/es5/adaptors
	mv _vendor/tmp/package/LICENSE _vendor/tmp/package/es5/* _vendor/mathjax/
	rm -rf _vendor/tmp
	touch $@

$(ORT): Makefile
	@command -v npm >/dev/null || { echo "make vendor needs npm (Debian: apt-get install npm)"; exit 1; }
	rm -rf _vendor/onnxruntime _vendor/tmp-ort && mkdir -p _vendor/onnxruntime _vendor/tmp-ort
	cd _vendor/tmp-ort && npm pack --silent --loglevel=error onnxruntime-web@$(ORT_VERSION) >/dev/null
	tar -xzf _vendor/tmp-ort/onnxruntime-web-$(ORT_VERSION).tgz -C _vendor/tmp-ort package/package.json \
		$(addprefix package/dist/,$(ORT_FILES))
	mv _vendor/tmp-ort/package/package.json $(addprefix _vendor/tmp-ort/package/dist/,$(ORT_FILES)) \
		_vendor/onnxruntime/
	rm -rf _vendor/tmp-ort
	touch $@

vendor: $(MATHJAX) $(ORT)

$(AXE): Makefile
	@command -v npm >/dev/null || { echo "make axe needs npm (Debian: apt-get install npm)"; exit 1; }
	rm -rf _build/test-vendor/tmp && mkdir -p _build/test-vendor/tmp
	cd _build/test-vendor/tmp && npm pack --silent --loglevel=error axe-core@$(AXE_VERSION) >/dev/null
	tar -xzf _build/test-vendor/tmp/axe-core-$(AXE_VERSION).tgz -C _build/test-vendor/tmp \
		package/axe.min.js package/LICENSE
	mv _build/test-vendor/tmp/package/axe.min.js _build/test-vendor/tmp/package/LICENSE _build/test-vendor/
	rm -rf _build/test-vendor/tmp
	touch $@

axe: $(AXE)

# The results page is read from the committed notebooks' glued values and timing metadata,
# and from the CI timings that `make test` and .ci/run record under _build/ci/ when present.
results: setup
	$(BIN)/python -m course_utils.site.report --output results.md

# After the pages: the models the site's explorers load (course_utils/site/models.py), exported
# from their Keras builds into _build/html/_static/models/ (never committed).
book: results vendor
	$(BIN)/jupyter-book build --all -W -n --keep-going .
	$(BIN)/python -m course_utils.site.models _build/html

# Refresh the results page of a built site (an incremental build: only changed pages).
results-page: results vendor
	$(BIN)/jupyter-book build -W -n --keep-going .

lint: setup
	$(BIN)/ruff check .

# The browser tests (tests/web/) reuse _build/html when it is newer than every
# source, else they run `make book` themselves. tests/conftest.py records each notebook's nbval time.
test: seed lint $(AXE)
	COURSE_PROFILE=$${COURSE_PROFILE:-fast} COURSE_CI_TIMINGS=$(CI_TIMINGS) \
		$(BIN)/python -m pytest tests course_utils $(NOTEBOOKS) \
		--doctest-modules --nbval --nbval-current-env --nbval-cell-timeout=1200 -p no:cacheprovider

# The unit tests alone (no notebooks, nothing that reads the built site, no resolution of
# requirements.txt): CI runs them under a second Python as well, beside the main tests, e.g.
# `make test-unit PYTHON=python3.13 VENV=.venv-3.13`.
test-unit: seed
	$(BIN)/python -m pytest tests course_utils --doctest-modules -p no:cacheprovider \
		--ignore=tests/web \
		--ignore=tests/test_launch_buttons.py --ignore=tests/test_requirements.py

# Re-execute notebooks top to bottom in place (full profile unless COURSE_PROFILE says
# otherwise), keeping per-cell timing metadata. Commit notebooks only from a full run. These are
# the site's outputs: COURSE_SITE_FRAMES=1 makes the static explorers draw their frames.
notebooks: seed
	for nb in $(NOTEBOOKS); do \
		COURSE_PROFILE=$${COURSE_PROFILE:-full} COURSE_SITE_FRAMES=1 \
			$(BIN)/jupyter nbconvert --to notebook \
			--execute --inplace --ExecutePreprocessor.timeout=1800 "$$nb" || exit 1; \
	done
