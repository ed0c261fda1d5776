"""Chapter 2's Gabor explorer: one filter's frequency, orientation and envelope width.

Live in JupyterLab (ipywidgets) and on the site (``site/js/gabor_explorer.js``, which computes
the kernel as :func:`course_utils.gabor.gabor_kernel` and the response magnitude as
:func:`course_utils.gabor.gabor_magnitude` in the reader's browser, for any slider setting).
"""
from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from course_utils import checks, gabor, plots
from course_utils.explorers.base import Explorer, grey_image
from course_utils.site import live

#: The Gabor explorer's slider ranges: frequency (cycles/px), theta (degrees), sigma (px).
GABOR_RANGES: dict[str, tuple[float, float]] = {
    "frequency": (0.05, 0.5), "theta": (0.0, 165.0), "sigma": (1.0, 8.0)}
#: The sliders' steps: fine enough to feel continuous (the site computes any setting).
GABOR_STEPS: dict[str, float] = {"frequency": 0.01, "theta": 1.0, "sigma": 0.1}
#: The largest image side: each image is embedded in the page, its response computed there.
MAX_IMAGE_SIDE = 64


def draw_gabor_view(
    images: Mapping[str, ArrayLike], frequency: float, theta: float, sigma: float
) -> Figure:
    """Return a figure of one Gabor filter and its response magnitude on each image.

    The first column shows the kernel's real (cosine, even) and imaginary (sine, odd) parts,
    zero in mid-grey; each further row shows an image and ``|response|``, the filter's
    phase-free answer (bright where the image has stripes of this frequency and orientation).
    The title states the parameters; ``theta`` is in radians and shown in degrees.

    Raises:
        ValueError: for no images, an image that is not 2-D, or bad filter parameters.
    """
    if not checks.mapping("images", images):
        raise ValueError("draw_gabor_view needs at least one image")
    grey = {name: grey_image(name, image) for name, image in images.items()}
    filt = gabor.gabor_filter(frequency, theta, sigma)
    side = filt.kernel.shape[0]
    nrows = max(2, len(grey))
    fig, axes = plots.new_figure(nrows, 3, size=2.4)
    plots.plot_kernel(axes[0, 0], filt.kernel.real, f"real part (cosine), {side}x{side}")
    plots.plot_kernel(axes[1, 0], filt.kernel.imag, f"imaginary part (sine), {side}x{side}")
    for ax in axes[2:, 0]:
        ax.set_axis_off()
    for row, (name, image) in enumerate(grey.items()):
        magnitude = gabor.gabor_magnitude(image, filt)
        plots.plot_image(axes[row, 1], image, name)
        plots.plot_image(axes[row, 2], magnitude, f"|response|, max {magnitude.max():.3g}",
                         cmap="magma")
    for ax in axes[len(grey):, 1:].flat:
        ax.set_axis_off()
    fig.suptitle(f"Gabor filter: frequency {frequency:.2f} cycles/px "
                 f"(wavelength {1 / frequency:.1f} px), θ = {np.degrees(theta):.0f}°, "
                 f"σ = {sigma:.1f} px")
    return fig


def gabor_explorer(
    images: Mapping[str, ArrayLike],
    frequency: float = 0.2,
    theta_degrees: float = 0.0,
    sigma: float = 3.0,
) -> Explorer:
    """Return an explorer of one Gabor filter: frequency, orientation and envelope width.

    The figure is :func:`draw_gabor_view`'s for ``images`` (grey 2-D arrays by name, each at
    most :data:`MAX_IMAGE_SIDE` pixels a side, e.g. a digit and a Fashion-MNIST item). The
    controls (``explorer.controls``) are sliders over :data:`GABOR_RANGES` in
    :data:`GABOR_STEPS`: ``"frequency"`` (cycles per pixel), ``"theta"`` (degrees) and
    ``"sigma"`` (pixels). The site version is live: the same sliders, the kernel and the
    response magnitudes computed in the browser.

    Raises:
        ValueError: for no images, an image that is not 2-D or too large, or a starting value
            outside its slider's range (a slider would silently clamp it).
    """
    if not checks.mapping("images", images):
        raise ValueError("gabor_explorer needs at least one image")
    grey = {name: grey_image(name, image) for name, image in images.items()}
    for name, image in grey.items():
        checks.integer(f"the longer side of image {name!r}", max(image.shape), 1,
                       MAX_IMAGE_SIDE)
    starts = {"frequency": frequency, "theta": theta_degrees, "sigma": sigma}
    for name, value in starts.items():
        checks.number("theta_degrees" if name == "theta" else name, value, *GABOR_RANGES[name])
    style = {"description_width": "initial"}

    def slider(name: str, label: str, fmt: str) -> widgets.Widget:
        low, high = GABOR_RANGES[name]
        return widgets.FloatSlider(value=starts[name], min=low, max=high,
                                   step=GABOR_STEPS[name], description=label,
                                   readout_format=fmt, continuous_update=False, style=style)

    freq = slider("frequency", "frequency (cycles/px)", ".2f")
    angle = slider("theta", "theta (degrees)", ".0f")
    width = slider("sigma", "sigma (px)", ".1f")
    output = widgets.Output()

    def draw() -> Figure:
        return draw_gabor_view(grey, freq.value, np.radians(angle.value), width.value)

    controls = {"frequency": freq, "theta": angle, "sigma": width}
    data = {"images": [[name, live.exact_values(image)] for name, image in grey.items()],
            "ranges": {name: [*GABOR_RANGES[name], GABOR_STEPS[name]] for name in GABOR_RANGES},
            "values": starts,
            "labels": {"frequency": "frequency (cycles/px)", "theta": "theta (degrees)",
                       "sigma": "sigma (px)"},
            "luts": {name: live.colormap_lut(cmap) for name, cmap in
                     (("gray", "gray"), ("magma", "magma"), ("signed", plots.SIGNED_CMAP))}}
    explorer = Explorer(widgets.VBox([widgets.HBox([freq, angle, width]), output]),
                        output, draw, controls,
                        site_html=lambda: live.live_html("gabor_explorer", data))
    explorer.redraw_on(*controls.values())
    return explorer
