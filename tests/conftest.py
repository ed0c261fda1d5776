"""Shared test set-up: a non-interactive matplotlib backend, and the chapters' CI timings.

When ``$COURSE_CI_TIMINGS`` names a file (``make test`` sets it), a
:class:`course_utils.site.report.NotebookTimer` records how long nbval took to execute each
notebook, for the results page. It is registered as a plugin rather than written as hooks
here, because hooks in this file would only see the items under ``tests/``.
"""

import os
from pathlib import Path

import matplotlib
import pytest

from course_utils import config as course_config
from course_utils.site import report

matplotlib.use("Agg")


def pytest_configure(config: pytest.Config) -> None:
    """Register the notebook timer when the environment asks for CI timings."""
    output = os.environ.get(report.CI_TIMINGS_VARIABLE)
    if output:
        timer = report.NotebookTimer(Path(output), course_config.profile())
        config.pluginmanager.register(timer, "course-notebook-timer")
