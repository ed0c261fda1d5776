"""nbval compares numbers at the book's precision: noise in the last digits passes, a change in
the third significant digit fails, and exact things (integers, words) stay exact."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbval_numbers import ABSOLUTE, RELATIVE, NumericText, agree

TESTS = Path(__file__).parent


@pytest.mark.parametrize(
    ("reference", "test"),
    [
        ("0.7451160896793235", "0.7451161300062662"),  # the glued value that failed on AMX
        ("test accuracy 0.979", "test accuracy 0.979"),
        ("loss 1.2345678e-03", "loss 1.2345679e-03"),
        ("max difference 2.2e-08", "max difference 5.1e-08"),  # round-off near zero
        ("-0.000", "0.000"),
        ("[[ 0.1234567 -2.5      ]]", "[[ 0.1234569 -2.5      ]]"),
        ("nan and inf", "nan and inf"),
        ("value 1e+05", "value 1.00001e+05"),
    ],
)
def test_last_digit_noise_passes(reference: str, test: str) -> None:
    assert agree(reference, test)
    assert NumericText(reference) == NumericText(test)
    assert not NumericText(reference) != NumericText(test)


@pytest.mark.parametrize(
    ("reference", "test"),
    [
        ("0.7451160896793235", "0.7461160896793235"),  # third significant digit
        ("test accuracy 0.979", "test accuracy 0.978"),
        ("p = 0.0123", "p = 0.0124"),
        ("Total params: 93,322", "Total params: 93,323"),  # counts stay exact
        ("shape (28, 28, 1)", "shape (28, 27, 1)"),
        ("label: cat 0.61", "label: dog 0.61"),  # words stay exact
        ("0.5 0.5", "0.5"),  # a number missing
        ("1.5", "2"),  # a decimal against an integer
        ("x 1.0", "x nan"),
        ("inf", "-inf"),
    ],
)
def test_a_real_change_fails(reference: str, test: str) -> None:
    assert not agree(reference, test)
    assert NumericText(reference) != NumericText(test)


def test_the_tolerance_lies_between_the_fourth_and_the_third_digit() -> None:
    one = 0.7451
    assert abs(one * (1 + 1e-4) - one) <= RELATIVE * one + ABSOLUTE
    assert abs(one * (1 + 1e-3) - one) > RELATIVE * one + ABSOLUTE


def _notebook(path: Path, stored: str) -> Path:
    """A one-cell notebook that prints 0.7451161300062662, stored as having printed ``stored``."""
    cell = nbformat.v4.new_code_cell("print(0.7451161300062662)", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stored + "\n")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path.write_text(json.dumps(notebook))
    return path


@pytest.mark.parametrize(
    ("stored", "passes"),
    [("0.7451160896793235", True),   # another CPU's last digits
     ("0.7461161300062662", False)],  # a change in the third significant digit
)
def test_through_nbval(tmp_path: Path, stored: str, passes: bool) -> None:
    notebook = _notebook(tmp_path / "one.ipynb", stored)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p", "nbval_numbers",
         "-p", "no:cacheprovider", "-q", str(notebook)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [
            str(TESTS), os.environ.get("PYTHONPATH")]))},
    )
    assert (run.returncode == 0) is passes, run.stdout[-3000:] + run.stderr[-3000:]
    if not passes:
        assert "0.7461161300062662" in run.stdout
