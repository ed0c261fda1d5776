import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from course_utils.site import report


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
    assert ("| Cats vs dogs, convnet from scratch | 0.713 |  |  |  | "
            f"[5. Small data]({chapter.as_posix()}) | full |") in page
    assert f"| [5. Small data]({chapter.as_posix()}) | full | 1.5 |" in page
    assert "| **all chapters** | | **1.5** |" in page
    assert "African_elephant" not in page  # only the listed headline metrics


@pytest.mark.parametrize(("p", "verdict"), [
    (0.629, "vs chapter 5: p = 0.63, **not distinguishable**"),
    (0.05, "vs chapter 5: p = 0.05, **not distinguishable**"),
    (0.0499, "vs chapter 5: p = 0.05"),
    (5.9e-5, "vs chapter 5: p = 6e-05"),
])
def test_a_result_its_paired_test_cannot_tell_from_its_baseline_is_marked(p, verdict, tmp_path):
    glue_name = "mcnemar_p_scratch_vs_aug_only"
    assert report.paired_verdict("cats_aug_only_test_acc", {glue_name: p}) == verdict
    notebook = write_chapter(
        tmp_path / "06_aug.ipynb",
        [glue_output("cats_aug_only_test_acc", "0.738"), glue_output(glue_name, repr(p)),
         glue_output("aug_only_kept_epoch", "12"), glue_output("ablation_epochs", "15")],
        [("2026-11-23T01:00:00.000000Z", "2026-11-23T01:00:01.000000Z")])
    row = next(line for line in report.report([notebook]).splitlines()
               if "with augmentation" in line)
    assert row.startswith("| Cats vs dogs, the same convnet with augmentation (15 epochs, as "
                          f"chapter 5) | 0.738 | 12 of 15 | {verdict} |")


def test_results_without_a_paired_test_or_its_p_value_get_an_empty_cell():
    assert report.paired_verdict("cats_scratch_test_acc",
                                 {"mcnemar_p_scratch_vs_aug_only": 0.5}) == ""
    assert report.paired_verdict("cats_aug_only_test_acc", {}) == ""
    assert report.paired_verdict("downsampling_average_acc",
                                 {"downsampling_mcnemar_p": {"max_vs_strided": 0.5}}) == ""


def test_the_kept_epoch_needs_both_the_epoch_and_the_run_length():
    assert report.kept_epoch("cats_augmented_test_acc",
                             {"augmented_kept_epoch": 40, "epochs": 42}) == "40 of 42"
    assert report.kept_epoch("cats_augmented_test_acc", {"augmented_kept_epoch": 40}) == ""
    assert report.kept_epoch("cats_augmented_test_acc",
                             {"augmented_kept_epoch": "?", "epochs": 42}) == ""


def test_seeded_runs_get_their_own_table_with_the_spread(tmp_path):
    runs = {"seeds": [42, 1, 2], "chapter 5's recipe": [0.696, 0.734, 0.71],
            "(a) augmentation": [0.738, 0.718, 0.75]}
    notebook = write_chapter(
        tmp_path / "06_aug.ipynb", [glue_output("seed_accuracy", repr(runs))],
        [("2026-11-23T01:00:00.000000Z", "2026-11-23T01:00:01.000000Z")])
    page = report.report([notebook])
    assert "## Run-to-run spread: the same recipe, several seeds" in page
    assert "| recipe | seed 42 | seed 1 | seed 2 | lowest | highest | spread (points) |" in page
    assert "| chapter 5's recipe | 0.696 | 0.734 | 0.710 | 0.696 | 0.734 | 3.8 |" in page
    assert "| (a) augmentation | 0.738 | 0.718 | 0.750 | 0.718 | 0.750 | 3.2 |" in page


def test_a_page_without_seeded_runs_has_no_spread_section(chapter):
    assert "Run-to-run spread" not in report.report([chapter])
    assert report.seed_table({"seed_accuracy": {"plain": [0.7]}}) == []


def test_the_command_writes_the_page(chapter, tmp_path):
    output = tmp_path / "results.md"
    assert report.main(["--chapters", str(chapter.parent), "--output", str(output)]) == 0
    assert output.read_text().startswith("# Results and costs")


# --- CI timings -------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
RECORDED = "2026-11-23T05:00:00+00:00"


def ci_timings(**notebooks: tuple[float, bool]) -> dict:
    return {"profile": "fast", "recorded": RECORDED, "cores": 2,
            "notebooks": {f"{name}.ipynb": {"seconds": seconds, "passed": passed}
                          for name, (seconds, passed) in notebooks.items()}}


def test_the_timer_adds_up_each_notebooks_item_phases(tmp_path):
    timer = report.NotebookTimer(tmp_path / "ci" / "times.json", "fast")
    phases = [("chapters/05_small.ipynb::Cell 0", 4.0, False),  # set-up starts the kernel
              ("chapters/05_small.ipynb::Cell 0", 20.5, False),
              ("chapters/05_small.ipynb::Cell 1", 30.0, False),
              ("chapters/06_aug.ipynb::Cell 0", 7.3, True),
              ("tests/test_report.py::test_glued", 99.0, False)]  # not a notebook
    for nodeid, duration, failed in phases:
        path, _, name = nodeid.partition("::")
        timer.pytest_runtest_logreport(SimpleNamespace(
            nodeid=nodeid, location=(path, 0, name), duration=duration, failed=failed))
    timer.pytest_sessionfinish(session=None, exitstatus=1)
    record = json.loads((tmp_path / "ci" / "times.json").read_text())
    assert record["profile"] == "fast" and record["cores"] >= 1
    assert record["notebooks"] == {"05_small.ipynb": {"seconds": 54.5, "passed": True},
                                   "06_aug.ipynb": {"seconds": 7.3, "passed": False}}


def test_the_timer_writes_nothing_when_no_notebook_ran(tmp_path):
    timer = report.NotebookTimer(tmp_path / "times.json", "fast")
    timer.pytest_runtest_logreport(SimpleNamespace(
        nodeid="tests/test_x.py::t", location=("tests/test_x.py", 3, "t"), duration=1.0,
        failed=False))
    timer.pytest_sessionfinish(session=None, exitstatus=0)
    assert not (tmp_path / "times.json").exists()
    assert report.read_record(tmp_path / "times.json") is None


def test_the_cost_table_adds_ci_times_and_the_whole_run(chapter, tmp_path):
    other = write_chapter(tmp_path / "06_aug.ipynb", [glue_output("profile", "'full'")],
                          [("2026-11-23T02:00:00Z", "2026-11-23T02:01:00Z")])
    third = write_chapter(tmp_path / "07_arch.ipynb", [],
                          [("2026-11-23T03:00:00Z", "2026-11-23T03:00:06Z")])
    run = {"started": 1_795_000_000, "finished": 1_795_000_000 + 750, "cores": 2}
    page = report.report([chapter, other, third],
                         ci_timings(**{"05_small": (30.0, True), "06_aug": (48.0, False)}), run)
    assert "| chapter | profile | execution (minutes) | CI, `fast` profile (minutes) |" in page
    assert f"| [5. Small data]({chapter.as_posix()}) | full | 1.5 | 0.5 |" in page
    assert f"| [5. Small data]({other.as_posix()}) | full | 1.0 | 0.8 (failed) |" in page
    assert f"| [5. Small data]({third.as_posix()}) | unknown | 0.1 | not run |" in page
    assert "| **all chapters** | | **2.6** | **1.3** |" in page
    assert "recorded 2026-11-23 05:00 UTC on a machine with 2 cores" in page
    assert "took **12.5 minutes** (finished 2026-11-18 11:19 UTC, 2 cores" in page
    assert "No CI timings" not in page


def test_without_ci_records_the_page_says_so_and_invents_nothing(chapter):
    page = report.report([chapter])
    assert "No CI timings are recorded" in page
    assert "CI, `fast`" not in page and "took **" not in page
    assert page.count("| --- | --- | ---: |\n") == 1  # the cost table has no CI column
    only_run = report.report([chapter], None, {"started": 0, "finished": 600, "cores": 2})
    assert "No chapter times were recorded in CI." in only_run
    assert "took **10.0 minutes**" in only_run


def test_the_command_reads_the_ci_records(chapter, tmp_path):
    timings, run = tmp_path / "times.json", tmp_path / "run.json"
    report.write_ci_timings(timings, {"chapters/05_small.ipynb": 95.0}, "fast")
    run.write_text(json.dumps({"started": 100, "finished": 220, "cores": 2}))
    output = tmp_path / "results.md"
    assert report.main(["--chapters", str(chapter.parent), "--output", str(output),
                        "--ci-timings", str(timings), "--ci-run", str(run)]) == 0
    page = output.read_text()
    assert f"| [5. Small data]({chapter.as_posix()}) | full | 1.5 | 1.6 |" in page
    assert "took **2.0 minutes**" in page
    missing = tmp_path / "missing.json"
    assert report.main(["--chapters", str(chapter.parent), "--output", str(output),
                        "--ci-timings", str(missing), "--ci-run", str(missing)]) == 0
    assert "No CI timings are recorded" in output.read_text()


def test_make_test_records_each_notebooks_nbval_time(tmp_path):
    """End to end: nbval runs a notebook outside tests/, and tests/conftest.py's timer sees it."""
    notebook = tmp_path / "01_tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import time\ntime.sleep(0.5)"),
        nbformat.v4.new_code_cell("print(1 + 1)")]), notebook)
    timings = tmp_path / "ci" / "notebook_seconds.json"
    env = {**os.environ, report.CI_TIMINGS_VARIABLE: str(timings), "COURSE_PROFILE": "fast"}
    ran = subprocess.run(
        [sys.executable, "-m", "pytest", f"{ROOT / 'tests' / 'test_report.py'}::"
         "test_glued_values_come_back_as_python_values", str(notebook), "--nbval-lax",
         "--nbval-current-env", "-p", "no:cacheprovider", "-q"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    record = json.loads(timings.read_text())
    assert record["profile"] == "fast"
    assert list(record["notebooks"]) == ["01_tiny.ipynb"]
    assert record["notebooks"]["01_tiny.ipynb"]["passed"]
    assert record["notebooks"]["01_tiny.ipynb"]["seconds"] >= 0.5


def test_the_training_explorers_speed_is_reported_when_recorded(chapter, tmp_path):
    record = {"epochs": 3, "imagesPerSecond": 4888.2, "secondsTo090": 1.72,
              "testAccuracy": [{"epoch": 3, "seconds": 2.45, "accuracy": 0.94}],
              "measured": "2026-12-05T02:17:40Z"}
    page = report.report([chapter], None, None, record)
    assert ("Chapter 4's training explorer, in headless Chromium during `make test` "
            "(2026-12-05 02:17 UTC): 3 seeded epochs of 4,000 digits at 4,888 images/s, test "
            "accuracy 0.940 after 2.5 s of training, 0.90 first reached after 1.7 s.") in page
    assert "Keras" not in report.training_summary(record)
    assert report.training_summary({**record, "kerasImagesPerSecond": 4073.5}).endswith(
        "Keras's `fit` on the same model and digits, measured in the same test: 4,074 images/s, "
        "so the page trains at 1.20 times Keras's speed.")
    assert "training explorer" not in report.report([chapter])
    path = tmp_path / "training.json"
    path.write_text(json.dumps({**record, "secondsTo090": None}))
    output = tmp_path / "results.md"
    assert report.main(["--chapters", str(chapter.parent), "--output", str(output),
                        "--ci-training", str(path)]) == 0
    assert "0.90 was not reached." in output.read_text()


def test_the_r_appendix_reports_its_accuracy_like_any_chapter():
    # The R appendix glues from R the outputs myst_nb.glue writes; the page reads them alike.
    appendix = Path(__file__).resolve().parents[1] / "chapters" / "10_from_r.ipynb"
    values = report.glued(appendix)
    assert values["profile"] == "full"
    assert (values["r_base_params"], values["r_all_params"]) == (55_744, 93_322)
    page = report.report([appendix])
    accuracy = values["r_mnist_convnet_test_acc"]
    assert isinstance(accuracy, float) and 0 < accuracy <= 1
    row = (f"| MNIST sample, chapter 4's convnet built and trained from R (reticulate, "
           f"{values['r_epochs']} epochs) | {accuracy:.3f} |")
    assert row in page
    assert "[Appendix: the first convnet from R](" in page
