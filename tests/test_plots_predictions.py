"""Tests for plots.plot_top_predictions, the top-k bar chart of chapter 7."""

import numpy as np
import pytest

from course_utils import plots

DECODED = [  # one image's row of decode_predictions: (class id, label, probability)
    ("n02504458", "African_elephant", 0.81),
    ("n01871265", "tusker", 0.08),
    ("n02504013", "Indian_elephant", np.float32(0.045)),
]


def draw(predictions, **kwargs):
    fig, axes = plots.new_figure(1, 1)
    plots.plot_top_predictions(axes[0, 0], predictions, **kwargs)
    return axes[0, 0]


def test_bars_follow_the_predictions_most_probable_at_the_top():
    ax = draw(DECODED, title="elephant")
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == pytest.approx([0.81, 0.08, 0.045])
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "African elephant", "tusker", "Indian elephant"]
    top, bottom = ax.get_ylim()[1], ax.get_ylim()[0]
    assert top < bottom  # inverted: row 0 is drawn at the top
    assert ax.patches[0].get_y() < ax.patches[1].get_y()


def test_axes_are_titled_and_labelled_and_values_written():
    ax = draw(DECODED, title="elephant", ylabel="ImageNet class")
    assert ax.get_title() == "elephant"
    assert ax.get_xlabel() == "probability"
    assert ax.get_ylabel() == "ImageNet class"
    assert ax.get_xlim()[0] == 0 and ax.get_xlim()[1] >= 1
    assert [t.get_text() for t in ax.texts] == ["0.810", "0.080", "0.045"]


def test_accepts_label_probability_pairs():
    ax = draw([("cat", 0.7), ("dog", 0.3)])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog"]
    assert ax.get_title() == ""


@pytest.mark.parametrize("bad", [[("cat", 1.5)], [("cat", -0.1)], [("cat", float("nan"))]])
def test_rejects_probabilities_outside_zero_one(bad):
    with pytest.raises(ValueError, match=r"probabilities must lie in \[0, 1\]"):
        draw(bad)


def test_rejects_no_predictions():
    with pytest.raises(ValueError, match="at least one prediction"):
        draw([])
