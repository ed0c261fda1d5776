"""Chapter 4's training explorer in a real browser: a seeded convnet trains in the page.

A small site is written from the explorer's notebook output (``explorers.training_explorer``),
laid out as the built book: ``<html data-content_root="./">``, the scripts installed as the
book's extension installs them (``convnet_sources.js`` included) and chapter 4's digits in
``_static/data/convnet_digits.js`` (:mod:`course_utils.site.training_data`). Headless Chromium,
the network cut off, checks that

- :data:`EPOCHS` seeded epochs (seed 1, 8 filters of 3x3, Adam 0.005, batches of 32) reach
  0.90 test accuracy in the page: the accuracy does not depend on the machine's speed. The
  main thread's long tasks (over 50 ms: ``PerformanceObserver``, ``longtask``) while it
  trains, and while the 1 MB data script loads, are written down with the speed (images/s,
  seconds to 0.90) into ``_build/ci/training_explorer.json``, never asserted to the
  millisecond on a machine that may be loaded; what is asserted is that training runs off
  the main thread: no task there lasts :data:`MAIN_THREAD_LIMIT_MS` (an epoch on the main
  thread would block it for seconds);
- with the page's trained weights loaded into Keras, Keras reads the drawn digit as the page
  does, and the share of correctly read test digits that FGSM (chapter 4's) turns wrong at
  ε 0.1 and 0.2 is the page's within :data:`FGSM_TOLERANCE`; the ε views of a test digit show a
  perturbation within ε and the probabilities before and after;
- the digits and the worker's sources (``convnet_sources.js``) load only when Start is
  pressed, and a missing data script is said inside the explorer;
- Reset with the same seed repeats the first steps exactly;
- every control works from the keyboard alone (the menus, the sliders, the seed, Start, Pause,
  Reset, the drawing pad's pen), and axe-core finds no critical or serious violation in the
  light or the dark colour mode;
- opened from disk (``file://``), the Blob worker and the data script load and training runs.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_convnet_engine import FGSM_TOLERANCE, fgsm, keras_model

from course_utils.site import engine_benchmark, training_data
from web.site_support import (
    DARK_JS,
    ROOT,
    SCREENSHOTS,
    axe_violations,
    explorer_page,
    serve,
    toc_pages,
)

EXPLORER = ".live-explorer[data-kind=training_explorer]"
#: The seeded run: epochs trained, and the attack's two steps.
EPOCHS = 3
EPSILONS = (0.1, 0.2)
#: The most milliseconds to wait for a run (CI's 2 cores are shared).
RUN_MS = 300_000
REPORT = ROOT / "_build" / "ci" / "training_explorer.json"

#: No main-thread task may last this long while the page trains (see the module docstring).
MAIN_THREAD_LIMIT_MS = 500

# Records the main thread's long tasks (over 50 ms) from now on, and when the explorer
# started training (its data-state became "training").
LONG_TASKS_JS = """root => {
  window.longTasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((entry) =>
    window.longTasks.push({start: entry.startTime, duration: entry.duration})))
    .observe({type: "longtask"});
  new MutationObserver(() => {
    if (root.getAttribute("data-state") === "training" && window.trainingFrom === undefined) {
      window.trainingFrom = performance.now();
    }
  }).observe(root, {attributes: true, attributeFilter: ["data-state"]});
}"""


@pytest.fixture(scope="module")
def training_site(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from course_utils import explorers

    site = tmp_path_factory.mktemp("training_site")
    training_data.write_training_data(site / "_static")
    body = explorers.training_explorer(epochs=EPOCHS)._repr_mimebundle_()["text/html"]
    explorer_page(site, "training", body, content_root=True)
    return site


@pytest.fixture(scope="module")
def training_url(training_site: Path) -> Iterator[str]:
    with serve(training_site) as url:
        yield url + "training.html"


def wait_state(page: Any, explorer: Any, states: tuple[str, ...], timeout: int = RUN_MS) -> str:
    page.wait_for_function("([root, states]) => states.includes(root.getAttribute('data-state'))"
                           " || root.getAttribute('data-state') === 'failed'",
                           arg=[explorer.element_handle(), list(states)], timeout=timeout)
    state = explorer.get_attribute("data-state")
    assert state in states, f"{state}: {explorer.inner_text()[:600]}"
    return state


def run_value(explorer: Any, expression: str) -> Any:
    return explorer.evaluate(f"root => {{ const run = root.liveExplorer; return {expression}; }}")


def set_slider(explorer: Any, name: str, value: float) -> None:
    explorer.locator(f"input[data-control={name}]").evaluate(
        "(input, value) => { input.value = value; input.dispatchEvent(new Event('input')); }",
        value)


def keras_share(model: Any, x: np.ndarray, labels: np.ndarray, epsilon: float) -> float:
    """Of the test digits Keras reads right, the share chapter 4's FGSM turns wrong."""
    right = model.predict(x, verbose=0, batch_size=250).argmax(axis=1) == labels
    adversarial = np.concatenate([fgsm(model, x[i:i + 250], labels[i:i + 250], epsilon)
                                  for i in range(0, len(x), 250)])
    attacked = model.predict(adversarial, verbose=0, batch_size=250).argmax(axis=1)
    return float(np.mean(attacked[right] != labels[right]))


def test_seeded_training_reaches_090_off_the_main_thread_and_fgsm_agrees_with_keras(
        training_url: str, open_page: Callable) -> None:
    page, watch = open_page(training_url)
    explorer = page.locator(EXPLORER)
    assert explorer.get_attribute("data-state") == "idle"
    on_demand = ("convnet_digits.js", "convnet_sources.js")  # not part of the first load
    assert not [url for url in watch.requests if url.endswith(on_demand)]
    explorer.evaluate(LONG_TASKS_JS)
    explorer.locator("button.live-training-start").click()  # loads the digits, then trains
    wait_state(page, explorer, ("done",))
    loading_tasks, long_tasks = page.evaluate("""() => [
      window.longTasks.filter(t => t.start < window.trainingFrom),
      window.longTasks.filter(t => t.start + t.duration > window.trainingFrom)]""")
    assert len([url for url in watch.requests if url.endswith(on_demand)]) == 2
    epochs = run_value(explorer, "run.epochs.map(e => ({epoch: e.epoch, seconds: e.seconds, "
                                 "accuracy: e.accuracy}))")
    steps = run_value(explorer, "run.steps.length")
    speed = run_value(explorer, "run.steps[run.steps.length - 1].imagesPerSecond")
    assert [e["epoch"] for e in epochs] == list(range(1, EPOCHS + 1))
    assert steps == EPOCHS * 125
    assert run_value(explorer, "run.tests.length") >= EPOCHS * 5  # test accuracy along the way
    accuracy = epochs[-1]["accuracy"]
    reached = [e["seconds"] for e in epochs if e["accuracy"] >= 0.90]
    curve = ", ".join(f"{e['accuracy']:.3f}" for e in epochs)
    print(f"training explorer: {EPOCHS} seeded epochs, test accuracy {curve}; {speed:.0f} "
          f"images/s; 0.90 after {reached[0] if reached else float('nan'):.1f} s; long tasks "
          f"{long_tasks} while training, {loading_tasks} while loading the digits")
    assert accuracy >= 0.90
    assert all(task["duration"] < MAIN_THREAD_LIMIT_MS for task in long_tasks), (
        f"training blocked the main thread: {long_tasks}")
    assert "Trained 3 epochs" in explorer.locator(".live-training-status").inner_text()
    misread = round((1 - accuracy) * 1000)  # the errors by class add up to the last epoch's
    assert explorer.locator(".live-training-errors caption").inner_text() == (
        f"test digits misread, by class (of 100 each): {misread} of 1000")

    # The ε views of a test digit, and the share of flipped test digits at two ε.
    set_slider(explorer, "digit", 7)
    shares = {}
    for epsilon in EPSILONS:
        set_slider(explorer, "epsilon", epsilon)
        page.wait_for_function("([root, text]) => root.querySelector('.live-training-fooled')"
                               ".textContent.startsWith(text)",
                               arg=[explorer.element_handle(), f"ε = {epsilon:.2f}, test digit 7"],
                               timeout=RUN_MS)
        explorer.locator("button.live-training-all").click()
        key = f"{epsilon:.2f}"
        page.wait_for_function("([root, key]) => root.liveExplorer.flips[key]",
                               arg=[explorer.element_handle(), key], timeout=RUN_MS)
        shares[epsilon] = run_value(explorer, f"run.flips['{key}']")
    fool = run_value(explorer, "({image: Array.from(run.fool.image), before: Array.from("
                               "run.fool.before), after: Array.from(run.fool.after), "
                               "label: run.fool.label})")
    assert len(fool["image"]) == 784 and abs(sum(fool["before"]) - 1) < 1e-4
    assert abs(sum(fool["after"]) - 1) < 1e-4
    assert "ε = 0.20, test digit 7" in explorer.locator(".live-training-fooled").inner_text()

    # A digit drawn with the mouse, read by the model just trained.
    pad = explorer.locator("canvas.live-digit-pad")
    box = pad.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.85, steps=8)
    page.mouse.up()
    page.wait_for_function("root => root.liveExplorer.drawn", arg=explorer.element_handle())
    drawn = run_value(explorer, "({prepared: Array.from(run.prepared), probabilities: "
                                "Array.from(run.drawn.probabilities)})")
    assert "The model you trained reads" in explorer.locator(".live-training-verdict").inner_text()

    # The page's weights in Keras: the same readings, the same share of flipped digits.
    weights = explorer.evaluate("root => root.liveExplorer.ask({type: 'weights'}).then(r => "
                                "r.weights.map(w => Array.from(w)))")
    model = keras_model(8, 3)
    model.set_weights([np.asarray(w, np.float32).reshape(v.shape)
                       for w, v in zip(weights, model.get_weights(), strict=True)])
    split = training_data.chapter4_split()
    x = (split.x_test[..., np.newaxis] / 255.0).astype("float32")
    prepared = np.asarray(drawn["prepared"], np.float32).reshape(1, 28, 28, 1)
    np.testing.assert_allclose(model.predict(prepared, verbose=0)[0], drawn["probabilities"],
                               atol=1e-4)
    digit = x[7:8]
    np.testing.assert_allclose(model.predict(digit, verbose=0)[0], fool["before"], atol=1e-4)
    np.testing.assert_allclose(fool["image"], fgsm(model, digit, split.y_test[7:8], 0.2).ravel(),
                               atol=1e-6)
    keras = {epsilon: keras_share(model, x, split.y_test, epsilon) for epsilon in EPSILONS}
    for epsilon in EPSILONS:
        print(f"FGSM ε {epsilon}: page flips {shares[epsilon]['share']:.4f} of "
              f"{shares[epsilon]['correct']}, Keras {keras[epsilon]:.4f}")
        assert abs(shares[epsilon]["share"] - keras[epsilon]) <= FGSM_TOLERANCE
    # Keras's `fit` on the same model and digits, in the same test: a ratio taken in one run.
    settings = run_value(explorer, "run.settings")
    keras_speed = engine_benchmark.keras_fit(split, settings["filters"], settings["kernelSize"],
                                             settings["learningRate"], epochs=1)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({
        "epochs": EPOCHS, "settings": settings,
        "testAccuracy": epochs, "imagesPerSecond": speed,
        "kerasImagesPerSecond": keras_speed["imagesPerSecond"],
        "secondsTo090": reached[0] if reached else None, "longTasks": long_tasks,
        "longTasksLoading": loading_tasks,
        "fgsm": {str(e): {"page": shares[e]["share"], "keras": keras[e]} for e in EPSILONS},
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, indent=1) + "\n")

    assert axe_violations(page, EXPLORER) == []
    page.set_viewport_size({"width": 320, "height": 800})  # a phone: nothing widens the page
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate(DARK_JS)
    assert axe_violations(page, EXPLORER) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    explorer.screenshot(path=SCREENSHOTS / "training-explorer-dark.png")
    assert watch.problems() == {}


def test_reset_with_the_same_seed_repeats_the_first_steps(training_url: str,
                                                          open_page: Callable) -> None:
    page, watch = open_page(training_url)
    explorer = page.locator(EXPLORER)
    losses = []
    for _ in range(2):
        if losses:
            explorer.locator("button.live-training-reset").click()
            wait_state(page, explorer, ("ready",))
            assert run_value(explorer, "run.steps.length") == 0
        explorer.locator("button.live-training-start").click()
        page.wait_for_function("root => root.liveExplorer.steps.length >= 30",
                               arg=explorer.element_handle(), timeout=RUN_MS)
        explorer.locator("button.live-training-pause").click()
        wait_state(page, explorer, ("paused",))
        losses.append(run_value(explorer, "run.steps.slice(0, 30).map(s => s.loss)"))
    assert losses[0] == losses[1]
    assert watch.problems() == {}


def test_every_control_works_from_the_keyboard(training_url: str, open_page: Callable) -> None:
    page, watch = open_page(training_url)
    explorer = page.locator(EXPLORER)
    assert axe_violations(page, EXPLORER) == []  # before Start too
    focused = "() => document.activeElement.getAttribute('data-control') || " \
              "document.activeElement.className"
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "filters"
    page.keyboard.press("ArrowUp")  # 8 -> 4
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "kernelSize"
    page.keyboard.press("ArrowDown")  # 3 -> 5
    for name, key in (("learningRate", "ArrowRight"), ("batchSize", "ArrowLeft"),
                      ("epochs", "ArrowLeft")):
        page.keyboard.press("Tab")
        assert page.evaluate(focused) == name
        page.keyboard.press(key)
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "seed"
    page.keyboard.press("Control+a")
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "live-training-start"
    page.keyboard.press("Enter")
    page.wait_for_function("root => root.liveExplorer.steps.length >= 5",
                           arg=explorer.element_handle(), timeout=RUN_MS)
    assert run_value(explorer, "run.settings") == {
        "filters": 4, "kernelSize": 5, "learningRate": 0.006, "batchSize": 24, "epochs": 2,
        "seed": 7}
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "live-training-pause"
    page.keyboard.press("Enter")
    wait_state(page, explorer, ("paused",))
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "live-training-reset"
    page.keyboard.press("Enter")
    wait_state(page, explorer, ("ready",))
    # The pad's keyboard pen draws a stroke that the model reads.
    explorer.locator("canvas.live-digit-pad").focus()
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Space")
    page.wait_for_function("root => root.liveExplorer.drawn", arg=explorer.element_handle())
    assert "reads" in explorer.locator(".live-training-verdict").inner_text()
    assert explorer.locator(".live-training-status").get_attribute("aria-live") == "polite"
    assert watch.problems() == {}


def test_a_missing_data_script_is_said_inside_the_explorer(
        training_site: Path, open_page: Callable) -> None:
    from course_utils import explorers

    folder = training_site / "no_data"  # a site of its own, without _static/data/
    explorer_page(folder, "training", explorers.training_explorer()._repr_mimebundle_()[
        "text/html"], content_root=True)
    page, _ = open_page((folder / "training.html").as_uri())
    explorer = page.locator(EXPLORER)
    explorer.locator("button.live-training-start").click()
    wait_state(page, explorer, ("failed",))
    error = explorer.locator(".live-explorer-error")
    assert error.get_attribute("role") == "alert"
    assert "could not load" in error.inner_text() and "convnet_digits.js" in error.inner_text()


def train_a_few_steps_then_pause(page, explorer) -> None:
    """Press Start, wait for 3 training steps (or a failure), press Pause, wait for the pause."""
    explorer.locator("button.live-training-start").click()
    page.wait_for_function("root => root.liveExplorer.steps.length >= 3 || "
                           "root.getAttribute('data-state') === 'failed'",
                           arg=explorer.element_handle(), timeout=RUN_MS)
    explorer.locator("button.live-training-pause").click()
    wait_state(page, explorer, ("paused",))


def test_opened_from_disk_the_worker_and_the_digits_load(training_site: Path,
                                                         open_page: Callable) -> None:
    page, watch = open_page((training_site / "training.html").as_uri())
    explorer = page.locator(EXPLORER)
    train_a_few_steps_then_pause(page, explorer)
    assert watch.problems() == {}


def test_on_the_built_site_chapter_4s_training_explorer_trains(site: Path, server: str,
                                                               open_page: Callable) -> None:
    pages = [name for name in toc_pages() if (site / f"{name}.html").is_file() and
             'data-kind="training_explorer"' in (site / f"{name}.html").read_text(errors="replace")]
    assert pages, "no page shows the training explorer (chapter 4: explorers.training_explorer)"
    assert (site / "_static" / training_data.TRAINING_DATA).is_file(), (
        "make book writes the digits (python -m course_utils.site.training_data _build/html)")
    page, watch = open_page(server + pages[0] + ".html")
    explorer = page.locator(EXPLORER)
    train_a_few_steps_then_pause(page, explorer)
    assert watch.problems() == {}, watch.problems()
