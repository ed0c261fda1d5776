"""The Sphinx extension that keeps CDN assets off the site (course_utils.site.offline_site)."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes

from course_utils.site import offline_site


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """The warnings the extension emits (each would fail a ``-W`` build)."""
    emitted: list[str] = []
    monkeypatch.setattr(offline_site.logger, "warning",
                        lambda message, *args, **kwargs: emitted.append(message % args))
    return emitted


def asset(filename: str | None, **attributes: str) -> SimpleNamespace:
    """A stand-in for Sphinx's script and stylesheet entries."""
    return SimpleNamespace(filename=filename, attributes=attributes)


def test_thebe_assets_leave_every_page_and_others_stay(warnings):
    config = asset(None, body='const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"')
    kept = [asset("_static/doctools.js"), asset("_static/mathjax/tex-mml-chtml.js", defer="defer")]
    context = {"script_files": [config, asset("_static/sphinx-thebe.js"), *kept],
               "css_files": [asset("_static/sphinx-thebe.css"), asset("_static/theme.css")],
               "body": "<p>text</p>"}
    offline_site.check_page(SimpleNamespace(), "intro", "page.html", context, None)
    assert context["script_files"] == kept
    assert [css.filename for css in context["css_files"]] == ["_static/theme.css"]
    assert warnings == []


def test_a_page_loading_from_another_host_is_a_warning(warnings):
    context = {"script_files": [asset("https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex.js")],
               "css_files": [asset("//fonts.example.org/font.css")],
               "body": '<img src="https://example.org/cat.png"><a href="https://example.org">'
                       'a link is fine</a><img src="../_images/local.png">'}
    offline_site.check_page(SimpleNamespace(), "chapters/05", "page.html", context, None)
    assert len(warnings) == 3
    for url in ("cdn.jsdelivr.net", "fonts.example.org", "example.org/cat.png"):
        assert any(url in warning and "chapters/05" in warning for warning in warnings)


def test_sphinx_thebe_raw_html_is_removed_from_the_doctree():
    page = nodes.section()
    page += nodes.paragraph(text="kept")
    page += nodes.raw(text='<script type="text/x-thebe-config">{}</script>', format="html")
    page += nodes.raw(text="<script>kernelName = 'python3'</script>", format="html")
    page += nodes.raw(text="<div>kept too</div>", format="html")
    offline_site.drop_thebe_nodes(SimpleNamespace(), page, "intro")
    assert [node.astext() for node in page.children] == ["kept", "<div>kept too</div>"]


def mathjax_app(tmp_path: Path, path: str) -> SimpleNamespace:
    config = SimpleNamespace(mathjax_path=path, html_static_path=["_vendor"])
    return SimpleNamespace(config=config, confdir=str(tmp_path))


def test_mathjax_must_be_a_vendored_local_copy(tmp_path, warnings):
    local = "mathjax/tex-mml-chtml.js"
    offline_site.check_mathjax(mathjax_app(tmp_path, local))
    assert len(warnings) == 1 and "make vendor" in warnings[0]  # not fetched yet

    (tmp_path / "_vendor" / "mathjax").mkdir(parents=True)
    (tmp_path / "_vendor" / local).write_text("// MathJax")
    offline_site.check_mathjax(mathjax_app(tmp_path, local))
    assert len(warnings) == 1  # fetched: no new warning

    offline_site.check_mathjax(mathjax_app(tmp_path, "https://cdn.example.org/mathjax.js"))
    assert len(warnings) == 2 and "another host" in warnings[1]
