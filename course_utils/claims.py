"""Claims the run checks: a sentence of the prose, asserted right after the output it reads.

A course book's prose says what its run shows ("the convnet beats the dense network", "the
curves climb"). A re-run on other hardware, or after a change, can make such a sentence false
while the page still prints it. So each claim that depends on the run is written once more, as
a condition, in the cell after the output it reads::

    claims.check(convnet_acc > dense_acc, "the convnet beats the dense network")

In the ``full`` profile a claim that does not hold stops the run with :class:`ClaimFailed`,
whose message quotes the sentence that broke. Some claims only hold after full-size training
(a curve that climbs over 15 epochs cannot climb over 2): those pass ``needs_full=True``, and in
the ``fast`` profile they are skipped with a visible one-line note, never silently. Cells that
check such a claim print that note in the fast profile only, so nbval must not compare their
output (tag them ``nbval-ignore-output``).
"""

from __future__ import annotations

import numpy as np

from . import config

#: The start of the line a claim skipped in the fast profile prints (tests look for it).
SKIPPED = "claim not checked in the fast profile (it needs the full-size run):"


class ClaimFailed(AssertionError):
    """A sentence of the prose that this run's outputs contradict."""


def check(condition: object, sentence: str, *, needs_full: bool = False) -> None:
    """Check that ``sentence`` (a claim of the prose) holds in this run.

    Args:
        condition: what makes the sentence true, computed from this run's outputs.
        sentence: the claim as the prose states it (quoted in the error).
        needs_full: the claim only holds after full-size training; in the ``fast`` profile it
            is not checked and a one-line note says so.

    It returns nothing, so a cell that ends with a claim shows no output (nbval would see a
    returned value even after a trailing ``;``).

    Raises:
        ClaimFailed: if the claim was checked and does not hold.
        TypeError: if ``sentence`` is not a string, ``needs_full`` not ``True`` or ``False``,
            or ``condition`` an array of several values (whose truth is ambiguous).
        ValueError: if ``sentence`` is blank.
    """
    if not isinstance(sentence, str):
        raise TypeError(f"sentence must be the claim as a non-empty string, got {sentence!r}")
    if not sentence.strip():
        raise ValueError(f"sentence must be the claim as a non-empty string, got {sentence!r}")
    if not isinstance(needs_full, bool):
        raise TypeError(f"needs_full must be True or False, got {needs_full!r}")
    if getattr(condition, "size", 1) != 1:
        raise TypeError(f"condition must be one truth value, got an array of shape "
                        f"{np.shape(condition)}; use .all() or .any()")
    if needs_full and config.profile() == "fast":
        print(f"{SKIPPED} {sentence}")
        return
    if not bool(condition):
        raise ClaimFailed(f"this sentence of the chapter no longer holds: {sentence!r}")
