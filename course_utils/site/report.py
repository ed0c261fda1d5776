"""The book's results and costs, read from the executed chapters and from CI's own records.

Each chapter records its headline numbers with ``myst_nb.glue`` and, when executed with
``make notebooks``, each cell's start and end times. This module reads both back from the
committed notebooks, so that the results page and the cost report show what the runs produced
and nothing typed by hand::

    python -m course_utils.site.report --output results.md

CI's costs come from two small JSON records under ``_build/ci/``, read when present:

- ``notebook_seconds.json``: how long nbval took to execute each chapter during ``make test``
  (in the ``fast`` profile), written by :class:`NotebookTimer`, which ``tests/conftest.py``
  registers when ``$COURSE_CI_TIMINGS`` names the file (``make test`` sets it);
- ``run.json``: when ``.ci/run`` started and finished (``started``, ``finished``: Unix
  seconds; ``cores``), written by ``.ci/run`` before it refreshes the results page;
- ``training_explorer.json``: how fast chapter 4's training explorer trained in headless
  Chromium (``imagesPerSecond``, ``secondsTo090``, ``epochs``, ``testAccuracy`` per epoch,
  ``measured``), written by ``tests/web/test_site_training.py``: reported, never asserted.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

#: Headline metrics, in book order: glue name -> what it measures. A label may name other
#: values the same chapter glued, in ``str.format`` fields (sizes, epochs), so that it says what
#: this run did rather than what was typed here.
HEADLINES: dict[str, str] = {
    "downsampling_max_acc": "Fashion-MNIST, small convnet, 2x2 max pooling "
                            "({downsampling_epochs} epochs on {downsampling_train_size:,} images)",
    "downsampling_average_acc": "Fashion-MNIST, the same convnet, 2x2 average pooling",
    "downsampling_strided_acc": "Fashion-MNIST, the same convnet, stride-2 convolutions",
    "mnist_dense_test_acc": "MNIST sample ({mnist_train_size:,} training / {mnist_test_size:,} "
                            "test images), dense network",
    "mnist_convnet_test_acc": "MNIST sample, convnet",
    "fashion_dense_test_acc": "Fashion-MNIST, dense network",
    "fashion_convnet_test_acc": "Fashion-MNIST, convnet ({fashion_convnet_epochs} epochs)",
    "fashion_gap_test_acc": "Fashion-MNIST, convnet with global average pooling "
                            "({gap_epochs} epochs, as the convnet)",
    "cats_scratch_test_acc": "Cats vs dogs, convnet from scratch",
    "cats_aug_only_test_acc": "Cats vs dogs, the same convnet with augmentation "
                              "({ablation_epochs} epochs, as chapter 5)",
    "cats_aug_dropout_test_acc": "Cats vs dogs, the same with augmentation and dropout "
                                 "({ablation_epochs} epochs)",
    "cats_augmented_test_acc": "Cats vs dogs, today's recipe: augmentation, dropout, batch "
                               "normalization, global pooling, Adam ({epochs} epochs)",
    "transfer_features_test_acc": "Cats vs dogs, features of a pretrained base",
    "transfer_frozen_aug_test_acc": "Cats vs dogs, frozen base with augmentation",
    "transfer_finetune_test_acc": "Cats vs dogs, fine-tuned",
    "gradcam_top1_prob": "Elephant photo, probability of the top class",
    "r_mnist_convnet_test_acc": "MNIST sample, chapter 4's convnet built and trained from R "
                                "(reticulate, {r_epochs} epochs)",
}
#: Figures published in the classic chapter (Deep Learning with Python, first edition, Keras 2,
#: VGG16 for transfer learning at 150x150), shown beside ours and labelled with what they
#: measured: MNIST on the full set (60,000 training / 10,000 test images), transfer learning
#: mostly on its validation images.
PUBLISHED: dict[str, str] = {
    "mnist_dense_test_acc": "0.978 (full MNIST, test)",
    "mnist_convnet_test_acc": "about 0.99 (full MNIST, test)",
    "transfer_features_test_acc": "about 0.90 (validation)",
    "transfer_frozen_aug_test_acc": "about 0.96 (validation)",
    "transfer_finetune_test_acc": "about 0.97 (test)",
}


#: Results that a paired test (McNemar, on the same test images) compared with a baseline: the
#: headline -> (the glued p-value, or a glued dict of them and its key; the baseline it was
#: compared with). The results table marks a result its test cannot tell from its baseline.
PAIRED: dict[str, tuple[str, str | None, str]] = {
    "downsampling_average_acc": ("downsampling_mcnemar_p", "max_vs_average", "max pooling"),
    "downsampling_strided_acc": ("downsampling_mcnemar_p", "max_vs_strided", "max pooling"),
    "fashion_gap_test_acc": ("gap_mcnemar_p", None, "the convnet"),
    "cats_aug_only_test_acc": ("mcnemar_p_scratch_vs_aug_only", None, "chapter 5"),
    "cats_aug_dropout_test_acc": ("mcnemar_p_aug_only_vs_aug_dropout", None,
                                  "augmentation alone"),
    "cats_augmented_test_acc": ("mcnemar_p_aug_dropout_vs_augmented", None,
                                "augmentation and dropout"),
}
#: The level below which a paired test's p-value counts as telling two models apart.
SIGNIFICANCE = 0.05
#: Results whose chapter glued which epoch it kept (the lowest validation loss) and of how many:
#: the headline -> (the glued kept epoch, the glued number of epochs). Fine-tuning counts its
#: epochs from the start of the frozen stage before it, as chapter 8's curves do.
KEPT_EPOCH: dict[str, tuple[str, str]] = {
    "cats_scratch_test_acc": ("scratch_kept_epoch", "scratch_epochs"),
    "cats_aug_only_test_acc": ("aug_only_kept_epoch", "ablation_epochs"),
    "cats_aug_dropout_test_acc": ("aug_dropout_kept_epoch", "ablation_epochs"),
    "cats_augmented_test_acc": ("augmented_kept_epoch", "epochs"),
    "transfer_features_test_acc": ("features_best_epoch", "head_epochs"),
    "transfer_frozen_aug_test_acc": ("frozen_best_epoch", "frozen_epochs"),
    "transfer_finetune_test_acc": ("finetune_best_epoch", "end_to_end_epochs"),
}
#: The glued record of a chapter's runs of the same recipes with several seeds:
#: ``{"seeds": [...], recipe: [test accuracy per seed], ...}``.
SEED_RUNS = "seed_accuracy"


def kept_epoch(name: str, values: Mapping[str, object]) -> str:
    """Return the results table's cell saying which epoch headline ``name`` was tested at.

    >>> kept_epoch("cats_scratch_test_acc", {"scratch_kept_epoch": 6, "scratch_epochs": 15})
    '6 of 15'
    >>> kept_epoch("mnist_dense_test_acc", {})
    ''
    """
    kept, epochs = KEPT_EPOCH.get(name, ("", ""))
    if not isinstance(values.get(kept), int) or not isinstance(values.get(epochs), int):
        return ""
    return f"{values[kept]} of {values[epochs]}"


def seed_table(values: Mapping[str, object]) -> list[str]:
    """Return the Markdown table of a chapter's seeded runs (no lines when it glued none).

    >>> print("\\n".join(seed_table({"seed_accuracy": {"seeds": [42, 1],
    ...                                                 "plain": [0.7, 0.75]}})))
    | recipe | seed 42 | seed 1 | lowest | highest | spread (points) |
    | --- | ---: | ---: | ---: | ---: | ---: |
    | plain | 0.700 | 0.750 | 0.700 | 0.750 | 5.0 |
    """
    runs = values.get(SEED_RUNS)
    if not isinstance(runs, dict) or not isinstance(runs.get("seeds"), list):
        return []
    seeds = runs["seeds"]
    lines = ["| recipe | " + " | ".join(f"seed {seed}" for seed in seeds)
             + " | lowest | highest | spread (points) |",
             "| --- |" + " ---: |" * (len(seeds) + 3)]
    for recipe, accuracies in runs.items():
        if recipe == "seeds" or not isinstance(accuracies, list) or len(accuracies) != len(seeds):
            continue
        lines.append(f"| {recipe} | " + " | ".join(f"{a:.3f}" for a in accuracies)
                     + f" | {min(accuracies):.3f} | {max(accuracies):.3f} "
                     f"| {100 * (max(accuracies) - min(accuracies)):.1f} |")
    return lines


def paired_verdict(name: str, values: Mapping[str, object]) -> str:
    """Return the results table's paired-test cell for headline ``name`` ("" when untested).

    >>> paired_verdict("cats_aug_only_test_acc", {"mcnemar_p_scratch_vs_aug_only": 0.629})
    'vs chapter 5: p = 0.63, **not distinguishable**'
    >>> paired_verdict("downsampling_strided_acc",
    ...                {"downsampling_mcnemar_p": {"max_vs_strided": 1e-6}})
    'vs max pooling: p = 1e-06'
    """
    if name not in PAIRED:
        return ""
    glue_name, key, baseline = PAIRED[name]
    p = values.get(glue_name)
    if key is not None:
        p = p.get(key) if isinstance(p, dict) else None
    if not isinstance(p, int | float):
        return ""
    shown = f"{p:.2f}" if p >= 0.01 else f"{p:.0e}"
    return f"vs {baseline}: p = {shown}" + (", **not distinguishable**" if p >= SIGNIFICANCE
                                            else "")


class _Unknown(dict):
    """The values a label may name; one the chapter did not glue reads as "?"."""

    def __missing__(self, key: str) -> str:
        return "?"


def headline_label(name: str, values: Mapping[str, object]) -> str:
    """Return the results-table label of headline ``name``, filled with the chapter's values.

    >>> headline_label("fashion_gap_test_acc", {"gap_epochs": 6})
    'Fashion-MNIST, convnet with global average pooling (6 epochs, as the convnet)'
    """
    known = _Unknown({key: value for key, value in values.items()
                      if isinstance(value, int | float | str)})
    try:
        return HEADLINES[name].format_map(known)
    except (ValueError, TypeError):  # a format spec that the value cannot take ("?" with ",")
        return HEADLINES[name].format_map(_Unknown())


#: The environment variable that asks ``make test`` to record each notebook's nbval time.
CI_TIMINGS_VARIABLE = "COURSE_CI_TIMINGS"
#: Where ``make test`` records the notebooks' CI times and ``.ci/run`` its own start and end.
CI_TIMINGS = Path("_build/ci/notebook_seconds.json")
CI_RUN = Path("_build/ci/run.json")
#: Where the browser test records the training explorer's speed.
CI_TRAINING = Path("_build/ci/training_explorer.json")
_TIME_KEYS = ("iopub.execute_input", "shell.execute_reply")
_NUMPY_SCALAR = re.compile(r"np\.(?:float|int|uint)\d*\((.*)\)")


def glued(notebook: str | Path) -> dict[str, object]:
    """Return the values a notebook glued with ``myst_nb.glue``, by name.

    Values are read back from their ``text/plain`` form (numbers, NumPy scalars and strings as
    Python values; anything else as its text).
    """
    values: dict[str, object] = {}
    for cell in nbformat.read(notebook, as_version=4).cells:
        for output in cell.get("outputs", []):
            scrap = output.get("metadata", {}).get("scrapbook")
            if not scrap:
                continue
            text = output["data"].get(scrap.get("mime_prefix", "") + "text/plain", "")
            # NumPy 2 writes its scalars as e.g. "np.float64(0.78)": read the number inside.
            numpy_scalar = _NUMPY_SCALAR.fullmatch(text)
            try:
                values[scrap["name"]] = ast.literal_eval(
                    numpy_scalar.group(1) if numpy_scalar else text)
            except (ValueError, SyntaxError):
                values[scrap["name"]] = text
    return values


def execution_seconds(notebook: str | Path) -> float | None:
    """Return the seconds a notebook's cells took to execute, from their timing metadata.

    The sum over code cells of (reply time - start time), as recorded by nbclient; ``None``
    when the notebook carries no timing metadata (for example, executed without it).
    """
    total, timed = 0.0, False
    for cell in nbformat.read(notebook, as_version=4).cells:
        times = cell.get("metadata", {}).get("execution", {})
        if cell.cell_type == "code" and all(key in times for key in _TIME_KEYS):
            start, end = (datetime.fromisoformat(times[key].replace("Z", "+00:00"))
                          for key in _TIME_KEYS)
            total += (end - start).total_seconds()
            timed = True
    return total if timed else None


class NotebookTimer:
    """A pytest plugin that adds up, per notebook, the durations of its nbval items.

    Each notebook cell is one pytest item; its set-up, call and tear-down durations are summed
    (nbval starts the kernel in the first item's set-up and stops it in the last item's
    tear-down, so that is counted too). At the end of the session the totals are written with
    :func:`write_ci_timings` to ``output``.
    """

    def __init__(self, output: Path, profile: str) -> None:
        self.output, self.profile = Path(output), profile
        self.seconds: dict[str, float] = defaultdict(float)
        self.failed: set[str] = set()

    def pytest_runtest_logreport(self, report: Any) -> None:
        """Count one phase of one test item, when it is a notebook cell."""
        path = str(report.location[0])  # the node id lacks it for files outside the root
        if path.endswith(".ipynb"):
            self.seconds[path] += report.duration
            if report.failed:
                self.failed.add(path)

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        """Write the totals, when any notebook ran."""
        if self.seconds:
            write_ci_timings(self.output, self.seconds, self.profile, self.failed)


def write_ci_timings(output: Path, seconds: Mapping[str, float], profile: str,
                     failed: Iterable[str] = (), recorded: datetime | None = None) -> None:
    """Write each notebook's CI execution time (by file name) to the JSON file ``output``."""
    failed = {Path(path).name for path in failed}
    record = {
        "profile": profile,
        "recorded": (recorded or datetime.now(UTC)).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "notebooks": {Path(path).name: {"seconds": round(total, 1),
                                        "passed": Path(path).name not in failed}
                      for path, total in sorted(seconds.items())},
    }
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    Path(output).write_text(json.dumps(record, indent=1) + "\n")


def read_record(path: Path | None) -> dict[str, Any] | None:
    """Return a JSON record, or ``None`` when there is no such file (nothing was recorded)."""
    if path is None or not Path(path).is_file():
        return None
    return json.loads(Path(path).read_text())


def _title(notebook: Path) -> str:
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return notebook.stem


def _minutes(seconds: float | None) -> str:
    return "not recorded" if seconds is None else f"{seconds / 60:.1f}"


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _ci_cell(record: Mapping[str, Any] | None, notebook: Path) -> tuple[str, float]:
    """Return a chapter's CI time as a table cell, and its seconds (0 when not run)."""
    entry = (record or {}).get("notebooks", {}).get(notebook.name)
    if entry is None:
        return "not run", 0.0
    seconds = float(entry["seconds"])
    return _minutes(seconds) + ("" if entry.get("passed", True) else " (failed)"), seconds


def ci_summary(timings: Mapping[str, Any] | None, run: Mapping[str, Any] | None) -> str:
    """Return the sentences that say where the CI times come from, or that there are none."""
    if timings is None and run is None:
        return ("No CI timings are recorded: `make test` records how long each chapter takes "
                "to execute under nbval (in `_build/ci/`), and `.ci/run` adds its own total "
                "before it rebuilds this page.")
    parts = []
    if timings is not None:
        when = _when(datetime.fromisoformat(timings["recorded"]))
        parts.append(f"CI times: the wall-clock time nbval took to execute each chapter "
                     f"(kernel start included) in the `{timings['profile']}` profile during "
                     f"`make test`, recorded {when} on a machine with {timings['cores']} "
                     f"cores.")
    else:
        parts.append("No chapter times were recorded in CI.")
    if run is not None:
        seconds = float(run["finished"]) - float(run["started"])
        when = _when(datetime.fromtimestamp(float(run["finished"]), UTC))
        parts.append(f"The whole CI run (`.ci/run`: installing, the tests with every chapter, "
                     f"building this site) took **{_minutes(seconds)} minutes** "
                     f"(finished {when}, {run.get('cores', '?')} cores; the last few seconds, "
                     f"which rebuild this page, are not counted).")
    else:
        parts.append("The total time of `.ci/run` was not recorded.")
    return " ".join(parts)


def training_summary(record: Mapping[str, Any] | None) -> str:
    """Return the sentence on the training explorer's speed in CI's browser, or ``""``."""
    if record is None:
        return ""
    last = record["testAccuracy"][-1]
    reached = record.get("secondsTo090")
    return (f"Chapter 4's training explorer, in headless Chromium during `make test` "
            f"({record['measured'][:16].replace('T', ' ')} UTC): {record['epochs']} seeded "
            f"epochs of 4,000 digits at {record['imagesPerSecond']:,.0f} images/s, test "
            f"accuracy {last['accuracy']:.3f} after {last['seconds']:.1f} s of training"
            + (f", 0.90 first reached after {reached:.1f} s." if reached is not None else
               "; 0.90 was not reached.")
            + _keras_ratio(record))


def _keras_ratio(record: Mapping[str, Any]) -> str:
    """The sentence comparing the page's speed with Keras's ``fit``, when both were measured."""
    keras = record.get("kerasImagesPerSecond")
    if not keras:
        return ""
    return (f" Keras's `fit` on the same model and digits, measured in the same test: "
            f"{keras:,.0f} images/s, so the page trains at "
            f"{record['imagesPerSecond'] / keras:.2f} times Keras's speed.")


def report(chapters: Sequence[Path], ci_timings: Mapping[str, Any] | None = None,
           ci_run: Mapping[str, Any] | None = None,
           ci_training: Mapping[str, Any] | None = None) -> str:
    """Return the results page (Markdown) for the executed ``chapters``, in order.

    ``ci_timings``, ``ci_run`` and ``ci_training`` are CI's records (see the module's
    documentation); without them the cost table has no CI column and the page says that
    nothing was recorded.
    """
    results = ["| result | this book | epoch kept | paired test (McNemar) "
               "| published (classic chapter) | chapter | profile |",
               "| --- | ---: | ---: | --- | ---: | --- | --- |"]
    seeds: list[str] = []
    with_ci = ci_timings is not None
    ci_header = f" CI, `{ci_timings['profile']}` profile (minutes) |" if with_ci else ""
    costs = ["| chapter | profile | execution (minutes) |" + ci_header,
             "| --- | --- | ---: |" + (" ---: |" if with_ci else "")]
    total = ci_total = 0.0
    for notebook in chapters:
        values = glued(notebook)
        title, profile = _title(notebook), values.get("profile", "unknown")
        link = f"[{title}]({notebook.as_posix()})"
        for name in HEADLINES:
            if isinstance(values.get(name), int | float):
                results.append(f"| {headline_label(name, values)} | {values[name]:.3f} "
                               f"| {kept_epoch(name, values)} "
                               f"| {paired_verdict(name, values)} "
                               f"| {PUBLISHED.get(name, '')} "
                               f"| {link} | {profile} |")
        if table := seed_table(values):
            seeds += [f"From [{title}]({notebook.as_posix()}):", "", *table, ""]
        seconds = execution_seconds(notebook)
        total += seconds or 0.0
        row = f"| {link} | {profile} | {_minutes(seconds)} |"
        if with_ci:
            cell, ci_seconds = _ci_cell(ci_timings, notebook)
            ci_total += ci_seconds
            row += f" {cell} |"
        costs.append(row)
    costs.append(f"| **all chapters** | | **{_minutes(total)}** |"
                 + (f" **{_minutes(ci_total)}** |" if with_ci else ""))
    return "\n".join([
        "# Results and costs", "",
        "Every number on this page is read by `python -m course_utils.site.report` from the "
        "executed chapters (the values each chapter glued, and the execution times its cells "
        "recorded) and from CI's own timing records. Published figures are those of the "
        "classic chapter (Deep Learning with Python, first edition: Keras 2; VGG16 at 150x150 "
        "for transfer learning), for orientation only: they were not run here, and they "
        "measured other data (full MNIST, where this book's MNIST rows come from a small "
        "sample of it, sized in their label) or other splits (validation images, where the "
        "column says so), on other hardware.", "",
        "## Results (test accuracy unless said otherwise)", "",
        "Where a chapter compared a model with a baseline on the same test images (McNemar's "
        f"paired test), the column \"paired test\" gives the p-value; at p ≥ {SIGNIFICANCE} "
        "the test cannot tell the two models apart on these images, and the difference in accuracy "
        "may be chance. Each test compares two trained models, one seed each: it says nothing "
        "of how another training run of the same method would score. Every training run keeps "
        "the epoch with the lowest validation loss; where the chapter recorded which epoch "
        "that was, the column \"epoch kept\" says (for fine-tuning, counted from the start "
        "of the frozen stage before it).", "", *results, "",
        *(["## Run-to-run spread: the same recipe, several seeds", "",
           "Test accuracy of each run (the epoch with the lowest validation loss), with "
           "nothing changed between the runs of a recipe but the random seed: initial "
           "weights, the order of the photos, the augmentations.", "", *seeds]
          if seeds else []),
        "## Cost: execution time of each chapter", "",
        "Wall-clock time of each chapter's cells in its committed run, on the machine that "
        "executed it (a 2-core CPU for this book's committed outputs)"
        + (", and in CI's last recorded test run." if with_ci else "."), "", *costs, "",
        ci_summary(ci_timings, ci_run), "",
        *([training_summary(ci_training), ""] if ci_training is not None else []),
    ])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m course_utils.site.report [--chapters DIR] [--output FILE] ...``."""
    parser = argparse.ArgumentParser(prog="python -m course_utils.site.report",
                                     description="Write the results and cost page.")
    parser.add_argument("--chapters", default="chapters", help="folder of executed notebooks")
    parser.add_argument("--output", help="Markdown file to write (default: standard output)")
    parser.add_argument("--ci-timings", type=Path, default=CI_TIMINGS,
                        help=f"CI's per-chapter times, when recorded (default: {CI_TIMINGS})")
    parser.add_argument("--ci-run", type=Path, default=CI_RUN,
                        help=f"CI's start and end, when recorded (default: {CI_RUN})")
    parser.add_argument("--ci-training", type=Path, default=CI_TRAINING,
                        help="the training explorer's speed in CI's browser, when recorded "
                             f"(default: {CI_TRAINING})")
    args = parser.parse_args(argv)
    page = report(sorted(Path(args.chapters).glob("*.ipynb")),
                  read_record(args.ci_timings), read_record(args.ci_run),
                  read_record(args.ci_training))
    if args.output:
        Path(args.output).write_text(page)
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
