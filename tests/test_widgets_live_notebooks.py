"""The committed notebooks' live explorers carry the repository's current scripts.

A live explorer's JavaScript is inlined into the notebook's output when the notebook runs
(course_utils.site.live), so a script changed since then reaches the site only once the
chapter is executed again: this test says which.
"""

import json
import re
from pathlib import Path

import pytest

from course_utils.site import live

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "chapters").glob("*.ipynb"))
SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def live_outputs(path: Path) -> list[str]:
    """The text/html outputs of a notebook that hold a live explorer."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if 'class="live-explorer"' in html:
                found.append(html)
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_inlined_scripts_are_the_repositorys(path: Path) -> None:
    for html in live_outputs(path):
        kind = re.search(r'data-kind="(\w+)"', html).group(1)
        names = [live.COMMON_SCRIPT, *live.EXTRA_SCRIPTS.get(kind, ()), kind]
        scripts = SCRIPT.findall(html)
        assert scripts[:len(names)] == [live.script(name) for name in names], (
            f"{path.name}: the {kind} script changed since the notebook ran; execute it again")
