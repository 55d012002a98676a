"""Script injection: whatever a YAML text or a translation holds, the HTML edition gets it as text.

Jinja autoescapes; Markdown has raw HTML off and only safe link targets;
CSS strings (the PDF's running header) are escaped. Each test parses the
output and fails on any element or attribute the payloads try to create.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from briefgen.editions.build import build_brief
from briefgen.cli import main
from briefgen.load.content import load_brief
from briefgen.editions.render import render_html
from briefgen.editions.translations import edition_status, localize

PAYLOADS = [
    "<script>alert('x1')</script>",
    '<iframe src="https://evil.example/"></iframe>',
    "<img src=x onerror=alert('x2')>",
    '"><svg onload=alert(3)>',
    "<a href=\"javascript:alert('x4')\">click</a>",
    "</style><script>alert(5)</script>",
    "{{ 7 * 7 }} {% raw %}",
]
PAYLOAD = " ".join(PAYLOADS)

#: YAML text fields of the small brief, replaced by the payloads (file, original text).
FIELDS = [
    ("brief.yaml", '"Test briefing on detentions"'),      # title
    ("brief.yaml", '"Test briefing"'),                    # short_title: the PDF's running header (CSS)
    ("brief.yaml", '"A briefing used by the test suite"'),  # subtitle
    ("brief.yaml", '"first point"'),                      # bullet
    ("brief.yaml", '"Why it matters"'),                   # label
    ("brief.yaml", '"Criticism"'),                        # table cell
    ("brief.yaml", '"A spokesman"'),                      # quote source
    ("brief.yaml", '"advocacy officer"'),                 # contact role
    ("prisoners.yaml", '"a journalist sentenced for her reporting."'),  # case profile
    ("prisoners.yaml", "Boris Beta"),                     # a name
    ("footnotes.yaml", '"An explanatory note."'),         # footnote note
    ("footnotes.yaml", '"Crackdown on critics"'),         # footnote title
]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of <style> elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def assert_inert(html: str) -> None:
    found = Elements(html)
    names = [tag for tag, _ in found.tags]
    assert not {"script", "iframe", "svg", "object", "embed"} & set(names), names
    assert names.count("style") == 1 and names.count("img") == 0
    for tag, attrs in found.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not (attrs.get(name) or "").strip().lower().startswith(("javascript:", "data:text")), (tag, attrs)
    assert "{{ 7 * 7 }}" in html  # content is never a template
    (style,) = found.styles
    assert "</" not in style and "<script" not in style


def poison(folder, payload: str = PAYLOAD) -> None:
    escaped = payload.replace("\\", "\\\\").replace('"', '\\"')
    for name, original in FIELDS:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert original in text, (name, original)
        path.write_text(text.replace(original, f'"{escaped}"', 1), encoding="utf-8")


@pytest.mark.parametrize("target", ["screen", "print"])
def test_yaml_text_cannot_inject_markup(small_copy, target):
    poison(small_copy)
    brief = load_brief(small_copy)
    status = edition_status(brief, "en")
    html = render_html(localize(brief, "en", status), "en", status, target, ["en", "ru"])
    assert_inert(html)
    assert "&lt;script&gt;alert(&#x27;x1&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;alert('x1')&lt;/script&gt;" in html


def test_translations_cannot_inject_markup(small_copy, tmp_path):
    po = small_copy / "translations" / "ru.po"
    text = po.read_text(encoding="utf-8")
    escaped = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')
    for original in ('msgstr "первый пункт"', 'msgstr "Почему это важно"'):
        assert original in text, original
        text = text.replace(original, f'msgstr "{escaped}"')
    po.write_text(text, encoding="utf-8")
    build_brief(small_copy, languages=["ru"], formats=("html",), out_dir=tmp_path)
    html = (tmp_path / "small-brief" / "small-brief.ru.html").read_text(encoding="utf-8")
    assert_inert(html)
    assert "alert(5)" in html


@pytest.mark.parametrize("text", [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "<javascript:alert(1)>",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
])
def test_script_links_are_refused(small_copy, text):
    brief = small_copy / "brief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace('"first point"', f'"{text}"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(small_copy)])
    assert result.exit_code == 1 and "is not allowed: links lead to https:// addresses" in result.output, result.output
    assert "brief.yaml:25:" in result.output


def test_a_script_link_that_slips_through_stays_text():
    from briefgen.load import markup

    class Context:
        def footnote_call(self, footnote_id):
            return ""

        def placeholder(self, name):
            return ""

    for text in ("[click](javascript:alert(1))", "![x](https://evil.example/t.png)", "<img src=x onerror=alert(1)>"):
        assert "<a" not in markup.render(text, Context()) and "<img" not in markup.render(text, Context())
