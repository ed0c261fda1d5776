"""Chapter 4's training explorer (``explorers.training_explorer``): what its notebook output
carries for the page. The page itself is checked in a browser
(``tests/web/test_site_training.py``)."""

import json
import re

import pytest

from course_utils import explorers
from course_utils.site import explorer_pages, live, training_data


def page_data(explorer) -> dict:
    html = explorer._repr_mimebundle_()["text/html"]
    found = re.search(r'<script type="application/json" class="live-explorer-data">(.*?)</script>',
                      html, re.DOTALL)
    return json.loads(found.group(1))


def test_the_output_names_the_data_script_and_the_controls_once_with_no_code():
    shown = explorers.training_explorer()
    assert shown.kind == "training_explorer" and shown.widget is None
    bundle = shown._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert "runs on the built site" in bundle["text/plain"]
    assert re.findall(r"<script[^>]*>", bundle["text/html"]) == [
        '<script type="application/json" class="live-explorer-data">']
    data = page_data(shown)
    assert data["data"] == training_data.TRAINING_DATA == "data/convnet_digits.js"
    assert data["global"] == training_data.GLOBAL_NAME
    assert data["choices"] == {"filters": [4, 8, 16], "kernelSize": [3, 5]}
    assert data["defaults"] == {"filters": 8, "kernelSize": 3, "seed": 1, "learningRate": 0.005,
                                "batchSize": 32, "epochs": 3, "digit": 0, "epsilon": 0.1}
    for name, slider in explorers.TRAINING_SLIDERS.items():
        assert data["sliders"][name] == {"label": slider.label, "range": slider.site(),
                                         "digits": slider.digits}
        low, high, _ = slider.site()
        assert low <= data["defaults"][name] <= high
    assert data["seedRange"] == [0, 2**32 - 1] and data["testDigits"] == 1000
    assert (data["box"], data["side"], data["scale"]) == (20, 28, 4)
    assert set(data["luts"]) == {"gray", "viridis", "RdBu"}
    assert len(bundle["text/html"]) < 6000  # the digits are not in the notebook


def test_the_settings_are_the_engines_and_come_back_as_given():
    data = page_data(explorers.training_explorer(filters=16, kernel_size=5, learning_rate=0.01,
                                                 batch_size=64, epochs=2, seed=7, digit=999,
                                                 epsilon=0.25))
    assert data["defaults"] == {"filters": 16, "kernelSize": 5, "seed": 7, "learningRate": 0.01,
                                "batchSize": 64, "epochs": 2, "digit": 999, "epsilon": 0.25}
    engine = (live.JS_DIR / "convnet_engine.js").read_text(encoding="utf-8")
    assert "CHOICES = {filters: [4, 8, 16], kernelSize: [3, 5]}" in engine


@pytest.mark.parametrize(("arguments", "error", "fragment"), [
    ({"filters": 6}, ValueError, "filters must be 4, 8 or 16, got 6"),
    ({"kernel_size": "3"}, TypeError, "kernel_size must be 3 or 5"),
    ({"learning_rate": 0.5}, ValueError, "learning_rate must be a number in [0.001, 0.02]"),
    ({"batch_size": 4}, ValueError, "batch_size must be an integer from 8 to 128"),
    ({"epochs": 0}, ValueError, "epochs must be an integer from 1 to 10"),
    ({"seed": 2**32}, ValueError, "seed must be an integer from 0 to 4294967295"),
    ({"seed": 1.0}, TypeError, "seed must be an integer"),
    ({"digit": -1}, ValueError, "digit must be an integer from 0 to 999"),
    ({"epsilon": "0.1"}, TypeError, "epsilon must be a number in [0, 0.3]"),
])
def test_bad_settings_are_refused_naming_the_argument(arguments, error, fragment):
    with pytest.raises(error, match=re.escape(fragment)):
        explorers.training_explorer(**arguments)


def test_a_page_with_the_explorer_loads_the_pad_the_sources_and_its_views():
    html = explorers.training_explorer()._repr_mimebundle_()["text/html"]
    assert explorer_pages.scripts_for(html) == [
        "live_common", "digit_common", "training_views", "training_explorer"]
