"""The R appendix's Python (requirements-r.txt) runs the book's TensorFlow, Keras and h5py, with
a NumPy that Debian's reticulate 1.28 can hand R arrays to (before NumPy 2)."""

from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def pins(name: str) -> dict[str, Requirement]:
    lines = (ROOT / name).read_text().splitlines()
    found = [Requirement(line) for line in lines
             if line.strip() and not line.startswith(("#", "-"))]
    return {f"{r.name} {r.marker}": r for r in found}


def test_the_r_environment_pins_the_books_keras_stack():
    book, r = pins("requirements.txt"), pins("requirements-r.txt")
    shared = {key for key in r if key.split()[0] in ("tensorflow", "tensorflow-cpu", "keras",
                                                      "h5py")}
    assert len(shared) == 4  # both TensorFlow builds, Keras, h5py
    for key in shared:
        assert str(r[key]) == str(book[key]), key


def test_the_r_environment_keeps_numpy_1():
    numpy = pins("requirements-r.txt")["numpy None"]
    assert numpy.specifier.contains("1.26.4") and not numpy.specifier.contains("2.0.0")
