"""No launch button leads to a notebook that cannot start.

A fresh Binder, Colab or JupyterHub session has neither this book's ``course_utils`` package nor
its seeded data, so a chapter opened from such a button would fail at its first import. The book
therefore shows no launch buttons: the configuration names no provider, and no built page links
to one. (The site's repository and issue buttons stay: they open the source, not a kernel.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
PROVIDERS = ("binderhub_url", "colab_url", "jupyterhub_url", "deepnote_url", "jupyterlite_url")
#: What a launch button's link or icon looks like in a page built by sphinx-book-theme.
LAUNCH_MARKS = ("mybinder.org", "colab.research.google.com", "logo_binder", "logo_colab",
                "logo_jupyterhub", "deepnote.com", "thebe-launch-button")


def test_config_names_no_launch_provider():
    launch = yaml.safe_load((ROOT / "_config.yml").read_text()).get("launch_buttons", {})
    assert not any(launch.get(key) for key in PROVIDERS), launch
    assert not launch.get("thebe")


def test_built_pages_link_to_no_launch_provider():
    pages = sorted(SITE.glob("**/*.html"))
    if not pages:
        if os.environ.get("CI"):
            pytest.fail("CI builds the site before the tests, but _build/html has no pages")
        pytest.skip("the site is not built (make book)")
    found = [f"{page.relative_to(SITE)}: {mark}" for page in pages
             for mark in LAUNCH_MARKS if mark in page.read_text(errors="replace")]
    assert not found, found
