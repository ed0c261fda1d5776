"""The explorers' shared base: the one type every explorer returns, its widget, its sliders."""

import base64
import io
import re

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from course_utils import config, plots
from course_utils.explorers import STATIC, Explorer, ExplorerWidget, Slider
from course_utils.site.static_explorer import figure_to_png


def draw_square(slider: widgets.IntSlider):
    fig, axes = plots.new_figure(1, 1)
    plots.plot_image(axes[0, 0], np.full((2, 2), slider.value), title=f"value {slider.value}")
    return fig


def square_widget(value: int = 3) -> ExplorerWidget:
    slider = widgets.IntSlider(value=value)
    return ExplorerWidget(widgets.VBox([slider]), widgets.Output(), lambda: draw_square(slider),
                          {"value": slider})


def test_figure_to_png_is_a_png():
    assert figure_to_png(draw_square(widgets.IntSlider(value=1))).startswith(b"\x89PNG")


def test_explorer_offers_the_widget_a_static_default_view_and_its_text():
    explorer = Explorer("kernel_explorer", "a square", widget=square_widget(), data={"a": 1})
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == \
        explorer.widget.layout.model_id
    assert base64.b64decode(bundle["image/png"]) == explorer.static_png
    assert bundle["text/plain"] == "a square"  # not the widget's repr, which names its models
    assert explorer.figure.axes[0].get_title() == "value 3"


def test_refresh_redraws_for_new_settings_but_keeps_the_static_view():
    view = square_widget()
    static = view.png
    view.controls["value"].value = 5
    view.refresh()
    assert view.figure.axes[0].get_title() == "value 5"
    assert view.png == static


def test_redraw_on_refreshes_when_a_control_changes():
    view = square_widget()
    view.redraw_on(view.controls["value"])
    view.controls["value"].value = 7
    assert view.figure.axes[0].get_title() == "value 7"


def test_the_figure_goes_into_the_output_widget_and_nowhere_else(capsys):
    view = square_widget()
    # No display message: run without a widget frontend (nbval), the cell gets no stray output.
    assert capsys.readouterr().out == ""
    (shown,) = view.output.outputs
    assert base64.b64decode(shown["data"]["image/png"]) == view.png
    view.controls["value"].value = 6
    view.refresh()
    (shown,) = view.output.outputs  # replaced, not appended
    assert base64.b64decode(shown["data"]["image/png"]) != view.png
    assert capsys.readouterr().out == ""


def test_held_redraws_nothing_and_puts_every_control_back():
    view = square_widget()
    view.redraw_on(view.controls["value"])
    figure = view.figure
    with view.held():
        view.controls["value"].value = 9
        assert view.figure is figure
    assert view.controls["value"].value == 3 and view.figure is figure
    view.controls["value"].value = 4  # redraws again afterwards
    assert view.figure.axes[0].get_title() == "value 4"


def test_the_png_is_a_palette_png_a_third_of_the_bytes():
    with Image.open(io.BytesIO(square_widget().png)) as picture:
        assert picture.mode == "P"


def test_a_site_only_explorer_has_no_widget_and_shows_its_html():
    explorer = Explorer("photo_explorer", "Photo explorer: on the site.", data={"alpha": 0.5})
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert explorer.controls == {} and explorer.figure is None and explorer.static_png is None
    assert "text/html" not in explorer._repr_mimebundle_(exclude={"text/html"})
    assert '<p class="live-explorer-fallback">Photo explorer: on the site.</p>' in \
        bundle["text/html"]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"kind": "kernel_explorer"}, r"a live explorer \(kernel_explorer\) needs data"),
    ({"kind": "kernel_explorer", "data": {}, "grid": {"value": [1]}}, "and no grid"),
    ({"kind": STATIC, "grid": {"value": [1]}}, "a static explorer needs a widget and a grid"),
    ({"kind": STATIC, "data": {}, "grid": {"value": [1]}, "widget": True}, "and no data"),
    ({"kind": "movie_explorer", "data": {}}, r"kind must be 'static' or one of \("),
])
def test_an_explorer_is_live_with_data_or_static_with_a_grid(arguments, message):
    if arguments.pop("widget", None):
        arguments["widget"] = square_widget()
    with pytest.raises(ValueError, match=message):
        Explorer(text="x", **arguments)


def test_a_static_explorer_draws_its_frames_only_for_the_site(monkeypatch):
    view = square_widget()
    drawn = []
    draw = view.draw
    view.draw = lambda: drawn.append(1) or draw()
    explorer = Explorer(STATIC, "squares", widget=view, grid={"value": [1, 3]})
    monkeypatch.delenv(config.SITE_FRAMES_VARIABLE, raising=False)
    assert "text/html" not in explorer._repr_mimebundle_() and drawn == []
    monkeypatch.setenv(config.SITE_FRAMES_VARIABLE, "1")
    html = explorer._repr_mimebundle_()["text/html"]
    assert 'class="static-explorer"' in html and len(drawn) == 2
    explorer._repr_mimebundle_()
    assert len(drawn) == 2  # drawn once, then kept
    with pytest.raises(ValueError, match="a kernel_explorer explorer has no static frames"):
        Explorer("kernel_explorer", "x", data={}).static_view()


@pytest.mark.parametrize("explorer", [
    Explorer("gabor_explorer", "g", widget=square_widget(), data={"a": [1.5, "<b>"]}),
    Explorer("digit_explorer", "d <i>", data={"model": "QUJD"}),
], ids=["live", "site only"])
def test_no_explorer_output_carries_code(explorer):
    html = explorer._repr_mimebundle_()["text/html"]
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags == ['<script type="application/json" class="live-explorer-data">']
    assert "<b>" not in html and "<i>" not in html  # escaped: no markup from data or text


# --- one declaration per slider -----------------------------------------------------------------


FREQUENCY = Slider("frequency", "frequency (cycles/px)", 0.05, 0.5, 0.01, ".2f")
STRIDE = Slider("stride", "stride", 1, 4, 1, "d")


def test_a_slider_makes_its_widget():
    widget = FREQUENCY.widget(0.2)
    assert isinstance(widget, widgets.FloatSlider)
    assert (widget.value, widget.min, widget.max, widget.step) == (0.2, 0.05, 0.5, 0.01)
    assert (widget.description, widget.readout_format, widget.continuous_update) == (
        "frequency (cycles/px)", ".2f", False)
    whole = STRIDE.widget(2)
    assert isinstance(whole, widgets.IntSlider) and (whole.min, whole.max) == (1, 4)


def test_a_slider_gives_the_page_its_range_and_decimals():
    assert (FREQUENCY.site(), FREQUENCY.digits) == ([0.05, 0.5, 0.01], 2)
    assert (STRIDE.site(), STRIDE.digits) == ([1, 4, 1], 0)
    assert Slider("theta", "theta", 0.0, 165.0, 1.0, ".0f").digits == 0


@pytest.mark.parametrize(("slider", "value", "argument", "error", "message"), [
    (FREQUENCY, 0.6, None, ValueError, r"frequency must be a number in \[0.05, 0.5\], got 0.6"),
    (STRIDE, 5, "s", ValueError, r"s must be an integer from 1 to 4, got 5"),
    (STRIDE, 2.0, None, TypeError, r"stride must be an integer from 1 to 4, got 2.0"),
])
def test_a_slider_refuses_a_start_it_would_clamp(slider, value, argument, error, message):
    with pytest.raises(error, match=message):
        slider.check(value, argument)
    assert slider.check(slider.low) == slider.low


def test_the_gabor_and_padding_explorers_build_widget_and_page_from_their_sliders():
    from course_utils import explorers

    gabor = explorers.gabor_explorer({"bar": np.eye(8)})
    data = gabor.data
    for slider in explorers.GABOR_SLIDERS:
        widget = gabor.controls[slider.name]
        assert (widget.min, widget.max, widget.step) == tuple(data["ranges"][slider.name])
        assert widget.description == data["labels"][slider.name] == slider.label
        assert data["digits"][slider.name] == slider.digits
    padding = explorers.padding_stride_explorer(largest=12)
    for name, (low, high, step) in padding.data["ranges"].items():
        widget = padding.controls[name]
        assert (widget.min, widget.max, widget.step) == (low, high, step)
    assert padding.data["ranges"]["input size"][1] == 12
