"""Helpers for the *Seeing with Convnets* course book.

The notebooks teach; this package holds what they would otherwise repeat: the execution
profile and seeding (:mod:`course_utils.config`), data loading that works offline
(:mod:`course_utils.data`), a NumPy reference convolution and classic kernels
(:mod:`course_utils.kernels`), figures (:mod:`course_utils.plots`), the interactive
explorers (:mod:`course_utils.explorers`) and what only the built site needs
(:mod:`course_utils.site`).

Importing the package is cheap: TensorFlow is only imported by the functions that need it.
"""

__version__ = "0.1.0"

# In IPython (a chapter's kernel), figures' outputs carry alt text (course_utils.figure_alt).
from course_utils import figure_alt as _figure_alt  # noqa: E402

_figure_alt.register()
