"""Alt text for figures (course_utils.figure_alt): every figure gets a sentence that says what
it shows, read from the figure itself, and IPython puts it into the output's metadata."""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from matplotlib.figure import Figure

from course_utils import figure_alt, plots

IMAGE = np.linspace(0, 1, 28 * 28).reshape(28, 28)


def test_a_suptitle_and_panel_titles_describe_a_grid():
    fig = plots.image_grid([IMAGE] * 5, titles=list("abcde"), ncols=3, suptitle="Five digits")
    assert figure_alt.describe(fig) == ("Five digits. A grid of 5 images in 2 rows and 3 "
                                       "columns, titled a, b, c, d and e.")


def test_titles_in_the_top_row_only_name_the_columns():
    fig, axes = plots.new_figure(2, 2)
    for col, name in enumerate(["blur", "edges"]):
        plots.plot_kernel(axes[0, col], np.eye(3), name)
        plots.plot_image(axes[1, col], IMAGE)
    assert figure_alt.describe(fig) == ("A grid of 4 images in 2 rows and 2 columns, with "
                                       "columns titled blur and edges.")


def test_a_figure_without_any_text_is_named_by_what_it_draws():
    fig, axes = plots.new_figure(1, 3)
    for ax in axes.flat:
        plots.plot_image(ax, IMAGE)
    assert figure_alt.describe(fig) == "A row of 3 images."
    fig, axes = plots.new_figure(1, 1)
    plots.plot_image(axes[0, 0], np.zeros((20, 30)))
    assert figure_alt.describe(fig) == "An image of 30x20 pixels."


def test_learning_curves_name_their_axes_and_series():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}
    fig = plots.plot_history({"small": history}, metrics=["loss"], title="Training")
    assert figure_alt.describe(fig) == (
        "Training. A line plot of loss against epoch, with lines for small (training) and "
        "small (validation), titled loss.")


def test_a_bar_chart_lists_its_categories():
    fig, axes = plots.new_figure(1, 1)
    plots.plot_top_predictions(axes[0, 0], [("tusker", 0.7), ("African_elephant", 0.2)],
                               title="top 2")
    assert figure_alt.describe(fig) == ("top 2. A bar chart of probability by class, bars "
                                       "for tusker and African elephant.")


def test_mixed_panels_describe_each_plot():
    fig, axes = plots.new_figure(1, 2)
    plots.plot_image(axes[0, 0], IMAGE, "elephant.jpg")
    plots.plot_top_predictions(axes[0, 1], [("tusker", 0.7)], title="top 1")
    assert figure_alt.describe(fig) == (
        "A row of 2 panels (1 image and 1 bar chart), titled elephant.jpg and top 1; "
        "top 1: a bar chart of probability by class, bars for tusker.")


def test_a_confusion_matrix_is_a_heatmap_and_colour_bars_are_not_panels():
    fig, axes = plots.new_figure(1, 1)
    plots.plot_confusion(axes[0, 0], np.array([0, 1]), np.array([0, 0]), ["cat", "dog"])
    fig.colorbar(axes[0, 0].images[0], ax=axes[0, 0])
    assert figure_alt.describe(fig) == "A heatmap of true class against predicted class."


def test_math_and_line_breaks_become_plain_words():
    fig = Figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [1, 2])
    ax.set_title("Gabor, $\\sigma$ = 2\n(13x13)")
    assert figure_alt.describe(fig) == "Gabor, sigma = 2 (13x13). A line plot."


def test_an_empty_figure_and_long_descriptions():
    assert figure_alt.describe(Figure()) == "An empty figure."
    fig = plots.image_grid([IMAGE] * 40, titles=[f"a long panel title {i}" for i in range(40)])
    text = figure_alt.describe(fig)
    assert len(text) <= figure_alt.MAX_CHARS
    assert "and 24 more" in text


def _shell_with_png() -> SimpleNamespace:
    """A display formatter like an IPython kernel's after ``%matplotlib inline``."""
    formatter = DisplayFormatter()

    def png(fig: Figure) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()

    formatter.formatters["image/png"].for_type(Figure, png)
    return SimpleNamespace(display_formatter=formatter)


def test_ipython_outputs_carry_the_description_as_image_metadata():
    shell = _shell_with_png()
    assert figure_alt.register(shell)
    fig = plots.image_grid([IMAGE], titles=["a digit"])
    data, metadata = shell.display_formatter.format(fig)
    assert data["image/png"].startswith(b"\x89PNG")
    assert metadata == {"image/png": {"alt": "a digit. An image of 28x28 pixels."}}


def test_the_description_survives_a_png_formatter_registered_later():
    # matplotlib-inline registers its PNG formatter when pyplot is first imported, which
    # may be after course_utils: the description is metadata beside it, not a replacement.
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    figure_alt.register(shell)
    shell.display_formatter.formatters["image/png"].for_type(Figure, lambda fig: b"png")
    data, metadata = shell.display_formatter.format(plots.image_grid([IMAGE]))
    assert data["image/png"] == b"png"
    assert metadata["image/png"]["alt"] == "An image of 28x28 pixels."


def test_outside_ipython_nothing_is_registered(monkeypatch: pytest.MonkeyPatch):
    with pytest.raises(TypeError, match="shell must be an IPython shell"):
        figure_alt.register(SimpleNamespace())
    monkeypatch.delitem(__import__("sys").modules, "IPython", raising=False)
    assert not figure_alt.register()


def test_a_figure_it_cannot_read_still_displays_without_a_description(
        monkeypatch: pytest.MonkeyPatch):
    shell = _shell_with_png()
    figure_alt.register(shell)
    monkeypatch.setattr(figure_alt, "describe", lambda fig: 1 / 0)
    data, metadata = shell.display_formatter.format(plots.image_grid([IMAGE]))
    assert "image/png" in data and metadata == {}


def test_every_committed_figure_records_what_it_shows():
    # A figure output shown as an image (no text/html beside it, which the site would show
    # instead) must carry its description; committed outputs get it when the chapter is
    # re-executed with course_utils imported (make notebooks).
    import json
    from pathlib import Path

    missing = {}
    for notebook in sorted(Path(__file__).parents[1].glob("chapters/*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            for output in cell.get("outputs", []):
                data, metadata = output.get("data", {}), output.get("metadata", {})
                if "image/png" in data and "text/html" not in data and not metadata.get(
                        "image/png", {}).get(figure_alt.ALT_KEY):
                    missing[notebook.name] = missing.get(notebook.name, 0) + 1
    assert missing == {}, f"figures without alt text (re-execute these chapters): {missing}"
