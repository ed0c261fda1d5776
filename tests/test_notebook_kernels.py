"""nbval starts a notebook in another language in its own kernel, and without that kernel skips
it, except in CI, where it fails (tests/notebook_kernels.py, through nbval itself)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from notebook_kernels import own_kernel, required

TESTS = Path(__file__).parent


def _notebook(path: Path, kernel: str, language: str) -> Path:
    """A one-cell notebook that prints which Python ran it, stored as having printed "other"."""
    cell = nbformat.v4.new_code_cell("import os; print(os.environ['WHICH_KERNEL'])",
                                     execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="other\n")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": kernel, "display_name": kernel,
                                       "language": language}
    path.write_text(json.dumps(notebook))
    return path


def _nbval(tmp_path: Path, notebook: Path, **environ: str) -> subprocess.CompletedProcess:
    """``make test``'s nbval options on ``notebook``, with a kernel ``other`` on JUPYTER_PATH
    (this Python's ipykernel, told by its environment to print "other")."""
    spec = tmp_path / "jupyter" / "kernels" / "other"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "other", "language": "other", "env": {"WHICH_KERNEL": "other"}}))
    env = {name: value for name, value in os.environ.items() if name not in
           ("CI", "COURSE_REQUIRE_R")}
    env.update(environ, WHICH_KERNEL="the test's own", JUPYTER_PATH=str(tmp_path / "jupyter"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env", "-p",
         "notebook_kernels", "-p", "no:cacheprovider", "-rs", "-q", str(notebook)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)


def test_a_notebook_in_another_language_runs_in_its_own_kernel(tmp_path: Path) -> None:
    run = _nbval(tmp_path, _notebook(tmp_path / "other.ipynb", "other", "other"))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 passed" in run.stdout


@pytest.mark.parametrize(("environ", "skipped"),
                         [({}, True), ({"COURSE_REQUIRE_R": "1"}, False)])
def test_a_missing_kernel_is_skipped_except_in_ci(tmp_path: Path, environ: dict,
                                                   skipped: bool) -> None:
    notebook = _notebook(tmp_path / "r.ipynb", "no-such-kernel", "R")
    run = _nbval(tmp_path, notebook, **environ)
    assert (run.returncode == 0) is skipped, run.stdout[-3000:] + run.stderr[-3000:]
    assert "needs the Jupyter kernel 'no-such-kernel'" in run.stdout
    assert ("1 skipped" if skipped else "CI must run it") in run.stdout


def test_which_notebooks_need_their_own_kernel() -> None:
    assert own_kernel({"kernelspec": {"name": "ir", "language": "R"}}) == "ir"
    assert own_kernel({"kernelspec": {"name": "python3", "language": "Python"}}) is None
    assert own_kernel({}) is None
    assert required({"CI": "true"}) and required({"COURSE_REQUIRE_R": "1"})
    assert not required({"CI": "0", "COURSE_REQUIRE_R": ""})
