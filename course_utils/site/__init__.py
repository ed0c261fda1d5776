"""What only the built site needs: the explorers' site versions and scripts, the Sphinx
extensions (:mod:`.offline_site`, :mod:`.explorer_pages`), the models the site's explorers load
(:mod:`.models`) and the results page (:mod:`.report`).

- :mod:`.live`: the live explorers' data for the page (their scripts are ``js/*.js``);
- :mod:`.frames`: a static explorer's frames, drawn by its widget over a grid of settings;
- :mod:`.static_explorer`: those frames as notebook data, and as a page of plain controls;
- :mod:`.explorer_pages`: the extension that adds the scripts to the pages that show explorers
  and writes static explorers' frames to files.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path


def static_folder(argv: Sequence[str] | None, description: str) -> Path:
    """Read a build step's command line, ``SITE``, and return the built site's ``_static/``.

    The steps that ``make book`` runs after jupyter-book (the models, the training digits) take
    the built site as their one argument; a folder that is not a built site exits with usage.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("site", type=Path, help="the built site, e.g. _build/html")
    args = parser.parse_args(argv)
    if not (args.site / "_static").is_dir():
        parser.error(f"{args.site} is not a built site (no _static/): run jupyter-book first")
    return args.site / "_static"
