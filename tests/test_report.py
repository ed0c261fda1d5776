from pathlib import Path

import nbformat
import pytest

from course_utils import report


def glue_output(name: str, text: str) -> nbformat.NotebookNode:
    prefix = "application/papermill.record/"
    return nbformat.v4.new_output(
        "display_data", data={prefix + "text/plain": text},
        metadata={"scrapbook": {"mime_prefix": prefix, "name": name}})


def timed(cell: nbformat.NotebookNode, start: str, end: str) -> nbformat.NotebookNode:
    cell.metadata["execution"] = {"iopub.execute_input": start, "shell.execute_reply": end}
    return cell


def write_chapter(path: Path, outputs: list, times: list[tuple[str, str]]) -> Path:
    cells = [nbformat.v4.new_markdown_cell("# 5. Small data\n\nText.")]
    for i, (start, end) in enumerate(times):
        cell = timed(nbformat.v4.new_code_cell(f"x = {i}"), start, end)
        cell.outputs = outputs if i == 0 else []
        cells.append(cell)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


@pytest.fixture
def chapter(tmp_path):
    return write_chapter(
        tmp_path / "05_small.ipynb",
        [glue_output("profile", "'full'"), glue_output("cats_scratch_test_acc", "0.7125"),
         glue_output("label", "'African_elephant'"),
         glue_output("cats_augmented_test_acc", "np.float64(0.778)"),
         glue_output("figure", "<Figure size 640x480 with 1 Axes>")],
        [("2026-11-23T01:00:00.000000Z", "2026-11-23T01:00:30.500000Z"),
         ("2026-11-23T01:05:00.000000Z", "2026-11-23T01:06:00.000000Z")])


def test_glued_values_come_back_as_python_values(chapter):
    assert report.glued(chapter) == {
        "profile": "full", "cats_scratch_test_acc": 0.7125, "label": "African_elephant",
        "cats_augmented_test_acc": 0.778, "figure": "<Figure size 640x480 with 1 Axes>"}


def test_execution_seconds_add_up_the_cells_own_times(chapter, tmp_path):
    assert report.execution_seconds(chapter) == pytest.approx(90.5)
    untimed = tmp_path / "untimed.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), untimed)
    assert report.execution_seconds(untimed) is None


def test_report_lists_headline_metrics_with_profile_and_costs(chapter):
    page = report.report([chapter])
    assert ("| Cats vs dogs, convnet from scratch | 0.713 |  | "
            f"[5. Small data]({chapter.as_posix()}) | full |") in page
    assert f"| [5. Small data]({chapter.as_posix()}) | full | 1.5 |" in page
    assert "| **all chapters** | | **1.5** |" in page
    assert "African_elephant" not in page  # only the listed headline metrics


def test_the_command_writes_the_page(chapter, tmp_path):
    output = tmp_path / "results.md"
    assert report.main(["--chapters", str(chapter.parent), "--output", str(output)]) == 0
    assert output.read_text().startswith("# Results and costs")
