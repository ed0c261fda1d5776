"""The static explorers: frames drawn by the live widgets (``course_utils.site.frames``), written
in the notebook as data, no script, and on the site as plain controls
(``course_utils.site.static_explorer``)."""

import base64
import itertools
import json
import re
from html.parser import HTMLParser

import ipywidgets as widgets
import numpy as np
import pytest
import skimage.color
import skimage.data
import skimage.transform
from tiny_models import tiny_convnet

from course_utils import config, plots
from course_utils import explorers as course_widgets
from course_utils.explorers import STATIC, Explorer, ExplorerWidget
from course_utils.site import static_explorer
from course_utils.site.static_explorer import (
    FRAME_URL_PREFIX,
    figure_to_frame,
    page_html,
    settings_key,
    unique_element_id,
)

#: The budget of one static explorer's notebook HTML (its frames), and of its page version.
MAX_HTML_BYTES = 2_500_000
MAX_PAGE_BYTES = 60_000


class Page(HTMLParser):
    """The elements of a static explorer's HTML: tags with their attributes, and texts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, str]] = []  # (enclosing tag, text)
        self.open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in ("input", "img"):  # void elements
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_data(self, data):
        if self.open:
            self.texts.append((self.open[-1], data))

    def find(self, tag=None, cls=None):
        return [attrs for name, attrs in self.elements
                if (tag is None or name == tag)
                and (cls is None or cls in (attrs.get("class") or "").split())]

    def data(self) -> dict:
        """The JSON data block (the first script's text)."""
        return json.loads(next(text for tag, text in self.texts if tag == "script"))

    def controls(self) -> dict[str, dict[str, str | None]]:
        return {attrs["data-control"]: attrs for attrs in self.find(cls="static-explorer-control")}


def toy_explorer(grid=None, level=3, letter="a") -> Explorer:
    """A menu, a slider and a checkbox that are not in the grid; the title states all three."""
    letter_menu = widgets.Dropdown(options=[("letter A", "a"), ("letter B", "b")], value=letter,
                                   description="letter")
    slider = widgets.IntSlider(value=level, min=0, max=5, description="level")
    shade = widgets.Checkbox(value=False, description="shade")

    def draw():
        fig, axes = plots.new_figure(1, 1, size=1.2)
        value = slider.value + (10 if letter_menu.value == "b" else 0)
        plots.plot_image(axes[0, 0], np.array([[value, 0], [0, 5 if shade.value else 20]]),
                         title=f"{letter_menu.value} {slider.value}")
        return fig

    controls = {"letter": letter_menu, "level": slider, "shade": shade}
    view = ExplorerWidget(widgets.VBox(list(controls.values())), widgets.Output(), draw, controls)
    view.redraw_on(*controls.values())
    grid = {"letter": None, "level": [1, 3, 5]} if grid is None else grid
    return Explorer(STATIC, "toy", widget=view, grid=grid)


def live_frame(explorer: Explorer, **settings) -> bytes:
    """The frame of the live widget's view once its controls hold ``settings``.

    The figure is drawn afresh by the live view's ``draw``: matplotlib may lay out a figure
    that was already rendered (the live PNG) a pixel differently the second time.
    """
    for name, value in settings.items():
        explorer.controls[name].value = value
    return figure_to_frame(explorer.widget.draw(), explorer.frame_dpi)


def on_the_site(view: static_explorer.StaticView, element_id: str = "static-explorer-x") -> str:
    """The page version of a static view, its frames at ``frames/N.png`` (as the extension)."""
    data = view.data()
    urls = {key: f"frames/{i}.png" for i, key in enumerate(data["frames"])}
    return page_html(element_id, {**data, "frames": urls})


@pytest.fixture
def site_frames(monkeypatch):
    """A run that makes the site's outputs: static explorers draw their frames."""
    monkeypatch.setenv(config.SITE_FRAMES_VARIABLE, "1")


# --- frames ---------------------------------------------------------------------------------


def test_one_frame_per_grid_point_keyed_by_the_settings():
    view = toy_explorer().static_view()
    assert set(view.frames) == {settings_key([letter, level])
                                for letter in "ab" for level in ("1", "3", "5")}
    assert view.default == ("a", "3") and view.default_key == '["a","3"]'
    letter, level = view.controls
    assert (letter.name, letter.kind, letter.choices) == (
        "letter", "select", (("a", "letter A"), ("b", "letter B")))
    assert (level.name, level.kind, level.choices) == (
        "level", "range", (("1", "1"), ("3", "3"), ("5", "5")))


def test_frames_are_what_the_live_widget_shows_and_differ_with_the_settings():
    explorer = toy_explorer()
    view = explorer.static_view()
    assert len(set(view.frames.values())) == len(view.frames) == 6
    live = toy_explorer()
    for key, frame in view.frames.items():
        letter, level = json.loads(key)
        assert frame == live_frame(live, letter=letter, level=int(level)), key
        assert frame.startswith(b"\x89PNG")


def test_the_default_frame_is_the_live_default_view():
    explorer = toy_explorer(level=2, letter="b")
    view = explorer.static_view()
    # a fresh figure of the live view (matplotlib may lay out a figure drawn twice differently)
    assert view.frames[view.default_key] == figure_to_frame(explorer.widget.draw())
    page = Page(on_the_site(view))
    index = list(view.frames).index(view.default_key)
    assert page.find("img", "static-explorer-frame")[0]["src"] == f"frames/{index}.png"


def test_a_default_outside_the_grid_is_one_more_frame_and_slider_step():
    view = toy_explorer(level=2).static_view()
    assert len(view.frames) == 7 and '["a","2"]' in view.frames
    assert [token for token, _ in view.controls[1].choices] == ["1", "2", "3", "5"]


def test_drawing_the_frames_neither_redraws_nor_moves_the_live_widget():
    explorer = toy_explorer()
    explorer.controls["letter"].value = "b"
    explorer.controls["shade"].value = True
    figure = explorer.figure
    view = explorer.static_view()
    assert explorer.figure is figure
    assert [c.value for c in explorer.controls.values()] == ["b", 3, True]
    # every frame starts from the defaults: the shade set above shows in no frame
    assert view.frames['["b","3"]'] == live_frame(toy_explorer(), letter="b")
    explorer.controls["level"].value = 5  # the observers still redraw afterwards
    assert explorer.figure.axes[0].get_title() == "b 5"


def test_pooled_grids_one_control_at_a_time():
    grids = [{"letter": ["a"], "level": [1, 3, 5]}, {"letter": ["a", "b"], "level": [3]}]
    view = toy_explorer(grids).static_view()
    assert list(view.frames) == ['["a","3"]', '["a","1"]', '["a","5"]', '["b","3"]']


def test_a_menu_refilled_by_another_keeps_its_options_per_setting():
    country = widgets.Dropdown(options=["fr", "it"], description="country")
    city = widgets.Dropdown(options=[("Paris", 0), ("Lyon", 1)], description="city")

    def refill(change):
        city.options = ([("Paris", 0), ("Lyon", 1)] if change["new"] == "fr"
                        else [("Rome", 2), ("Turin", 3), ("Milan", 4)])

    country.observe(refill, names="value")

    def draw():
        fig, axes = plots.new_figure(1, 1, size=1.0)
        axes[0, 0].set_title(f"{country.value} {city.value}")
        return fig

    view = ExplorerWidget(widgets.VBox([country, city]), widgets.Output(), draw,
                          {"country": country, "city": city})
    explorer = Explorer(STATIC, "cities", widget=view, grid={"country": None, "city": None})
    frames = explorer.static_view()
    assert list(frames.frames) == ['["fr","0"]', '["fr","1"]', '["it","2"]', '["it","3"]',
                                   '["it","4"]']
    city_control = frames.controls[1]
    assert city_control.by_prefix == {'["fr"]': (("0", "Paris"), ("1", "Lyon")),
                                      '["it"]': (("2", "Rome"), ("3", "Turin"), ("4", "Milan"))}
    assert city_control.choices_after(["it"])[0] == ("2", "Rome")
    assert Page(on_the_site(frames)).data()["controls"][1]["by"]['["it"]'][2] == ["4", "Milan"]
    assert (country.value, [label for label, _ in city.options]) == ("fr", ["Paris", "Lyon"])


@pytest.mark.parametrize(("grid", "message"), [
    ({"colour": None}, r"'colour' is not a control with a value"),
    ({"letter": ["c"]}, r"'letter' has no option 'c'"),
    ({"level": [9]}, r"control 'level' cannot take 9 \(it holds 5\)"),
    ([{"letter": None}, {"level": [1]}], r"must name the same controls in the same order"),
])
def test_a_bad_grid_says_what_is_wrong(grid, message):
    with pytest.raises(ValueError, match=message):
        toy_explorer(grid).static_view()


def slider_explorer(values) -> Explorer:
    slider = widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.001, description="x")
    view = ExplorerWidget(widgets.VBox([slider]), widgets.Output(),
                          lambda: plots.new_figure(1, 1, size=1.0)[0], {"x": slider})
    return Explorer(STATIC, "x", widget=view, grid={"x": values})


def test_two_values_written_alike_are_refused():
    with pytest.raises(ValueError, match=r"'x' values 0.1 and 0.1000.* are both written '0.1'"):
        slider_explorer([0.1, 0.1 + 1e-13]).static_view()


@pytest.mark.parametrize(("values", "message"), [
    (np.linspace(0.0, 1.0, 121), r"more than 120 combinations; use fewer values"),
    # 120 values but not the starting 0.5 (a step of 1/119): with the default view, 121 frames
    (np.linspace(0.0, 1.0, 120), r"more than 120 combinations with the default view"),
])
def test_more_frames_than_the_budget_are_refused_before_drawing(values, message):
    explorer = slider_explorer(values)
    explorer.widget.draw = lambda: pytest.fail("no frame should be drawn")
    with pytest.raises(ValueError, match=message):
        explorer.static_view()


# --- the notebook's version: data, no script ---------------------------------------------------


def test_the_bundle_adds_the_frames_only_for_the_site(monkeypatch):
    explorer = toy_explorer()
    monkeypatch.setenv(config.SITE_FRAMES_VARIABLE, "1")
    assert "text/html" not in explorer._repr_mimebundle_(include={"image/png"})
    assert explorer._static_view is None  # nothing drawn for a bundle without HTML
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) >= {"application/vnd.jupyter.widget-view+json", "image/png", "text/html",
                           "text/plain"}
    assert base64.b64decode(bundle["image/png"]) == explorer.static_png
    assert Page(bundle["text/html"]).find("div", "static-explorer")
    monkeypatch.setenv(config.SITE_FRAMES_VARIABLE, "0")
    assert "text/html" not in toy_explorer()._repr_mimebundle_()


def test_the_notebook_holds_the_data_and_a_note_and_no_code():
    explorer = toy_explorer()
    view = explorer.static_view()
    text = view.html()
    page = Page(text)
    (root,) = page.find("div", "static-explorer")
    assert root["id"] == view.element_id and root["id"].startswith("static-explorer-")
    assert [s.get("type") for s in page.find("script")] == ["application/json"]
    assert not page.find("img") and not page.find("input") and not page.find("select")
    assert ("p", "A static copy of the interactive explorer: 6 precomputed views. Run the "
                 "notebook to explore every setting.") in page.texts
    data = page.data()
    assert data["current"] == ["a", "3"]
    assert all(frame.startswith(FRAME_URL_PREFIX) for frame in data["frames"].values())
    assert {key: base64.b64decode(frame[len(FRAME_URL_PREFIX):])
            for key, frame in data["frames"].items()} == view.frames
    assert [c["name"] for c in data["controls"]] == ["letter", "level"]
    assert data["controls"][1]["choices"] == [["1", "1"], ["3", "3"], ["5", "5"]]


def test_ids_are_deterministic_and_unique_per_display(site_frames):
    first, again = toy_explorer(), toy_explorer()
    assert first.static_view().element_id == again.static_view().element_id
    assert first.static_view().html() == again.static_view().html()
    assert toy_explorer(level=1).static_view().element_id != first.static_view().element_id
    ids = [Page(first._repr_mimebundle_()["text/html"]).find("div", "static-explorer")[0]["id"]
           for _ in range(2)]
    assert ids[0] != ids[1] and ids[1].startswith(first.static_view().element_id)
    base = "static-explorer-test-ids"
    assert [unique_element_id(base) for _ in range(3)] == [base, f"{base}-2", f"{base}-3"]


# --- the site's version: plain controls, frames by URL ------------------------------------------


def test_the_page_follows_the_dom_contract():
    view = toy_explorer().static_view()
    text = on_the_site(view, "static-explorer-mine")
    page = Page(text)
    (root,) = page.find("div", "static-explorer")
    assert root["id"] == "static-explorer-mine"
    controls = page.controls()
    assert list(controls) == ["letter", "level"]  # "shade" is not in the grid
    select, slider = page.find("select", "static-explorer-control"), controls["level"]
    assert select == [{"class": "static-explorer-control", "data-control": "letter"}]
    assert [(a["value"], "selected" in a) for a in page.find("option")] == [
        ("a", True), ("b", False)]
    assert ("option", "letter B") in page.texts
    assert (slider["type"], slider["min"], slider["max"], slider["step"], slider["value"]) == (
        "range", "0", "2", "1", "1")  # steps 1, 3, 5; the default 3 is the second
    assert ("output", "3") in page.texts  # the slider's value, next to it
    assert ("span", "level") in page.texts and ("span", "letter") in page.texts
    (image,) = page.find("img", "static-explorer-frame")
    assert image["alt"] == "Explorer view, letter: letter A, level: 3"
    assert page.data()["frames"] == {key: f"frames/{i}.png" for i, key in enumerate(view.frames)}


def test_the_page_loads_only_local_files_and_holds_no_code():
    text = on_the_site(toy_explorer().static_view())
    page = Page(text)
    assert [s.get("type") for s in page.find("script")] == ["application/json"]
    assert not page.find("link") and "data:" not in text
    assert "http" not in text and "://" not in text


def test_a_page_without_its_default_frame_is_refused():
    data = toy_explorer().static_view().data()
    del data["frames"]['["a","3"]']
    with pytest.raises(ValueError, match=r'no frame for its default view \["a","3"\]'):
        page_html("static-explorer-x", data)


def test_labels_and_names_are_escaped():
    menu = widgets.Dropdown(options=[('<b>"bold"</b>', "x&y")], description="a <menu>")
    view = ExplorerWidget(widgets.VBox([menu]), widgets.Output(),
                          lambda: plots.new_figure(1, 1, size=1.0)[0], {"m&m": menu})
    frames = Explorer(STATIC, "menu", widget=view, grid={"m&m": None}).static_view()
    for text in (frames.html(), on_the_site(frames)):
        assert "<b>" not in text and "<menu>" not in text
        assert Page(text).data()["current"] == ["x&y"]
    page = Page(on_the_site(frames))
    assert page.controls()["m&m"]["data-control"] == "m&m"
    assert page.find("option")[0]["value"] == "x&y"


# --- the explorers' own static versions ---------------------------------------------------------


def test_augmentation_grid_moves_one_slider_at_a_time():
    grids = course_widgets.augmentation_grid()
    combos = set()
    for grid in grids:
        assert grid["image"] is None
        varied = [values for name, values in grid.items() if name != "image"]
        assert sum(len(values) > 1 for values in varied) == 1
        combos.update(itertools.product(*varied))
    assert len(combos) == 15


def test_augmentation_seed_is_a_control_the_button_moves():
    image = np.zeros((8, 8, 3), dtype=np.uint8)
    image[:4, :4] = 255
    explorer = course_widgets.augmentation_explorer({"a": image}, copies=2, static_grid=[
        {"image": None, "seed": [0, 1]}])
    explorer.controls["resample"].click()
    assert explorer.controls["seed"].value == 1
    view = explorer.static_view()
    assert list(view.frames) == ['["a","0"]', '["a","1"]']  # the default (seed 0) first
    assert view.frames['["a","1"]'] == figure_to_frame(explorer.widget.draw())


def test_gradcam_class_menu_follows_the_photo():
    rng = np.random.default_rng(0)
    photos = {"noise": rng.integers(0, 256, (30, 45, 3), dtype=np.uint8),
              "dark": rng.integers(0, 60, (20, 20, 3), dtype=np.uint8)}
    explorer = course_widgets.gradcam_explorer(tiny_convnet(), photos, ["conv_b", "conv_a"],
                                               ["ant", "bee", "cow"], top=2)
    view = explorer.static_view()
    assert len(view.frames) == 2 * 2 * 2
    by_photo = view.controls[1].by_prefix
    live = course_widgets.gradcam_explorer(tiny_convnet(), photos, ["conv_b", "conv_a"],
                                           ["ant", "bee", "cow"], top=2)
    for photo in photos:
        live.controls["photo"].value = photo
        assert by_photo[settings_key([photo])] == tuple(
            (str(value), label) for label, value in live.controls["class"].options)
    first_dark_class = by_photo['["dark"]'][0][0]
    assert view.frames[settings_key(["dark", first_dark_class, "conv_a"])] == live_frame(
        live, layer="conv_a")


# --- every real explorer with its default grid, at the chapters' scale ---------------------------


def _rgb(photo, size):
    return (skimage.transform.resize(photo, (size, size)) * 255).astype(np.uint8)


def _augmentation():
    return course_widgets.augmentation_explorer({
        "cat": _rgb(skimage.data.chelsea(), 192), "astronaut": _rgb(skimage.data.astronaut(), 192)})


def _gradcam():
    from course_utils import pretrained

    model = pretrained.efficientnet_lite0(input_shape=(None, None, 3))
    photos = {"chelsea": skimage.data.chelsea(), "coffee": skimage.data.coffee(),
              "astronaut": skimage.data.astronaut(), "rocket": skimage.data.rocket(),
              "cat crop": skimage.data.chelsea()[:, 100:400],
              "coffee crop": skimage.data.coffee()[50:350, 150:450]}
    return course_widgets.gradcam_explorer(
        model, photos, ["top_activation", "block6d_add", "block5c_add"], image_size=224)


#: The explorers whose site version is frames (the live ones: tests/web/test_site_live.py).
REAL_EXPLORERS = {"augmentation": (_augmentation, 30), "gradcam": (_gradcam, 90)}


@pytest.fixture(scope="module", params=list(REAL_EXPLORERS))
def real(request):
    """A real explorer with its default grid, its static view and its page (built once)."""
    make, frames = REAL_EXPLORERS[request.param]
    explorer = make()
    return explorer, explorer.static_view(), on_the_site(explorer.static_view()), frames


def test_real_explorers_stay_within_budget(real):
    _, view, text, frames = real
    assert len(view.frames) == frames <= static_explorer.MAX_FRAMES
    assert len(view.html().encode()) <= MAX_HTML_BYTES  # the notebook
    assert len(text.encode()) <= MAX_PAGE_BYTES  # the page: its frames load on demand


def test_real_explorers_frames_differ_and_start_from_the_live_default_view(real):
    explorer, view, _, _ = real
    assert len(set(view.frames.values())) == len(view.frames)
    assert view.frames[view.default_key] == figure_to_frame(explorer.widget.draw())


def test_real_explorers_controls_follow_the_contract(real):
    explorer, view, text, _ = real
    page = Page(text)
    assert page.find("div", "static-explorer")[0]["id"] == "static-explorer-x"
    controls = page.controls()
    assert list(controls) == [control.name for control in view.controls]
    assert set(controls) <= set(explorer.controls)
    for control in view.controls:
        attrs = controls[control.name]
        if control.kind == "range":
            assert attrs["type"] == "range" and int(attrs["max"]) == len(control.choices) - 1
        else:
            assert attrs["class"] == "static-explorer-control"
    assert set(page.data()["frames"]) == set(view.frames)
    assert not re.search(r"<script(?! type=\"application/json\")", text)
