import base64
import io

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from course_utils import plots
from course_utils.explorers import Explorer
from course_utils.site.static_explorer import figure_to_png


def draw_square(slider: widgets.IntSlider):
    fig, axes = plots.new_figure(1, 1)
    plots.plot_image(axes[0, 0], np.full((2, 2), slider.value), title=f"value {slider.value}")
    return fig


def test_figure_to_png_is_a_png():
    assert figure_to_png(draw_square(widgets.IntSlider(value=1))).startswith(b"\x89PNG")


def test_explorer_offers_the_widget_and_a_static_default_view():
    slider = widgets.IntSlider(value=3)
    explorer = Explorer(widgets.VBox([slider]), widgets.Output(), lambda: draw_square(slider))
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == \
        explorer.widget.model_id
    assert base64.b64decode(bundle["image/png"]) == explorer.static_png
    assert explorer.figure.axes[0].get_title() == "value 3"


def test_refresh_redraws_for_new_settings_but_keeps_the_static_view():
    slider = widgets.IntSlider(value=3)
    explorer = Explorer(widgets.VBox([slider]), widgets.Output(), lambda: draw_square(slider))
    static = explorer.static_png
    slider.value = 5
    explorer.refresh()
    assert explorer.figure.axes[0].get_title() == "value 5"
    assert explorer.static_png == static


def test_redraw_on_refreshes_when_a_control_changes():
    slider = widgets.IntSlider(value=3)
    explorer = Explorer(widgets.VBox([slider]), widgets.Output(), lambda: draw_square(slider))
    explorer.redraw_on(slider)
    slider.value = 7
    assert explorer.figure.axes[0].get_title() == "value 7"


def test_the_png_is_a_palette_png_a_third_of_the_bytes():
    slider = widgets.IntSlider(value=3)
    explorer = Explorer(widgets.VBox([slider]), widgets.Output(), lambda: draw_square(slider))
    with Image.open(io.BytesIO(explorer.static_png)) as picture:
        assert picture.mode == "P"


def test_an_explorer_has_a_live_site_version_or_a_static_grid_not_both():
    slider = widgets.IntSlider(value=3)
    explorer = Explorer(widgets.VBox([slider]), widgets.Output(), lambda: draw_square(slider),
                        site_html=lambda: "<div>live</div>")
    assert explorer._repr_mimebundle_()["text/html"] == "<div>live</div>"
    assert "text/html" not in explorer._repr_mimebundle_(exclude={"text/html"})
    with pytest.raises(ValueError, match="site_html.*or a static grid, not both"):
        Explorer(widgets.VBox([slider]), widgets.Output(), lambda: draw_square(slider),
                 {"value": slider}, static_grid={"value": [1, 2]}, site_html=lambda: "")
