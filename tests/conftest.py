"""Shared test set-up: a non-interactive matplotlib backend, nbval's comparison of numbers at
the book's precision (:mod:`nbval_numbers`), the R appendix's own kernel
(:mod:`notebook_kernels`), the chapters' CI timings, and the models the ONNX
tests share (chapter 4's convnet, briefly trained; the exported photo model).

When ``$COURSE_CI_TIMINGS`` names a file (``make test`` sets it), a
:class:`course_utils.site.report.NotebookTimer` records how long nbval took to execute each
notebook, for the results page. It is registered as a plugin rather than written as hooks
here, because hooks in this file would only see the items under ``tests/``.
"""

import os
from pathlib import Path

import matplotlib
import nbval_numbers
import notebook_kernels
import pytest

from course_utils import config as course_config
from course_utils.site import report

matplotlib.use("Agg")


def pytest_configure(config: pytest.Config) -> None:
    """Compare notebook outputs at the book's precision; start a notebook in another language in
    its own kernel; register the notebook timer when the environment asks for CI timings."""
    nbval_numbers.install()
    notebook_kernels.install()
    output = os.environ.get(report.CI_TIMINGS_VARIABLE)
    if output:
        timer = report.NotebookTimer(Path(output), course_config.profile())
        config.pluginmanager.register(timer, "course-notebook-timer")


@pytest.fixture(scope="session")
def digit_convnet():
    """Chapter 4's convnet trained briefly, with ten test digits and their labels (seeded)."""
    from tiny_models import trained_digit_convnet

    return trained_digit_convnet()


@pytest.fixture(scope="session")
def photo_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ``_static/`` folder holding the photo explorer's exported model, as ``make book``
    writes it (exported once per test session: about 15 s)."""
    from course_utils.site import models

    static = tmp_path_factory.mktemp("site") / "_static"
    models.export_photo_model(static)
    return static
