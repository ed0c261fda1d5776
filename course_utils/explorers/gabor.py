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
from course_utils.explorers.base import Explorer, ExplorerWidget, Slider, grey_image
from course_utils.site import live

#: The Gabor explorer's sliders: frequency (cycles/px), theta (degrees), sigma (px), in steps
#: fine enough to feel continuous (the site computes any setting).
GABOR_SLIDERS = (Slider("frequency", "frequency (cycles/px)", 0.05, 0.5, 0.01, ".2f"),
                 Slider("theta", "theta (degrees)", 0.0, 165.0, 1.0, ".0f"),
                 Slider("sigma", "sigma (px)", 1.0, 8.0, 0.1, ".1f"))
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
    controls (``explorer.controls``) are the sliders of :data:`GABOR_SLIDERS`:
    ``"frequency"`` (cycles per pixel), ``"theta"`` (degrees) and ``"sigma"`` (pixels). The
    site version is live: the same sliders, the kernel and the response magnitudes computed
    in the browser.

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
    for slider in GABOR_SLIDERS:
        slider.check(starts[slider.name], "theta_degrees" if slider.name == "theta" else None)
    freq, angle, width = (slider.widget(starts[slider.name]) for slider in GABOR_SLIDERS)
    output = widgets.Output()

    def draw() -> Figure:
        return draw_gabor_view(grey, freq.value, np.radians(angle.value), width.value)

    controls = {"frequency": freq, "theta": angle, "sigma": width}
    data = {"images": [[name, live.exact_values(image)] for name, image in grey.items()],
            "ranges": {slider.name: slider.site() for slider in GABOR_SLIDERS},
            "values": starts,
            "labels": {slider.name: slider.label for slider in GABOR_SLIDERS},
            "digits": {slider.name: slider.digits for slider in GABOR_SLIDERS},
            "luts": {name: live.colormap_lut(cmap) for name, cmap in
                     (("gray", "gray"), ("magma", "magma"), ("signed", plots.SIGNED_CMAP))}}
    view = ExplorerWidget(widgets.VBox([widgets.HBox([freq, angle, width]), output]),
                          output, draw, controls)
    view.redraw_on(*controls.values())
    text = (f"Gabor explorer: one filter's frequency, orientation and width on {len(grey)} "
            f"images ({', '.join(grey)}); live in JupyterLab and on the book's site.")
    return Explorer("gabor_explorer", text, widget=view, data=data)
