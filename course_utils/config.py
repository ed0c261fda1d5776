"""The execution profile, the site-outputs switch and random seeds.

Every notebook runs in one of two profiles, chosen by the ``COURSE_PROFILE`` environment
variable, which is read here and nowhere else:

``full`` (the default)
    The real lesson. The outputs committed with the notebooks come from this profile.
``fast``
    What CI executes: fewer epochs and smaller subsets, through exactly the same code.

Notebooks never branch on the profile; they only size things with :func:`by_profile`.

``COURSE_SITE_FRAMES`` (read here and nowhere else; ``make notebooks`` sets it to ``1``) says
that this run makes the outputs the site is built from: only then does a static explorer
(augmentation, Grad-CAM) draw its frames for every setting of its grid
(:func:`site_frames`). A reader running a chapter in JupyterLab gets the live widget without
paying for frames nobody sees.
"""

from __future__ import annotations

import os
import warnings
from typing import Literal, TypeVar

PROFILE_VARIABLE = "COURSE_PROFILE"
PROFILES = ("full", "fast")
SITE_FRAMES_VARIABLE = "COURSE_SITE_FRAMES"
DEFAULT_SEED = 42

Profile = Literal["full", "fast"]
T = TypeVar("T")

# TensorFlow's C++ start-up chatter (CPU feature notices) is noise in a notebook.
# It is read when TensorFlow is first imported, so it is set as early as possible.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Keras 3.15 warns on every `fit` with a tf.data.Dataset that its default `shuffle=True` is
# ignored; the course's datasets shuffle themselves, so the warning only adds noise.
warnings.filterwarnings("ignore", message="`shuffle=True` was passed", category=UserWarning)


def profile() -> Profile:
    """Return the execution profile named by ``$COURSE_PROFILE`` (``full`` when unset).

    Raises:
        ValueError: if the variable names a profile that does not exist.
    """
    value = os.environ.get(PROFILE_VARIABLE, "full").strip().lower() or "full"
    if value not in PROFILES:
        raise ValueError(
            f"{PROFILE_VARIABLE}={value!r} is not a profile; use one of {', '.join(PROFILES)}"
        )
    return value  # type: ignore[return-value]


def by_profile(full: T, fast: T) -> T:
    """Return ``full`` or ``fast`` according to the current profile.

    This is how a notebook sizes its work (epochs, subset sizes) without a second code path::

        epochs = config.by_profile(full=15, fast=1)
    """
    return fast if profile() == "fast" else full


def site_frames() -> bool:
    """Return whether ``$COURSE_SITE_FRAMES`` asks for the site's static-explorer frames.

    ``1``, ``true`` or ``yes`` turn it on; unset, empty, ``0``, ``false`` or ``no`` leave it off.

    Raises:
        ValueError: for any other value.
    """
    value = os.environ.get(SITE_FRAMES_VARIABLE, "").strip().lower()
    if value in ("1", "true", "yes"):
        return True
    if value in ("", "0", "false", "no"):
        return False
    raise ValueError(f"{SITE_FRAMES_VARIABLE}={value!r}: use 1 (the site's outputs) or 0")


def seed_everything(seed: int = DEFAULT_SEED) -> None:
    """Seed Python's, NumPy's and TensorFlow's random generators in one call.

    Seeding makes weight initialisation, shuffling and augmentation repeatable from one run
    to the next on the same machine. Multithreaded CPU kernels can still differ in the last
    bits, so training logs are not expected to match to the digit.

    Raises:
        TypeError: if ``seed`` is not an integer; ``ValueError``: outside ``[0, 2**32 - 1]``.
    """
    from course_utils import checks

    checks.integer("seed", seed, minimum=0, maximum=2**32 - 1)
    import keras  # imported here so that NumPy-only code never pays for TensorFlow

    keras.utils.set_random_seed(seed)  # seeds `random`, NumPy and the backend together
