"""The committed chapters' outputs are free of log noise and progress-bar debris.

TensorFlow's C++ start-up lines (and CUDA probing on a machine without a GPU) land in
outputs as stderr blocks, and Keras progress bars (``fit(verbose=1)``) write ``\\r`` and
``\\x08`` redraws that render as rows of boxes on the site. STACK_NOTES says how to keep both
out: ``capture_fd_output = False`` in the kernel config and ``verbose=2``. This test reads every
notebook in ``chapters/`` as committed; it executes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
#: What noise looks like, by name.
NOISE = {
    "TensorFlow C++ log line": re.compile(r"[IWEF] ?tensorflow/|^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+",
                                          re.MULTILINE),
    "absl logging notice": re.compile(r"absl::InitializeLog|WARNING: All log messages before"),
    "oneDNN notice": re.compile(r"oneDNN custom operations"),
    "CUDA or GPU probing": re.compile(r"\b(?:cuda[_ ]|CUDA\b|cu(?:DNN|BLAS|FFT|Init))|TF-TRT"),
    "backspace (progress-bar redraw)": re.compile("\x08"),
    "carriage-return redraw": re.compile(r"\r(?!\n)"),
    # Keras 3 draws its bar with U+2501 after "step/steps" and before "ETA/time per step";
    # model.summary() tables also use U+2501 but in box corners, which do not match.
    "Keras progress bar": re.compile(
        r"\d+/\d+\s+(?:\x1b\[[0-9;]*m)*\u2501|\u2501(?:\x1b\[[0-9;]*m)*\s+\d+m?s\b"),
}


#: Base64 runs (images embedded in HTML outputs, such as the static explorers' frames): they
#: are not text, and spell anything by chance.
BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{80,}")


def output_texts(output: nbformat.NotebookNode) -> Iterator[str]:
    """Yield every text an output carries (stream text, text/* data, tracebacks), base64 cut."""
    texts = []
    if output.output_type == "stream":
        texts.append(output.get("text", ""))
    elif output.output_type == "error":
        texts.append("\n".join(output.get("traceback", [])))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/"):
            texts.append(value if isinstance(value, str) else "".join(value))
    for text in texts:
        yield BASE64_RUN.sub("<base64>", text)


def noise_in(notebook: Path) -> list[str]:
    """Return one line per piece of noise in a notebook's outputs: where, what and a snippet."""
    found = []
    for number, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        for output in cell.get("outputs", []):
            for text in output_texts(output):
                for what, pattern in NOISE.items():
                    if match := pattern.search(text):
                        snippet = text[max(match.start() - 30, 0):match.end() + 30]
                        found.append(f"cell {number}: {what}: {snippet!r}")
    return found


def test_the_patterns_catch_noise_and_spare_tables_and_images() -> None:
    noisy = ["2026-11-23 01:00:00.1: I tensorflow/core/util/port.cc:153] oneDNN custom "
             "operations are on.", "W0000 00:00:1732.5 1234 cuda_dnn.cc:8310] Unable",
             "Epoch 1/2\r 1/63 \x1b[32m\u2501\u2501\x1b[0m 5s 90ms/step", "10%\x08\x08\x08"]
    clean = ["\u250f\u2501\u2501\u2501\u2533\u2501\u2501\u2513\n\u2503 Layer (type) \u2503",
             "Epoch 1/2\n63/63 - 2s - 30ms/step - accuracy: 0.5\n", "Total params: 93,322\n",
             '<img src="data:image/png;base64,' + "MkzDBMd4+CuDaTANpsE0/CUDA" * 8 + '">']
    for text in noisy:
        assert any(pattern.search(text) for pattern in NOISE.values()), text
    found = {what for text in noisy for what, pattern in NOISE.items() if pattern.search(text)}
    assert {"TensorFlow C++ log line", "oneDNN notice", "CUDA or GPU probing",
            "Keras progress bar", "backspace (progress-bar redraw)"} <= found
    for text in clean:
        output = nbformat.v4.new_output("display_data", data={"text/html": text})
        assert not any(pattern.search(cleaned) for cleaned in output_texts(output)
                       for pattern in NOISE.values()), text


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_outputs_carry_no_log_lines_or_progress_bars(notebook: Path) -> None:
    assert noise_in(notebook) == []


def test_there_are_chapters_to_check() -> None:
    assert len(CHAPTERS) >= 9
