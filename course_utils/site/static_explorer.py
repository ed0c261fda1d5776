"""Static explorers: an explorer's precomputed views as one self-contained piece of HTML.

The built site has no kernel, so a live widget cannot redraw there. Instead an
:class:`course_utils.explorers.Explorer` draws its figure for every point of a small grid of
control settings, and this module turns those frames into plain HTML controls (a range input
per numeric slider, a ``<select>`` per menu) and one ``<img>`` whose ``src`` a small inline
script swaps among the frames. No library, no external file and no network: the page works
opened from disk (``file://``).

The DOM contract (tests and the site rely on it)::

    <div class="static-explorer" id="static-explorer-...">       unique, deterministic id
      ... <input type="range" class="static-explorer-control" data-control="NAME">
      ... <select class="static-explorer-control" data-control="NAME">
      <img class="static-explorer-frame" src="data:image/png;base64,...">
      <script type="application/json" class="static-explorer-data">{...}</script>
      <script>...</script>
    </div>

A range input's value is the index of a step (the grid's values in order); the label after it
shows the value itself. Moving a range (``input`` event) or changing a select (``change``
event) shows the frame of the new settings. The data block holds ``controls`` (name, label,
kind and ``choices``: ``[token, label]`` pairs), ``frames`` (base64 PNGs keyed by
:func:`settings_key` of the settings' tokens) and ``current`` (the default settings' tokens).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from matplotlib.figure import Figure
from PIL import Image

#: The resolution frames are drawn at (the live view's PNG uses 80 dpi).
FRAME_DPI = 64
#: The most frames one static explorer may hold (with :data:`FRAME_DPI`, about 2.5 MB of HTML
#: for the largest, photo-filled figures).
MAX_FRAMES = 120
#: Frames are palette PNGs with at most this many colours: a third to a half of the bytes of a
#: full-colour PNG of the same figure, with no visible change at these sizes.
FRAME_COLORS = 256

#: How a control shows in the static version: a range input or a menu.
ControlKind = Literal["range", "select"]
#: One setting of a control: its token (in frame keys and ``<option value>``) and its label.
Choice = tuple[str, str]


def figure_to_png(fig: Figure, dpi: int = 80) -> bytes:
    """Render a figure to PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def figure_to_frame(fig: Figure, dpi: int = FRAME_DPI) -> bytes:
    """Render a figure to a palette PNG (at most :data:`FRAME_COLORS` colours) for a frame."""
    with Image.open(io.BytesIO(figure_to_png(fig, dpi))) as picture:
        palette = picture.convert("RGB").quantize(FRAME_COLORS, method=Image.Quantize.FASTOCTREE)
    frame = io.BytesIO()
    palette.save(frame, format="png", optimize=True)
    return frame.getvalue()


def setting_token(value: Any) -> str:
    """Write one control value as the text that stands for it in frame keys.

    >>> [setting_token(v) for v in (3, 0.25, np.float64(0.1), True, "same")]
    ['3', '0.25', '0.1', 'True', 'same']
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return f"{float(value):.10g}"
    return str(value)


def settings_key(tokens: Sequence[str]) -> str:
    """Return the key of one combination of settings, as the page's script computes it.

    It is ``JSON.stringify`` of the list of tokens (no spaces, non-ASCII kept as it is).

    >>> settings_key(["Chelsea", "Sobel x"])
    '["Chelsea","Sobel x"]'
    """
    return json.dumps(list(tokens), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class StaticControl:
    """One control of a static explorer.

    Attributes:
        name: the control's name in ``Explorer.controls`` (the ``data-control`` attribute).
        label: the text in front of it: the live widget's description, else ``name``.
        kind: ``"range"`` (a slider over ``choices``) or ``"select"`` (a menu of them).
        choices: every setting any frame uses, as ``(token, label)`` pairs, in order.
        by_prefix: for a menu whose options depend on the controls before it (the Grad-CAM
            class menu depends on the photo), its choices by :func:`settings_key` of those
            controls' tokens; empty when the choices are always the same.
    """

    name: str
    label: str
    kind: ControlKind
    choices: tuple[Choice, ...]
    by_prefix: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)

    def choices_after(self, prefix: Sequence[str]) -> tuple[Choice, ...]:
        """The choices offered once the controls before this one hold ``prefix`` (tokens)."""
        return self.by_prefix.get(settings_key(prefix), self.choices)


@dataclass(frozen=True)
class StaticView:
    """An explorer's precomputed frames and the controls that pick among them.

    Attributes:
        controls: the static controls, in the order the settings are keyed.
        frames: palette PNGs by :func:`settings_key` of the settings' tokens.
        default: the tokens of the explorer's default settings (the first view).
    """

    controls: tuple[StaticControl, ...]
    frames: Mapping[str, bytes]
    default: tuple[str, ...]

    @property
    def default_key(self) -> str:
        """The key of the default view's frame."""
        return settings_key(self.default)

    @property
    def element_id(self) -> str:
        """A deterministic id: ``static-explorer-`` and a hash of the controls and frames."""
        digest = hashlib.sha256()
        digest.update(json.dumps(self._data(with_frames=False), sort_keys=True).encode())
        for key, frame in self.frames.items():
            digest.update(key.encode())
            digest.update(frame)
        return f"static-explorer-{digest.hexdigest()[:12]}"

    def _data(self, with_frames: bool = True) -> dict[str, Any]:
        """The JSON data block the page's script reads."""
        controls = []
        for control in self.controls:
            entry: dict[str, Any] = {"name": control.name, "label": control.label,
                                     "kind": control.kind,
                                     "choices": [list(c) for c in control.choices]}
            if control.by_prefix:
                entry["by"] = {prefix: [list(c) for c in row]
                               for prefix, row in control.by_prefix.items()}
            controls.append(entry)
        data: dict[str, Any] = {"controls": controls, "current": list(self.default)}
        if with_frames:
            data["frames"] = {key: base64.b64encode(frame).decode("ascii")
                              for key, frame in self.frames.items()}
        return data

    def html(self, element_id: str | None = None) -> str:
        """Return the static explorer as HTML (see the module docstring for its structure).

        Args:
            element_id: the outer element's id (default: :attr:`element_id`). Two explorers
                on one page need different ids.
        """
        element_id = element_id or self.element_id
        fields, words = [], []
        for i, control in enumerate(self.controls):
            row = control.choices_after(self.default[:i])
            at = [token for token, _ in row].index(self.default[i])
            words.append(f"{control.label}: {row[at][1]}")
            fields.append(_control_html(control, row, at))
        frame = base64.b64encode(self.frames[self.default_key]).decode("ascii")
        data = json.dumps(self._data(), separators=(",", ":")).replace("<", "\\u003c")
        views = len(self.frames)
        return "\n".join([
            f'<div class="static-explorer" id="{_attr(element_id)}">',
            '<div class="static-explorer-controls" style="display:flex;flex-wrap:wrap;'
            'gap:0.3em 1.5em;align-items:center;margin-bottom:0.3em">',
            *fields,
            "</div>",
            f'<img class="static-explorer-frame" src="data:image/png;base64,{frame}" '
            f'alt="{_attr("Explorer view, " + ", ".join(words))}" '
            'style="max-width:100%;height:auto">',
            '<p class="static-explorer-note" style="font-size:0.85em;opacity:0.75;'
            f'margin:0.2em 0">A static copy of the interactive explorer: {views} precomputed '
            f'view{"s" if views != 1 else ""}. Run the notebook to explore every setting.</p>',
            f'<script type="application/json" class="static-explorer-data">{data}</script>',
            f"<script>{_SCRIPT.replace('__ID__', json.dumps(element_id))}</script>",
            "</div>",
        ])


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _control_html(control: StaticControl, row: tuple[Choice, ...], at: int) -> str:
    """One labelled control, showing ``row[at]``."""
    common = f'class="static-explorer-control" data-control="{_attr(control.name)}"'
    if control.kind == "range":
        shown = row[at][1]
        widget = (f'<input type="range" {common} min="0" max="{len(row) - 1}" step="1" '
                  f'value="{at}" aria-valuetext="{_attr(shown)}"> '
                  f'<output class="static-explorer-value">{html.escape(shown)}</output>')
    else:
        options = "".join(
            f'<option value="{_attr(token)}"{" selected" if i == at else ""}>'
            f"{html.escape(label)}</option>" for i, (token, label) in enumerate(row))
        widget = f"<select {common}>{options}</select>"
    return (f'<label class="static-explorer-field" style="display:inline-flex;gap:0.4em;'
            f'align-items:center"><span>{html.escape(control.label)}</span> {widget}</label>')


_ELEMENT_IDS: Counter[str] = Counter()


def unique_element_id(base: str) -> str:
    """Return ``base`` the first time, then ``base-2``, ``base-3``... (in this process).

    The same explorer displayed twice on one page still gets two ids, and a re-run notebook
    gets the same ids as before: no randomness.
    """
    _ELEMENT_IDS[base] += 1
    count = _ELEMENT_IDS[base]
    return base if count == 1 else f"{base}-{count}"


# The page's script, ES5 and self-contained. __ID__ becomes the element id (a JSON string).
# On a change it reads the new setting, starts a dependent menu (one with `by`) after it from
# its first option, as the live menus do, and when no frame has that combination it moves
# the other controls to the nearest precomputed one that keeps the control just changed.
_SCRIPT = """
(function () {
  "use strict";
  var root = document.getElementById(__ID__);
  if (!root) { return; }
  var data = JSON.parse(root.querySelector("script.static-explorer-data").textContent);
  var controls = data.controls;
  var inputs = root.querySelectorAll(".static-explorer-control");
  var image = root.querySelector("img.static-explorer-frame");
  var tokens = data.current.slice();
  var shown = [];
  var has = function (key) { return Object.prototype.hasOwnProperty.call(data.frames, key); };
  var keys = Object.keys(data.frames).map(function (key) { return JSON.parse(key); });
  function keyOf(list) { return JSON.stringify(list); }
  function choicesOf(i) {
    var by = controls[i].by, row = by && by[keyOf(tokens.slice(0, i))];
    return row || controls[i].choices;
  }
  function find(row, token) {
    for (var k = 0; k < row.length; k++) { if (row[k][0] === token) { return k; } }
    return -1;
  }
  function snap(i) {
    var best = null, fewest = Infinity;
    keys.forEach(function (key) {
      if (key[i] !== tokens[i]) { return; }
      var differ = 0;
      for (var j = 0; j < key.length; j++) { if (key[j] !== tokens[j]) { differ++; } }
      if (differ < fewest) { best = key; fewest = differ; }
    });
    if (best) { tokens = best.slice(); }
  }
  function show() {
    var words = [];
    for (var i = 0; i < controls.length; i++) {
      var row = choicesOf(i), input = inputs[i], at = Math.max(find(row, tokens[i]), 0);
      if (input.tagName === "SELECT") {
        if (shown[i] !== row) {
          input.textContent = "";
          row.forEach(function (choice) {
            var option = document.createElement("option");
            option.value = choice[0];
            option.textContent = choice[1];
            input.appendChild(option);
          });
          shown[i] = row;
        }
        input.selectedIndex = at;
      } else {
        input.max = String(row.length - 1);
        input.value = String(at);
        input.setAttribute("aria-valuetext", row[at][1]);
        input.parentNode.querySelector("output").textContent = row[at][1];
      }
      words.push(controls[i].label + ": " + row[at][1]);
    }
    var key = keyOf(tokens);
    if (has(key)) {
      image.src = "data:image/png;base64," + data.frames[key];
      image.alt = "Explorer view, " + words.join(", ");
    }
  }
  function change(i) {
    var input = inputs[i];
    tokens[i] = input.tagName === "SELECT" ? input.value : choicesOf(i)[Number(input.value)][0];
    for (var j = i + 1; j < controls.length; j++) {
      if (controls[j].by) { tokens[j] = choicesOf(j)[0][0]; }
    }
    if (!has(keyOf(tokens))) { snap(i); }
    show();
  }
  Array.prototype.forEach.call(inputs, function (input, i) {
    input.addEventListener(input.tagName === "SELECT" ? "change" : "input",
                           function () { change(i); });
  });
  show();
})();
"""
