"""Branding through _brand.yml: logo, colour, fonts from the workspace, template overrides; brand errors."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
import subprocess

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from conftest import ROOT, edit

LETTER = ROOT / "content" / "letter-ft-kazakhstan-2017-10"
GREEN = "#0a7f3f"
MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"

BRAND = f"""\
meta:
  name: "Green Rights"
logo: brand/logo.png
color:
  palette:
    green: "{GREEN}"
  primary: green
  foreground: "#202020"
typography:
  fonts:
    - family: "Workspace Mono"
      source: file
      files:
        - path: brand/fonts/WorkspaceMono.ttf
          weight: 400
  base: "PT Serif"
  headings: "Workspace Mono"
"""


def _logo(path):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (120, 40), (10, 127, 63)).save(path)


@pytest.fixture(scope="module")
def branded(tmp_path_factory):
    """A workspace with a logo, a colour, a heading font kept in the workspace and one template
    override; the letter sample built in it once (PDF and HTML, English)."""
    if not Path(MONO).exists():
        pytest.skip("DejaVu Sans Mono (fonts-dejavu-core) is the workspace font of this test")
    folder = tmp_path_factory.mktemp("branded")
    assert CliRunner().invoke(main, ["init", str(folder), "--name", "Green Rights"]).exit_code == 0
    (folder / "_brand.yml").write_text(BRAND, encoding="utf-8")
    _logo(folder / "brand" / "logo.png")
    (folder / "brand" / "fonts").mkdir()
    shutil.copy(MONO, folder / "brand" / "fonts" / "WorkspaceMono.ttf")
    override = folder / "templates" / "partials" / "brand.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text((ROOT / "templates" / "partials" / "brand.html.j2").read_text(encoding="utf-8")
                        + '<p class="override-mark">Printed by Green Rights</p>\n', encoding="utf-8")
    brief = folder / "content" / "letter"
    shutil.copytree(LETTER, brief)
    from briefgen.editions.build import build_brief

    build_brief(brief, languages=["en"], out_dir=folder / "output", parallel=False)
    return folder, folder / "output" / "letter" / "letter.en.pdf", folder / "output" / "letter" / "letter.en.html"


def test_logo_is_on_the_title_page_and_in_the_html_header(branded):
    from pypdf import PdfReader

    _, pdf, html = branded
    images = PdfReader(pdf).pages[0].images
    assert any(image.image.size == (120, 40) for image in images), [i.image.size for i in images]
    text = html.read_text(encoding="utf-8")
    header = re.search(r'<header class="brand-logo"><img src="data:image/png;base64,[^"]+" alt="Green Rights"></header>', text)
    assert header and text.index(header[0]) < text.index("<h1")


def test_primary_colour_and_workspace_font_set_the_title(branded):
    import pdfplumber

    _, pdf, _ = branded
    with pdfplumber.open(pdf) as document:
        chars = document.pages[0].chars
    title = [c for c in chars if c["size"] > 14]
    assert title, "no title characters"
    green = tuple(round(v * 255) for v in (10 / 255, 127 / 255, 63 / 255))
    assert {tuple(round(v * 255) for v in c["non_stroking_color"]) for c in title} == {green}
    # the headings family is the workspace's own file, loaded through the door
    assert all("Workspace-Mono" in c["fontname"] for c in title), {c["fontname"] for c in title}
    # running text: the brand's foreground (a few grey lines, the publisher's, keep their own colour)
    body = [c for c in chars if "PT-Serif" in c["fontname"] and c["text"].isalpha()]
    colours = Counter(tuple(round(v * 255) for v in c["non_stroking_color"]) for c in body)
    assert colours.most_common(1)[0] == ((32, 32, 32), colours[(32, 32, 32)]) and colours[(32, 32, 32)] > 500


def test_the_html_edition_carries_the_workspace_font(branded):
    import base64

    folder, _, html = branded
    found = re.search(r'@font-face \{ font-family: "Workspace Mono"; src: url\("data:font/ttf;base64,([^"]+)"\);',
                      html.read_text(encoding="utf-8"))
    assert found and base64.b64decode(found[1]) == (folder / "brand" / "fonts" / "WorkspaceMono.ttf").read_bytes()


def test_template_override_takes_effect(branded):
    folder, pdf, html = branded
    assert '<p class="override-mark">Printed by Green Rights</p>' in html.read_text(encoding="utf-8")
    assert "Printed by Green Rights" in subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                                       text=True, check=True).stdout
    # an edit of the override makes the edition out of date
    from briefgen.editions.fingerprint import edition_fingerprint

    before = edition_fingerprint(folder / "content" / "letter", "en", "html")
    edit(folder / "templates" / "partials" / "brand.html.j2", "Printed by", "Published by")
    assert edition_fingerprint(folder / "content" / "letter", "en", "html") != before


def test_the_samples_brand_is_the_built_in_look():
    """The samples' _brand.yml sets the values the built-in stylesheets hold, so their PDFs are
    unchanged (27 pages of both editions compared as images when this was written)."""
    from briefgen.workspace.brand import Brand, load_brand
    from briefgen.workspace import find_workspace

    brand = load_brand(find_workspace(ROOT))
    css = (ROOT / "templates" / "common.css").read_text(encoding="utf-8")
    assert re.search(r"html \{ font-family: \"PT Serif\", \"Noto Serif\"[^}]*color: " + brand.foreground, css)
    assert re.search(r"h2 \{[^}]*color: " + brand.primary, css)
    assert brand.headings_stack == Brand().headings_stack and brand.base_stack == Brand().base_stack


def test_the_samples_brand_renders_the_same_pages_as_no_brand(tmp_path):
    """The letter sample built in a workspace with the samples' _brand.yml and in one without a
    brand file: the pages, rasterised, are the same pixels."""
    from briefgen.editions.build import build_brief

    pages = {}
    for name, brand in (("with", (ROOT / "_brand.yml").read_text(encoding="utf-8")), ("without", None)):
        workspace = tmp_path / name
        (workspace / "content").mkdir(parents=True)
        (workspace / "briefgen.toml").write_text("", encoding="utf-8")
        if brand:
            (workspace / "_brand.yml").write_text(brand, encoding="utf-8")
        shutil.copytree(LETTER, workspace / "content" / "letter")
        build_brief(workspace / "content" / "letter", languages=["en"], formats=("pdf",), out_dir=workspace / "output",
                    parallel=False)
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(workspace / "output" / "letter" / "letter.en.pdf"),
                        str(tmp_path / name)], check=True)
        pages[name] = [path.read_bytes() for path in sorted(tmp_path.glob(f"{name}-*.png"))]
    assert pages["with"] and pages["with"] == pages["without"]


@pytest.mark.parametrize("text, expected", [
    ("colour:\n  primary: red\n", "_brand.yml:1:1: colour: unknown key 'colour': did you mean 'color'?"),
    ("logo: ../outside.png\n", "_brand.yml:1:7: logo: the logo '../outside.png' is outside the workspace"),
    ("logo: brand/none.svg\n", "_brand.yml:1:7: logo: the logo 'brand/none.svg' does not exist"),
    ("color:\n  primary: '#12'\n", "_brand.yml:2:12: color.primary: '#12' is not a colour"),
    ("typography:\n  fonts:\n    - family: X\n      source: google\n",
     "_brand.yml:4:15: typography.fonts[0].source: fonts from 'google' would be downloaded"),
])
def test_brand_errors_are_positioned(tmp_path, text, expected):
    from briefgen.workspace.brand import load_brand
    from briefgen.errors import BriefgenError
    from briefgen.workspace import find_workspace

    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "briefgen.toml").write_text("", encoding="utf-8")
    (tmp_path / "outside.png").write_bytes(b"")
    (workspace / "_brand.yml").write_text(text, encoding="utf-8")
    with pytest.raises(BriefgenError) as error:
        load_brand(find_workspace(workspace))
    assert any(str(problem).endswith(expected.split(": ", 1)[1]) or expected in str(problem).replace(str(workspace) + "/", "")
               for problem in error.value.problems), [str(p) for p in error.value.problems]


@pytest.mark.parametrize("logo", [
    "logo: brand/logo.png",
    "logo:\n  images:\n    main: {path: brand/logo.png, alt: Green Rights}\n  small: brand/none.png\n  medium: main",
    "logo:\n  large: {light: brand/logo.png, dark: brand/none.png}",
])
def test_the_logo_forms_of_brand_yml(tmp_path, logo):
    from briefgen.workspace.brand import load_brand
    from briefgen.workspace import find_workspace

    (tmp_path / "briefgen.toml").write_text("", encoding="utf-8")
    _logo(tmp_path / "brand" / "logo.png")
    (tmp_path / "_brand.yml").write_text(logo + "\n", encoding="utf-8")
    assert load_brand(find_workspace(tmp_path)).logo == (tmp_path / "brand" / "logo.png").resolve()


def test_an_svg_logo_that_loads_a_file_is_refused(tmp_path):
    from briefgen.errors import BriefgenError
    from briefgen.editions.render import brand_context
    from briefgen.workspace import find_workspace

    (tmp_path / "briefgen.toml").write_text("", encoding="utf-8")
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                                       '<image xlink:href="file:///etc/passwd"/></svg>', encoding="utf-8")
    (tmp_path / "_brand.yml").write_text("logo: logo.svg\n", encoding="utf-8")
    with pytest.raises(BriefgenError, match="refers to 'file:///etc/passwd', which is refused"):
        brand_context(find_workspace(tmp_path))


def test_the_logo_signs_the_cover_email(tmp_path, monkeypatch):
    from briefgen.workspace import brand

    (tmp_path / "briefgen.toml").write_text("", encoding="utf-8")
    _logo(tmp_path / "logo.png")
    (tmp_path / "_brand.yml").write_text("meta:\n  name: Green Rights\nlogo: logo.png\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    logo = brand.email_logo()
    assert logo is not None and logo.subtype == "png" and logo.body == (tmp_path / "logo.png").read_bytes()
    import datetime
    from email.headerregistry import Address

    from briefgen.delivery.mail import EditionInfo, compose
    from briefgen.delivery.recipients import Recipient

    (tmp_path / "e.pdf").write_bytes(b"%PDF-1.4\n")
    edition = EditionInfo(slug="e", lang="en", path=tmp_path / "e.pdf", fingerprint="fp", title="T", short_title="T",
                          date=datetime.date(2021, 11, 1), author="A", contact_name="Jan", contact_email="jan@example.org")
    message = compose(Recipient(name="Anna", email="anna@example.org", language="en", salutation="Ms"), edition,
                      Address("Org", "advocacy", "example.org"))
    html = message.get_body(("html",)).get_content()
    related = [part for part in message.walk() if part.get("Content-ID") == f"<{logo.cid}>"]
    assert f'src="cid:{logo.cid}"' in html and 'alt="Green Rights"' in html
    assert len(related) == 1 and related[0].get_content() == logo.body
    assert message.get_body(("plain",)).get_content().startswith("Dear Ms Anna,")
    # the workspace's templates/email/ overrides the email's templates too
    (tmp_path / "templates" / "email").mkdir(parents=True)
    (tmp_path / "templates" / "email" / "logo.html.j2").write_text('<p>Signed with {{ brand_name }}</p>\n',
                                                                    encoding="utf-8")
    message = compose(Recipient(name="Anna", email="anna@example.org", language="en", salutation="Ms"), edition,
                      Address("Org", "advocacy", "example.org"))
    html = message.get_body(("html",)).get_content()
    assert "<p>Signed with Green Rights</p>" in html and "cid:" not in html


def test_the_live_preview_rebuilds_when_the_brand_changes(small_copy, tmp_path):
    import threading
    import time

    from briefgen.editions.serve import Preview

    (tmp_path / "_brand.yml").write_text('color:\n  primary: "#0a7f3f"\n', encoding="utf-8")
    state = Preview(small_copy, tmp_path / "out", lang="en")
    state.rebuild()
    page = tmp_path / "out" / "small-brief" / "small-brief.en.html"
    assert "h1.title, h2, .kind-label { color: #0a7f3f; }" in page.read_text(encoding="utf-8")
    watcher = threading.Thread(target=state.watch, daemon=True)
    watcher.start()
    try:
        time.sleep(0.3)  # let the watcher start before the file changes
        edit(tmp_path / "_brand.yml", "#0a7f3f", "#aa3300")
        deadline = time.monotonic() + 20
        while "#aa3300" not in page.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the preview did not rebuild"
            time.sleep(0.1)
    finally:
        state.stop.set()
        watcher.join(timeout=5)
