# Two commands do everything on a fresh machine:
#   make book   install what is needed, then build the site into _build/html
#   make test   install what is needed, then run the unit tests and nbval over every chapter
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A folder laid out like a Keras cache, copied into $KERAS_HOME before the tests when present.
KERAS_CACHE_SRC ?= ../shared/keras-cache
NOTEBOOKS ?= $(sort $(wildcard chapters/*.ipynb))

.PHONY: setup seed results book test lint notebooks

$(BIN)/.installed: requirements.txt pyproject.toml
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

# The results page is read from the committed notebooks' glued values and timing metadata.
results: setup
	$(BIN)/python -m course_utils.report --output results.md

book: results
	$(BIN)/jupyter-book build --all -W -n --keep-going .

lint: setup
	$(BIN)/ruff check .

test: seed lint
	COURSE_PROFILE=$${COURSE_PROFILE:-fast} $(BIN)/python -m pytest tests course_utils $(NOTEBOOKS) \
		--doctest-modules --nbval --nbval-current-env --nbval-cell-timeout=1200 -p no:cacheprovider

# Re-execute notebooks top to bottom in place (full profile unless COURSE_PROFILE says
# otherwise), keeping per-cell timing metadata. Commit notebooks only from a full run.
notebooks: seed
	for nb in $(NOTEBOOKS); do \
		COURSE_PROFILE=$${COURSE_PROFILE:-full} $(BIN)/jupyter nbconvert --to notebook \
			--execute --inplace --ExecutePreprocessor.timeout=1800 "$$nb" || exit 1; \
	done
