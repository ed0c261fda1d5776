"""A static explorer's frames: its widget's figure drawn for every point of a grid of settings.

The built site has no kernel, so an explorer that needs one (a model: augmentation, Grad-CAM)
shows there precomputed frames instead (:mod:`course_utils.site.static_explorer`). They are
drawn by the JupyterLab widget itself (:class:`course_utils.explorers.base.ExplorerWidget`),
only when the site needs them (:func:`course_utils.config.site_frames`, in the run that makes
the committed outputs): for each point of the grid the real controls are set as a reader would
set them, their observers run as they do live (a preset fills the kernel grid, a photo refills
the class menu), and the widget's own ``draw`` makes the figure.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from traitlets import TraitError

from course_utils.site import static_explorer
from course_utils.site.static_explorer import (
    MAX_FRAMES,
    Choice,
    StaticControl,
    StaticView,
    setting_token,
    settings_key,
)

if TYPE_CHECKING:
    import ipywidgets as widgets

    from course_utils.explorers.base import ExplorerWidget, StaticGrid


def draw_frames(widget: ExplorerWidget, grid: StaticGrid | Sequence[StaticGrid],
                dpi: int = static_explorer.FRAME_DPI) -> StaticView:
    """Return the frames of ``widget`` over ``grid``, and the controls that pick among them.

    For each combination of ``grid`` the controls are set as a reader would set them from the
    explorer's first view: every control back at its starting value, then the combination's
    settings in the grid's order. The figure shown live is not redrawn meanwhile, and every
    control is put back as it was (edited kernel weights included).

    Args:
        widget: the explorer's live widget.
        grid: one grid (control name → values, or ``None`` for every value the control offers
            at that point), or a list of grids naming the same controls in the same order,
            whose frames are pooled. Controls are keyed in the grid's order; the default view is
            always a frame.
        dpi: the frames' resolution.

    Raises:
        ValueError: for a grid naming an unknown control or one without a value, a value a
            control does not take, two values written alike, or more than :data:`MAX_FRAMES`
            combinations (refused before any frame is drawn).
    """
    grids = _grids(grid)
    with widget.held():
        return _draw(widget, grids, dpi)


def _grids(grid: StaticGrid | Sequence[StaticGrid]) -> list[StaticGrid]:
    """``grid`` as a list of grids, checked to name the same controls in one order."""
    grids = [grid] if isinstance(grid, Mapping) else list(grid)
    if not grids:
        raise ValueError("static grid: give at least one grid")
    for other in grids[1:]:
        if list(other) != list(grids[0]):
            raise ValueError(f"static grids must name the same controls in the same order: "
                             f"{list(grids[0])} and {list(other)}")
    return grids


def _settle(widget: ExplorerWidget, settings: Mapping[str, Any]) -> None:
    """Put the controls at their defaults, then at ``settings`` (in order)."""
    for name, value in [*widget.defaults.items(), *settings.items()]:
        control = widget.controls[name]
        try:
            control.value = value
        except TraitError as err:
            raise ValueError(f"control {name!r} cannot take {value!r}: {err}") from err
        if control.value != value:
            raise ValueError(
                f"control {name!r} cannot take {value!r} (it holds {control.value!r})")


def _draw(widget: ExplorerWidget, grids: list[StaticGrid], dpi: int) -> StaticView:
    names = list(grids[0])
    for name in names:
        if name not in widget.defaults:
            raise ValueError(f"static grid: {name!r} is not a control with a value; "
                             f"controls: {list(widget.defaults)}")
    combinations: dict[str, list[Any]] = {}
    choices: dict[str, dict[str, tuple[Any, str]]] = {name: {} for name in names}
    by_prefix: dict[str, dict[str, tuple[Choice, ...]]] = {name: {} for name in names}

    def visit(grid: StaticGrid, values: list[Any], tokens: list[str]) -> None:
        if len(values) == len(names):
            combinations.setdefault(settings_key(tokens), values)
            if len(combinations) > MAX_FRAMES:
                raise ValueError(f"static grid: more than {MAX_FRAMES} combinations; "
                                 "use fewer values")
            return
        name = names[len(values)]
        _settle(widget, dict(zip(names, values, strict=False)))
        control = widget.controls[name]
        offered = grid[name] is None
        pairs = (_offered_values(control) if offered
                 else [(v, _value_label(control, v)) for v in grid[name]])
        row = []
        for value, label in pairs:
            token = setting_token(value)
            seen = choices[name].setdefault(token, (value, label))
            if seen[0] != value:
                raise ValueError(f"static grid: {name!r} values {seen[0]!r} and {value!r} "
                                 f"are both written {token!r}")
            row.append((token, label))
        if offered:
            by_prefix[name][settings_key(tokens)] = tuple(row)
        for (value, _), (token, _) in zip(pairs, row, strict=True):
            visit(grid, [*values, value], [*tokens, token])

    for grid in grids:
        visit(grid, [], [])
    default = [widget.defaults[name] for name in names]
    default_tokens = tuple(setting_token(v) for v in default)
    _settle(widget, {})
    for name, value, token in zip(names, default, default_tokens, strict=True):
        choices[name].setdefault(token, (value, _value_label(widget.controls[name], value)))
    combinations = {settings_key(default_tokens): default, **combinations}
    if len(combinations) > MAX_FRAMES:
        raise ValueError(f"static grid: more than {MAX_FRAMES} combinations with the default "
                         "view; use fewer values")

    frames = {}
    for key, values in combinations.items():
        _settle(widget, dict(zip(names, values, strict=True)))
        frames[key] = static_explorer.figure_to_frame(widget.draw(), dpi)
    controls = []
    for name in names:
        control = widget.controls[name]
        kind = _kind(control)
        seen = list(choices[name].items())
        if kind == "range":
            seen.sort(key=lambda item: item[1][0])
        rows = set(by_prefix[name].values())
        controls.append(StaticControl(
            name, getattr(control, "description", "") or name, kind,
            tuple((token, label) for token, (_, label) in seen),
            by_prefix[name] if len(rows) > 1 else {}))
    return StaticView(tuple(controls), frames, default_tokens)


def _kind(control: widgets.ValueWidget) -> static_explorer.ControlKind:
    """A numeric slider or number box becomes a range input; anything else a menu."""
    value = control.value
    numeric = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    return "range" if numeric and not hasattr(control, "options") else "select"


def _options(control: widgets.ValueWidget) -> list[tuple[Any, str]]:
    """A menu's options as ``(value, label)`` pairs."""
    pairs = []
    for option in control.options:
        label, value = option if isinstance(option, tuple) else (option, option)
        pairs.append((value, str(label)))
    return pairs


def _value_label(control: widgets.ValueWidget, value: Any) -> str:
    """The text a control shows for ``value``: a menu's label, a slider's readout."""
    if hasattr(control, "options"):
        for option, label in _options(control):
            if option == value:
                return label
        raise ValueError(f"{control.description or 'menu'!r} has no option {value!r}")
    readout = getattr(control, "readout_format", None)
    if readout:
        try:
            return format(value, readout)
        except (TypeError, ValueError):
            pass
    return str(value)


def _offered_values(control: widgets.ValueWidget) -> list[tuple[Any, str]]:
    """Every value a control offers, labelled: a menu's options, a slider's steps."""
    if hasattr(control, "options"):
        return _options(control)
    if isinstance(control.value, bool):
        return [(False, "off"), (True, "on")]
    if all(hasattr(control, trait) for trait in ("min", "max", "step")):
        count = int(round((control.max - control.min) / control.step)) + 1
        values = [control.min + i * control.step for i in range(count)]
        if isinstance(control.value, int):
            values = [int(v) for v in values]
        return [(v, _value_label(control, v)) for v in values]
    raise ValueError(f"static grid: list the values of {control.description or 'a control'!r}")
