"""One validation vocabulary, walked over every public function of ``course_utils``.

The table (``ROWS`` of :mod:`bad_calls_arrays`, :mod:`bad_calls_models` and
:mod:`bad_calls_data`) gives each public function the calls it must refuse: a value of the
wrong kind (``TypeError``), NaN and infinity, empty input and values out of range
(``ValueError``), each with a fragment of the message that names the argument. The first test
enumerates the public functions of every module, so a new function without a row fails it; a
function that takes no argument, or takes anything, is listed below with the reason.
"""

import importlib
import inspect
import pkgutil

import bad_calls_arrays
import bad_calls_data
import bad_calls_models
import pytest

import course_utils

ROWS = {**bad_calls_arrays.ROWS, **bad_calls_models.ROWS, **bad_calls_data.ROWS}

#: Public functions with nothing to refuse: no argument, or any value is right.
NOTHING_TO_REFUSE = {
    "config.profile": "no argument ($COURSE_PROFILE is checked: tests/test_config.py)",
    "config.site_frames": "no argument ($COURSE_SITE_FRAMES is checked: tests/test_config.py)",
    "config.by_profile": "takes any two values and returns one of them",
    "data.load_fashion_mnist": "no argument (corrupt files: tests/test_data.py)",
    "data.load_mnist": "no argument",
    "data.cats_vs_dogs_dir": "no argument",
    "data.main": "the command line: argparse answers a bad argument with its usage "
                 "(tests/test_data.py)",
    "gradcam.imagenet_class_names": "no argument",
    "keras_cache.keras_home": "no argument",
    "keras_cache.quiet_if_download_fails": "no argument",
    "training.device_summary": "no argument",
    "training.course_output_dir": "no argument",
}

#: Public functions whose every argument can only be of a wrong kind (no range to leave).
KIND_ONLY = {"checks.numbers", "checks.model", "checks.mapping", "figure_alt.describe",
             "figure_alt.register", "onnx_models.onnx_bytes", "onnx_models.output_names"}

#: Packages left out, with the reason.
LEFT_OUT = {
    "course_utils.site": "build tooling (the Sphinx extension, the results page, the site's "
                         "JavaScript and frames), run by `make book`, not called by readers",
}


def public_functions() -> set[str]:
    """``module.function`` (relative to ``course_utils``) for every public function.

    A module's own functions; a package's (``explorers``) are those of its ``__all__``.
    """
    found = set()
    for info in pkgutil.walk_packages(course_utils.__path__, "course_utils."):
        if any(info.name.startswith(package) for package in LEFT_OUT):
            continue
        module = importlib.import_module(info.name)
        parent = info.name.rpartition(".")[0]
        if parent != "course_utils":
            continue  # a package's modules: walked through the package's __all__
        names = getattr(module, "__all__", None) if info.ispkg else None
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            home = value.__module__
            own = home.startswith(f"{info.name}.") if info.ispkg else home == info.name
            if own and (names is None or name in names):
                found.add(f"{info.name.removeprefix('course_utils.')}.{name}")
    return found


def test_every_public_function_has_a_row_and_every_row_a_function():
    functions = public_functions()
    assert len(functions) > 100  # the walk found the package
    without = sorted(functions - ROWS.keys() - NOTHING_TO_REFUSE.keys())
    assert not without, f"public functions without a row in the validation table: {without}"
    stale = sorted((ROWS.keys() | NOTHING_TO_REFUSE.keys()) - functions)
    assert not stale, f"rows for functions that are gone or not public: {stale}"
    assert not ROWS.keys() & NOTHING_TO_REFUSE.keys()


@pytest.mark.parametrize("name", sorted(NOTHING_TO_REFUSE))
def test_functions_without_rows_take_nothing_to_check(name):
    module, _, function = name.rpartition(".")
    parameters = inspect.signature(
        getattr(importlib.import_module(f"course_utils.{module}"), function)).parameters
    if name in ("config.by_profile", "data.main"):
        return  # any values; argparse's own checks
    assert not parameters, f"{name} takes {list(parameters)}: give it a row"


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_row_refuses_a_wrong_kind_and_a_value_out_of_range(name):
    errors = [getattr(row, "values", row)[0] for row in ROWS[name]]
    assert TypeError in errors, f"{name}: no call with a value of the wrong kind"
    if name not in KIND_ONLY:
        assert any(error is not TypeError for error in errors), (
            f"{name}: no call with a value out of range (NaN, infinity, empty, too large...)")


def cases() -> list:
    """Every row as a test case, named ``module.function-number``; a gap keeps its mark."""
    found = []
    for name, rows in sorted(ROWS.items()):
        for number, row in enumerate(rows):
            error, fragment, call = getattr(row, "values", row)
            found.append(pytest.param(error, fragment, call, id=f"{name}-{number}",
                                      marks=getattr(row, "marks", ())))
    return found


@pytest.mark.parametrize(("error", "fragment", "call"), cases())
def test_a_bad_call_is_refused_in_the_vocabulary(error, fragment, call):
    with pytest.raises(error) as raised:
        call()
    message = str(raised.value)
    assert fragment in message, f"{fragment!r} is not in {message!r}"
    if error in (TypeError, ValueError):
        other = ValueError if error is TypeError else TypeError
        assert not isinstance(raised.value, other), f"{raised.value!r} is also a {other}"
