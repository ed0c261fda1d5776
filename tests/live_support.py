"""Reading back what a live site explorer embeds (``course_utils.site.live``), for the tests."""

import json
import re
from typing import Any

DATA = re.compile(r'<script type="application/json" class="live-explorer-data">(.*?)</script>',
                  re.S)


def embedded_data(output: Any) -> dict[str, Any]:
    """The JSON data a live explorer's HTML output embeds for the page's script."""
    return json.loads(DATA.search(output._repr_mimebundle_()["text/html"]).group(1))
