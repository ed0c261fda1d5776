"""nbval runs a notebook written in another language in that language's kernel.

``make test`` runs nbval with ``--nbval-current-env``: every notebook executes in a Python
kernel of the test's own environment. The R appendix (``chapters/10_from_r.ipynb``) is
written for IRkernel, so a notebook whose kernelspec names a language other than Python is
started in the kernel its metadata names instead (``ir``, which ``make setup`` registers where R
is installed). Where that kernel is not installed, the notebook's cells are skipped with the
reason, except in CI (``$CI`` or ``$COURSE_REQUIRE_R`` set, as ``.ci/run`` does), where they fail:
CI installs R, so a missing kernel there is a broken set-up, not a reader's machine.

``tests/conftest.py`` installs it for ``make test``; ``pytest -p notebook_kernels`` does the same
for a run outside this repository's tests (tests/ on ``sys.path``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pytest

#: Environment variables that mark a CI run, where a missing kernel fails instead of skipping.
REQUIRED_BY = ("CI", "COURSE_REQUIRE_R")


def own_kernel(metadata: Mapping) -> str | None:
    """The kernel a notebook needs instead of the test's Python, or ``None`` for Python.

    >>> own_kernel({"kernelspec": {"name": "ir", "language": "R"}})
    'ir'
    >>> own_kernel({"kernelspec": {"name": "python3", "language": "python"}}) is None
    True
    """
    spec = metadata.get("kernelspec", {})
    if spec.get("language", "python").lower() == "python":
        return None
    return spec.get("name")


def required(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether this run must have every notebook's kernel (CI), rather than skip a missing one.

    >>> required({"CI": "true"}), required({"CI": "false"}), required({})
    (True, False, False)
    """
    return any(environ.get(name, "").lower() not in ("", "0", "false", "no")
               for name in REQUIRED_BY)


def missing(name: str) -> bool:
    """Whether Jupyter finds no kernel called ``name``."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return True
    return False


def install() -> None:
    """Make nbval start a non-Python notebook in its own kernel, or skip (fail in CI) it."""
    from nbval.plugin import IPyNbFile

    original = IPyNbFile.setup
    if getattr(original, "own_kernel", False):
        return

    def setup(self: IPyNbFile) -> None:
        name = own_kernel(self.nb.metadata)
        if name is None:
            return original(self)
        if missing(name):
            reason = (f"{self.fspath.basename} needs the Jupyter kernel {name!r}, which is not "
                      f"installed (the R appendix: apt-get install r-base-core "
                      f"r-cran-reticulate r-cran-irkernel, then make setup)")
            if required():
                pytest.fail(reason + "; CI must run it", pytrace=False)
            pytest.skip(reason)
        option = self.parent.config.option
        saved = option.nbval_current_env, option.nbval_kernel_name
        option.nbval_current_env, option.nbval_kernel_name = False, name
        try:
            return original(self)
        finally:
            option.nbval_current_env, option.nbval_kernel_name = saved

    setup.own_kernel = True  # type: ignore[attr-defined]
    IPyNbFile.setup = setup


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Install the kernel choice when this module is loaded as a plugin."""
    install()
