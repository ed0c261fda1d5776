"""The committed chapters are what a clean full-profile run produced, and say so.

This test reads every notebook in ``chapters/`` as committed; it executes nothing. It fails on
an error output (a cell that raised, a claim of the prose that broke: see
:mod:`course_utils.claims`), on a claim that was skipped (only the ``fast`` profile skips
claims, and committed outputs come from the ``full`` one), on a chapter whose glued ``profile``
is not ``full``, on an nbval marker comment that its cell's tag does not repeat (nbval reads
the tag; readers should see neither plumbing nor a comment that says one thing while the tag
says another), on a glued NumPy scalar (myst-nb cannot format ``np.float64(0.7)`` with
``:.3f``), on an Exercises section with fewer executed, collapsed solutions than exercises, on
an output that holds code (a ``<script>`` that is not a JSON data block: an explorer's scripts
come from the site, ``course_utils.site.explorer_pages``, so that editing one needs no chapter
executed again), and on an explorer widget without its site version (a static explorer run
without ``COURSE_SITE_FRAMES=1``, which ``make notebooks`` sets).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_utils import claims
from course_utils.site import report

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
#: A ``<script>`` element's start tag, and the type of one that holds data, not code.
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json\b""", re.IGNORECASE)
#: The MIME type of an ipywidget's view: the live explorers' JupyterLab widget.
WIDGET = "application/vnd.jupyter.widget-view+json"
#: nbval's marker comments and the cell tags that say the same.
MARKERS = {"# NBVAL_IGNORE_OUTPUT": "nbval-ignore-output", "# NBVAL_SKIP": "nbval-skip",
           "# NBVAL_CHECK_OUTPUT": "nbval-check-output", "# NBVAL_RAISES_EXCEPTION":
           "nbval-raises-exception"}


def exercise_count(cells: list[nbformat.NotebookNode]) -> int:
    """The numbered items of the ``## Exercises`` section, leaving out admonitions (hints)."""
    text, inside = [], False
    for cell in cells:
        if cell.cell_type != "markdown":
            continue
        source = cell.source
        if re.search(r"(?m)^## Exercises", source):
            inside, source = True, source.split("## Exercises", 1)[1]
        elif re.search(r"(?m)^## ", source):
            inside = False
        if inside:
            text.append(re.sub(r"(?ms)^:::.*?^:::", "", source))
    return len(re.findall(r"(?m)^\d+\. ", "\n".join(text)))


def solution_count(cells: list[nbformat.NotebookNode]) -> int:
    """Code cells that open with ``# Solution``, were executed and are collapsed (tag and
    JupyterLab metadata)."""
    return sum(cell.cell_type == "code" and cell.source.startswith("# Solution")
               and cell.get("execution_count") is not None
               and "hide-cell" in cell.metadata.get("tags", [])
               and cell.metadata.get("jupyter", {}).get("source_hidden") is True
               for cell in cells)


def code_scripts(html: str) -> list[str]:
    """The start tags of the ``<script>`` elements in ``html`` that are code, not data.

    >>> code_scripts('<script type="application/json">{}</script><script src="a.js"></script>')
    ['<script src="a.js">']
    """
    return [match.group(0) for match in SCRIPT.finditer(html)
            if not DATA_TYPE.search(match.group(1))]


def problems(notebook: Path) -> list[str]:
    """One line per way the committed notebook is not a clean, full, claim-checked run."""
    found = []
    cells = nbformat.read(notebook, as_version=4).cells
    for number, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            glued = output.get("data", {}).get("application/papermill.record/text/plain", "")
            if glued.startswith(("np.", "numpy.")):
                found.append(f"cell {number}: a NumPy scalar was glued ({glued}); its text "
                             f"cannot be formatted in the prose: glue float() or int() of it")
            if output.output_type == "error":
                found.append(f"cell {number}: error output {output.ename}: {output.evalue}")
            if output.output_type == "stream" and claims.SKIPPED in output.get("text", ""):
                found.append(f"cell {number}: a claim was skipped: {output.text.strip()}")
            data = output.get("data", {})
            html = data.get("text/html", "")
            for tag in code_scripts("".join(html) if isinstance(html, list) else html):
                found.append(f"cell {number}: an output holds code ({tag}); the site adds "
                             "scripts itself (course_utils.site.explorer_pages)")
            if WIDGET in data and "text/html" not in data:
                found.append(f"cell {number}: a widget without its site version (text/html): "
                             "execute with COURSE_SITE_FRAMES=1, as make notebooks does")
        tags = set(cell.get("metadata", {}).get("tags", []))
        for comment, tag in MARKERS.items():
            if comment in cell.source and tag not in tags:
                found.append(f"cell {number}: {comment} without the tag {tag!r}")
    exercises, solutions = exercise_count(cells), solution_count(cells)
    if solutions < exercises:
        found.append(f"{exercises} exercises but {solutions} executed, collapsed solutions")
    profile = report.glued(notebook).get("profile")
    if profile != "full":
        found.append(f"glued profile is {profile!r}, not 'full'")
    return found


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda path: path.stem)
def test_committed_notebook_is_a_clean_full_run(notebook):
    assert not problems(notebook), "\n".join(problems(notebook))


def test_problems_are_found(tmp_path):
    notebook = nbformat.v4.new_notebook()
    raised = nbformat.v4.new_code_cell("1 / 0")
    raised.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError",
                                             evalue="division by zero", traceback=[])]
    skipped = nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nclaims.check(...)")
    skipped.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                              text=f"{claims.SKIPPED} the curves climb\n")]
    scalar = nbformat.v4.new_code_cell('glue("acc", np.float64(0.7), display=False)')
    scalar.outputs = [nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": "np.float64(0.7)"})]
    inline = nbformat.v4.new_code_cell("explorers.kernel_explorer(images)")
    inline.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": '<div><script type="application/json">{}</script>'
                     "<script>CourseLive.start('x')</script></div>", WIDGET: {}})]
    frameless = nbformat.v4.new_code_cell("explorers.augmentation_explorer(images)")
    frameless.outputs = [nbformat.v4.new_output("execute_result", data={
        WIDGET: {}, "text/plain": "Augmentation explorer"})]
    data_only = nbformat.v4.new_code_cell("explorers.gabor_explorer(images)")
    data_only.outputs = [nbformat.v4.new_output("execute_result", data={
        "text/html": "<script type='application/json' class='live-explorer-data'>{}</script>",
        WIDGET: {}})]
    notebook.cells = [raised, skipped, scalar, inline, frameless, data_only]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    found = problems(path)
    assert [line.split(":")[0] for line in found] == ["cell 0", "cell 1", "cell 1", "cell 2",
                                                      "cell 3", "cell 4",
                                                      "glued profile is None, not 'full'"]
    assert "<script>" in found[4] and "site version" in found[5]


def test_an_exercise_without_a_solution_is_found(tmp_path):
    notebook = nbformat.v4.new_notebook()
    solved = nbformat.v4.new_code_cell("# Solution 1: two\n1 + 1", execution_count=1)
    solved.metadata = {"tags": ["hide-cell"], "jupyter": {"source_hidden": True}}
    unrun = nbformat.v4.new_code_cell("# Solution 2: never executed")
    unrun.metadata = dict(solved.metadata)
    notebook.cells = [nbformat.v4.new_markdown_cell("## Exercises\n\n1. One.\n2. Two.\n\n"
                                                    ":::{admonition} Hint\n1. not one\n:::"),
                      solved, unrun]
    path = tmp_path / "chapter.ipynb"
    nbformat.write(notebook, path)
    assert "2 exercises but 1 executed, collapsed solutions" in problems(path)
    unrun.execution_count = 2
    nbformat.write(notebook, path)
    assert not any("exercises" in line for line in problems(path))
