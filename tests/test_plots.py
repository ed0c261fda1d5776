import numpy as np
import pytest
from matplotlib.colors import to_hex

from course_utils import plots


def test_signed_colormap_puts_zero_at_mid_grey():
    assert to_hex(plots.SIGNED_CMAP(0.5)) == "#808080"


def test_plot_kernel_writes_each_weight_with_symmetric_limits():
    fig, axes = plots.new_figure(1, 1)
    kernel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 0.5]])
    plots.plot_kernel(axes[0, 0], kernel, title="Sobel")
    ax = axes[0, 0]
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["-1", "0", "1", "-2", "0", "2", "-1", "0", "0.50"]
    assert ax.images[0].get_clim() == (-2.0, 2.0)
    assert ax.get_title() == "Sobel"


def test_plot_kernel_rejects_a_non_2d_kernel():
    fig, axes = plots.new_figure(1, 1)
    with pytest.raises(ValueError, match=r"a kernel must be 2-D, got shape \(3,\)"):
        plots.plot_kernel(axes[0, 0], np.ones(3))


def test_plot_image_signed_is_symmetric_around_zero():
    fig, axes = plots.new_figure(1, 1)
    plots.plot_image(axes[0, 0], np.array([[-3.0, 1.0]]), signed=True)
    assert axes[0, 0].images[0].get_clim() == (-3.0, 3.0)


def test_image_grid_layout_and_titles():
    images = [np.zeros((4, 4))] * 5
    fig = plots.image_grid(images, titles=list("abcde"), ncols=3, suptitle="five")
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes[:5]] == list("abcde")
    assert not fig.axes[5].axison
    assert fig.get_suptitle() == "five"


def test_image_grid_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one image"):
        plots.image_grid([])
    with pytest.raises(ValueError, match="got 1 titles for 2 images"):
        plots.image_grid([np.zeros((2, 2))] * 2, titles=["x"])


def test_plot_history_draws_training_dashed_and_validation_solid():
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7],
               "accuracy": [0.6, 0.8], "val_accuracy": [0.55, 0.7]}
    fig = plots.plot_history({"convnet": history, "dense": {"loss": [2.0], "accuracy": [0.3]}})
    loss_ax, acc_ax = fig.axes
    assert [line.get_linestyle() for line in loss_ax.lines] == ["--", "-", "--"]
    assert list(acc_ax.lines[1].get_ydata()) == [0.55, 0.7]
    assert acc_ax.get_xlabel() == "epoch" and acc_ax.get_ylabel() == "accuracy"


def test_plot_history_names_a_missing_metric():
    with pytest.raises(ValueError, match="history 'x' has no 'accuracy'; it has \\['loss'\\]"):
        plots.plot_history({"x": {"loss": [1.0]}})
    with pytest.raises(ValueError, match="at least one history"):
        plots.plot_history({})


def test_plot_confusion_counts_pairs():
    fig, axes = plots.new_figure(1, 1)
    matrix = plots.plot_confusion(axes[0, 0], np.array([0, 0, 1, 2, 2]),
                                  np.array([0, 1, 1, 2, 0]), ["a", "b", "c"])
    assert matrix.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert matrix.sum() == 5
    assert [t.get_text() for t in axes[0, 0].texts][:3] == ["1", "1", "0"]


@pytest.mark.parametrize(("value", "text"), [(3.0, "3"), (-0.25, "-0.25"), (-0.0, "0"),
                                             (1 / 3, "0.33"), (np.float32(2), "2")])
def test_format_number_is_short_and_never_negative_zero(value, text):
    assert plots.format_number(value) == text
