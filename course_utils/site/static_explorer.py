"""Static explorers: an explorer's precomputed frames, as notebook data and as a page.

The built site has no kernel, so an explorer that needs one (a model) cannot redraw there.
Instead :mod:`course_utils.site.frames` draws its widget's figure for every point of a small
grid of settings (a :class:`StaticView`), which this module writes twice:

- in the notebook (:meth:`StaticView.html`), data and no script::

    <div class="static-explorer" id="static-explorer-...">      unique, deterministic id
      <p class="static-explorer-note">A static copy of the interactive explorer: ...</p>
      <script type="application/json" class="static-explorer-data">{...}</script>
    </div>

  The data holds ``controls`` (name, label, kind and ``choices``: ``[token, label]`` pairs;
  ``by``: for a menu whose options depend on the controls before it, its choices by
  :func:`settings_key` of those controls' tokens), ``current`` (the default settings' tokens)
  and ``frames``: each frame as a ``data:`` URL of its PNG, keyed by :func:`settings_key` of
  its settings' tokens.
- on the site (:func:`page_html`, called by the book's Sphinx extension
  :mod:`course_utils.site.explorer_pages` once it has written each frame to a file of its
  own): plain HTML controls and one ``<img>`` showing the default frame (``loading="lazy"``:
  fetched once the reader scrolls near it); ``frames`` then maps
  each key to its file's URL, and :data:`SCRIPT` (``js/static_frames.js``, added to the page
  by the extension) swaps the image's ``src`` when a control moves. A frame loads only when a
  reader asks for it, and a ``src`` swap works from ``file://`` too.

The page's DOM contract (tests rely on it)::

    <div class="static-explorer" id="static-explorer-...">
      ... <input type="range" class="static-explorer-control" data-control="NAME">
      ... <select class="static-explorer-control" data-control="NAME">
      <img class="static-explorer-frame" src="URL of the default frame" loading="lazy">
      <p class="static-explorer-note">...</p>
      <script type="application/json" class="static-explorer-data">{...}</script>
    </div>

A range input's value is the index of a step (the grid's values in order); the label after it
shows the value itself. Moving a range (``input`` event) or changing a select (``change``
event) shows the frame of the new settings; once the script has started an explorer, its
element has ``data-ready="true"``.
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
#: The most frames one static explorer may hold (with :data:`FRAME_DPI`, about 2.5 MB in the
#: notebook for the largest, photo-filled figures; the site loads each one on demand).
MAX_FRAMES = 120
#: The script of the site's static explorers (``js/static_frames.js``).
SCRIPT = "static_frames"
#: How the notebook writes a frame: a ``data:`` URL (the site's extension makes it a file).
FRAME_URL_PREFIX = "data:image/png;base64,"
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
        digest.update(json.dumps(self._controls_data(), sort_keys=True).encode())
        for key, frame in self.frames.items():
            digest.update(key.encode())
            digest.update(frame)
        return f"static-explorer-{digest.hexdigest()[:12]}"

    def data(self) -> dict[str, Any]:
        """The data the notebook carries: controls, default settings and frames (``data:``)."""
        return {**self._controls_data(), "frames": {
            key: FRAME_URL_PREFIX + base64.b64encode(frame).decode("ascii")
            for key, frame in self.frames.items()}}

    def _controls_data(self) -> dict[str, Any]:
        controls = []
        for control in self.controls:
            entry: dict[str, Any] = {"name": control.name, "label": control.label,
                                     "kind": control.kind,
                                     "choices": [list(c) for c in control.choices]}
            if control.by_prefix:
                entry["by"] = {prefix: [list(c) for c in row]
                               for prefix, row in control.by_prefix.items()}
            controls.append(entry)
        return {"controls": controls, "current": list(self.default)}

    def html(self, element_id: str | None = None) -> str:
        """Return the notebook's version: the data and a one-line note, no script.

        Args:
            element_id: the outer element's id (default: :attr:`element_id`). Two explorers
                on one page need different ids.
        """
        element_id = element_id or self.element_id
        return "\n".join([
            f'<div class="static-explorer" id="{_attr(element_id)}">',
            _note(len(self.frames)),
            _data_block(self.data()),
            "</div>",
        ])


def _note(views: int) -> str:
    return ('<p class="static-explorer-note" style="font-size:0.85em;opacity:0.75;'
            f'margin:0.2em 0">A static copy of the interactive explorer: {views} precomputed '
            f'view{"s" if views != 1 else ""}. Run the notebook to explore every setting.</p>')


def _data_block(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" class="static-explorer-data">{text}</script>'


def _choices_after(control: Mapping[str, Any], prefix: Sequence[str]) -> list[list[str]]:
    """A control's choices once the controls before it hold ``prefix`` (tokens)."""
    return control.get("by", {}).get(settings_key(prefix), control["choices"])


def page_html(element_id: str, data: Mapping[str, Any]) -> str:
    """Return the site's version of a static explorer (see the module docstring).

    Args:
        element_id: the outer element's id (the notebook's).
        data: the notebook's data (:meth:`StaticView.data`), its ``frames`` now the URLs the
            page loads them from (relative to the page).

    Raises:
        ValueError: for data without the default settings' frame.
    """
    controls, current = data["controls"], data["current"]
    key = settings_key(current)
    if key not in data["frames"]:
        raise ValueError(f"static explorer {element_id}: no frame for its default view {key}")
    fields, words = [], []
    for i, control in enumerate(controls):
        row = _choices_after(control, current[:i])
        at = [token for token, _ in row].index(current[i])
        words.append(f"{control['label']}: {row[at][1]}")
        fields.append(_control_html(control, row, at))
    return "\n".join([
        f'<div class="static-explorer" id="{_attr(element_id)}">',
        '<div class="static-explorer-controls" style="display:flex;flex-wrap:wrap;'
        'gap:0.3em 1.5em;align-items:center;margin-bottom:0.3em">',
        *fields,
        "</div>",
        f'<img class="static-explorer-frame" src="{_attr(data["frames"][key])}" '
        f'alt="{_attr("Explorer view, " + ", ".join(words))}" loading="lazy" '
        'style="max-width:100%;height:auto">',
        _note(len(data["frames"])),
        _data_block(data),
        "</div>",
    ])


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


def _control_html(control: Mapping[str, Any], row: Sequence[Sequence[str]], at: int) -> str:
    """One labelled control, showing ``row[at]``."""
    common = f'class="static-explorer-control" data-control="{_attr(control["name"])}"'
    if control["kind"] == "range":
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
            f'align-items:center"><span>{html.escape(control["label"])}</span> {widget}</label>')


_ELEMENT_IDS: Counter[str] = Counter()


def unique_element_id(base: str) -> str:
    """Return ``base`` the first time, then ``base-2``, ``base-3``... (in this process).

    The same explorer displayed twice on one page still gets two ids, and a re-run notebook
    gets the same ids as before: no randomness.
    """
    _ELEMENT_IDS[base] += 1
    count = _ELEMENT_IDS[base]
    return base if count == 1 else f"{base}-{count}"
