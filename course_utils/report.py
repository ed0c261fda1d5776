"""The book's results and costs, read from the executed chapters themselves.

Each chapter records its headline numbers with ``myst_nb.glue`` and, when executed with
``make notebooks``, each cell's start and end times. This module reads both back from the
committed notebooks, so that the results page and the cost report show what the runs produced
and nothing typed by hand::

    python -m course_utils.report --output results.md
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import nbformat

#: Headline metrics, in book order: glue name -> what it measures.
HEADLINES: dict[str, str] = {
    "mnist_dense_test_acc": "MNIST, dense network",
    "mnist_convnet_test_acc": "MNIST, convnet",
    "fashion_dense_test_acc": "Fashion-MNIST, dense network",
    "fashion_convnet_test_acc": "Fashion-MNIST, convnet",
    "fashion_gap_test_acc": "Fashion-MNIST, convnet with global average pooling",
    "cats_scratch_test_acc": "Cats vs dogs, convnet from scratch",
    "cats_augmented_test_acc": "Cats vs dogs, with augmentation and dropout",
    "transfer_features_test_acc": "Cats vs dogs, features of a pretrained base",
    "transfer_frozen_aug_test_acc": "Cats vs dogs, frozen base with augmentation",
    "transfer_finetune_test_acc": "Cats vs dogs, fine-tuned",
    "gradcam_top1_prob": "Elephant photo, probability of the top class",
}
#: Figures published in the classic chapter (Deep Learning with Python, Keras 2, VGG16 for
#: transfer learning at 150x150), shown beside ours and labelled as published.
PUBLISHED: dict[str, str] = {
    "mnist_dense_test_acc": "0.978",
    "mnist_convnet_test_acc": "about 0.99",
    "transfer_features_test_acc": "about 0.90",
    "transfer_frozen_aug_test_acc": "about 0.96",
    "transfer_finetune_test_acc": "about 0.97",
}
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


def _title(notebook: Path) -> str:
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return notebook.stem


def _minutes(seconds: float | None) -> str:
    return "not recorded" if seconds is None else f"{seconds / 60:.1f}"


def report(chapters: Sequence[Path]) -> str:
    """Return the results page (Markdown) for the executed ``chapters``, in order."""
    results = ["| result | this book | published (classic chapter) | chapter | profile |",
               "| --- | ---: | ---: | --- | --- |"]
    costs = ["| chapter | profile | execution (minutes) |", "| --- | --- | ---: |"]
    total = 0.0
    for notebook in chapters:
        values = glued(notebook)
        title, profile = _title(notebook), values.get("profile", "unknown")
        link = f"[{title}]({notebook.as_posix()})"
        for name, what in HEADLINES.items():
            if isinstance(values.get(name), int | float):
                results.append(f"| {what} | {values[name]:.3f} | {PUBLISHED.get(name, '')} "
                               f"| {link} | {profile} |")
        seconds = execution_seconds(notebook)
        total += seconds or 0.0
        costs.append(f"| {link} | {profile} | {_minutes(seconds)} |")
    costs.append(f"| **all chapters** | | **{_minutes(total)}** |")
    return "\n".join([
        "# Results and costs", "",
        "Every number on this page is read from the executed chapters by "
        "`python -m course_utils.report`: the values each chapter glued, and the execution "
        "times its cells recorded. Published figures are those of the classic chapter "
        "(Keras 2; VGG16 at 150x150 for transfer learning), for orientation only: they were "
        "not run here, on other data splits and other hardware.", "",
        "## Results (test accuracy unless said otherwise)", "", *results, "",
        "## Cost: execution time of each chapter", "",
        "Wall-clock time of each chapter's cells in its committed run, on the machine that "
        "executed it (a 2-core CPU for this book's committed outputs).", "", *costs, "",
    ])


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m course_utils.report [--chapters DIR] [--output FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m course_utils.report",
                                     description="Write the results and cost page.")
    parser.add_argument("--chapters", default="chapters", help="folder of executed notebooks")
    parser.add_argument("--output", help="Markdown file to write (default: standard output)")
    args = parser.parse_args(argv)
    page = report(sorted(Path(args.chapters).glob("*.ipynb")))
    if args.output:
        Path(args.output).write_text(page)
    else:
        sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
