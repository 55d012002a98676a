"""The one door: content cannot pull local files or network resources into an edition.

Each attack fails the test if the secret (a line of /etc/passwd) reaches an
output, or if the loopback server sees a request it should not.
"""

from __future__ import annotations

import io
import os

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from briefgen.cli import main
from briefgen.editions.door import Door, ResourceRefused
from briefgen.errors import BriefgenError
from briefgen.editions.pdf import html_to_pdf
from conftest import pdf_text

SECRET = "root:x:0:0"
PASSWD = "/etc/passwd"


def png(width=40, height=20) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def with_block(folder, block: str) -> int:
    """Insert ``block`` (YAML lines at block indentation) before the bullets; return its first line."""
    brief = folder / "brief.yaml"
    text = brief.read_text(encoding="utf-8")
    marker = "      - bullets:\n"
    line = text[:text.index(marker)].count("\n") + 1
    brief.write_text(text.replace(marker, block + marker, 1), encoding="utf-8")
    return line


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_refused(result, out, line: int, *words: str):
    """Exit 1, a problem at brief.yaml:line naming why, nothing written, no secret shown."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    problems = [text for text in result.output.splitlines() if f"brief.yaml:{line}:" in text]
    assert problems, result.output
    assert all(word in problems[0] for word in words), problems[0]
    assert SECRET not in result.output
    assert not out.exists() or not any(out.rglob("*"))


# ------------------------------------------------------------- image blocks


@pytest.mark.parametrize("reference", [PASSWD, "file:///etc/passwd", "../../../../../../../../etc/passwd",
                                       "%2e%2e/%2e%2e/etc/passwd", "data:text/plain,hello"])
def test_image_blocks_cannot_name_files_outside_the_brief(small_copy, tmp_path, reference):
    line = with_block(small_copy, f'      - image: "{reference}"\n        alt: "map"\n')
    out = tmp_path / "out"
    result = run("build", small_copy, "--out", out)
    assert_refused(result, out, line)
    assert "refused" in result.output or "outside the brief folder" in result.output or "not found" in result.output


def test_a_symbolic_link_out_of_the_brief_is_refused(small_copy, tmp_path):
    os.symlink(PASSWD, small_copy / "map.png")
    line = with_block(small_copy, '      - image: map.png\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, "outside the brief folder")


def test_an_image_block_must_hold_an_image(small_copy, tmp_path):
    (small_copy / "map.png").write_text("root:x:0:0:root:/root:/bin/bash\n")
    line = with_block(small_copy, '      - image: map.png\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, "not a PNG, JPEG, GIF, WebP or SVG image")


def test_huge_images_are_refused(small_copy, tmp_path):
    buffer = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buffer, "PNG")  # 48 megapixels, a few KiB on disk
    (small_copy / "map.png").write_bytes(buffer.getvalue())
    line = with_block(small_copy, '      - image: map.png\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, "8000×6000 pixels")


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
       '{}<rect width="40" height="20" fill="red"/></svg>')


@pytest.mark.parametrize("inside", [
    '<image width="40" height="20" xlink:href="file:///etc/passwd"/>',
    '<image width="40" height="20" href="../../../../../../etc/passwd"/>',
    '<rect width="4" height="4" style="fill: url(/etc/passwd)"/>',
    '<style>@import "/etc/passwd";</style>',
    '<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="/etc/passwd"/></foreignObject>',
])
def test_an_svg_image_cannot_pull_in_files(small_copy, tmp_path, inside):
    (small_copy / "map.svg").write_text(SVG.format(inside))
    line = with_block(small_copy, '      - image: map.svg\n        alt: "map"\n')
    out = tmp_path / "out"
    result = run("build", small_copy, "--out", out, "--format", "pdf", "--lang", "en")
    assert_refused(result, out, line, "map.svg", "not allowed" if "foreign" in inside else "refused")


def test_svg_entities_are_refused(small_copy, tmp_path):
    (small_copy / "map.svg").write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                                        + SVG.format("<text>&x;</text>"))
    line = with_block(small_copy, '      - image: map.svg\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, "entities")


@pytest.mark.allow_logs  # WeasyPrint logs the SVG it could not draw
def test_the_pdf_fetcher_refuses_what_an_svg_asks_for(small_copy, tmp_path):
    (small_copy / "map.svg").write_text(SVG.format('<image width="40" height="20" href="file:///etc/passwd"/>'))
    data = html_to_pdf('<p>before</p><img src="map.svg"><p>after</p>', small_copy, [small_copy])
    (tmp_path / "out.pdf").write_bytes(data)
    assert SECRET not in pdf_text(tmp_path / "out.pdf") and SECRET.encode() not in data
    assert "after" in pdf_text(tmp_path / "out.pdf")


def test_a_plain_svg_image_is_fine(small_copy, tmp_path):
    (small_copy / "map.svg").write_text(SVG.format('<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/>'))
    with_block(small_copy, '      - image: map.svg\n        alt: "map"\n')
    result = run("build", small_copy, "--out", tmp_path / "out", "--lang", "en")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------- text


@pytest.mark.parametrize("text, words", [
    (f"See ![the map]({PASSWD}).", ("images in text are not allowed",)),
    ("See ![the map](https://example.org/map.png).", ("images in text are not allowed",)),
    ("See [the file](file:///etc/passwd).", ("link to 'file:///etc/passwd' is not allowed",)),
    ("See [the file](../../../../etc/passwd).", ("is not allowed",)),
    ("See <file:///etc/passwd>.", ("is not allowed",)),
    ("See [this](data:text/html;base64,PHNjcmlwdD4=).", ("is not allowed",)),
])
def test_text_cannot_load_or_link_files(small_copy, tmp_path, text, words):
    line = with_block(small_copy, f'      - "{text}"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, *words)
    result = run("check", small_copy)
    assert result.exit_code == 1 and f"brief.yaml:{line}:" in result.output


def test_a_translation_cannot_add_an_image(small_copy, tmp_path):
    po = small_copy / "translations" / "ru.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "первый пункт"' in text
    po.write_text(text.replace('msgstr "первый пункт"', f'msgstr "первый пункт ![x]({PASSWD})"'), encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", small_copy, "--out", out)
    assert result.exit_code == 1 and "ru.po:" in result.output and "images differ from the source" in result.output
    assert not out.exists() or not any(out.rglob("*"))


# ------------------------------------------------------------- the fetcher itself


@pytest.mark.parametrize("html", [
    f'<img src="{PASSWD}">',
    '<img src="../../../../../../../etc/passwd">',
    f'<style>p {{ background: url("{PASSWD}") }}</style><p>x</p>',
    f'<style>@import url("file://{PASSWD}");</style><p>x</p>',
    f'<style>@font-face {{ font-family: x; src: url("{PASSWD}") }} p {{ font-family: x }}</style><p>x</p>',
    f'<p><a rel="attachment" href="{PASSWD}">attached</a></p>',
    f'<link rel="attachment" href="file://{PASSWD}"><p>x</p>',
    f'<link rel="stylesheet" href="{PASSWD}"><p>x</p>',
])
def test_the_pdf_fetcher_refuses_everything_outside_the_brief(small_copy, html):
    with pytest.raises(BriefgenError) as caught:
        html_to_pdf(html, small_copy, [small_copy])
    assert "refused" in str(caught.value) and SECRET not in str(caught.value)


def test_the_door_serves_only_the_brief_and_images(small_copy):
    door = Door([small_copy])
    assert door.open((small_copy / "brief.yaml").as_uri()).body.startswith(b"#")
    assert door.open("data:image/png;base64,iVBORw0KGgo=").media_type == "image/png"
    for url in (PASSWD, "file:///etc/passwd", (small_copy / ".." / ".." / "etc" / "passwd").as_posix(),
                "data:text/html,<script>x</script>", "ftp://127.0.0.1/x", "javascript:alert(1)", "http://127.0.0.1:1/x"):
        with pytest.raises(ResourceRefused):
            door.open(url)


# ------------------------------------------------------------- network


def test_remote_images_need_allow_remote_and_nothing_is_requested(small_copy, tmp_path, loopback):
    loopback.routes["/map.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    line = with_block(small_copy, f'      - image: "{loopback.url("/map.png")}"\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, "--allow-remote")
    assert run("check", small_copy).exit_code == 1
    assert loopback.requests == []


def test_allow_remote_downloads_the_images_of_image_blocks(small_copy, tmp_path, loopback):
    loopback.routes["/map.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    with_block(small_copy, f'      - image: "{loopback.url("/map.png")}"\n        alt: "A red map"\n')
    out = tmp_path / "out"
    assert run("check", "--allow-remote", small_copy).exit_code == 0
    result = run("build", small_copy, "--out", out, "--allow-remote", "--lang", "en")
    assert result.exit_code == 0, result.output
    html = (out / "small-brief" / "small-brief.en.html").read_text(encoding="utf-8")
    assert '<img src="data:image/png;base64,' in html and "127.0.0.1" not in html
    reader = PdfReader(out / "small-brief" / "small-brief.en.pdf")
    assert [image.image.size for image in reader.pages[0].images] == [(40, 20)]
    assert loopback.requests == ["/map.png"]  # fetched once for both editions


@pytest.mark.parametrize("route, words", [
    ((200, {"Content-Type": "text/html"}, b"<html>root:x:0:0</html>", 0), "not a PNG"),
    ((200, {"Content-Type": "image/png"}, b"root:x:0:0:root", 0), "not a PNG"),
    ((302, {"Location": "file:///etc/passwd"}, b"", 0), "redirects are not followed"),
    ((200, {"Content-Type": "image/png"}, png() + b"\0" * (2 * 1024 * 1024), 0), "KiB allowed"),
    ((200, {"Content-Type": "image/png"}, png(), 2), "timed out"),
])
def test_remote_images_have_limits(small_copy, loopback, route, words):
    loopback.routes["/map.png"] = route
    door = Door([small_copy], {loopback.url("/map.png")}, timeout=0.5, max_bytes=1024 * 1024)
    with pytest.raises(ResourceRefused) as caught:
        door.image(loopback.url("/map.png"), small_copy)
    assert words in str(caught.value) or (words == "timed out" and "took more than" in str(caught.value))
    assert SECRET not in str(caught.value)
    assert loopback.requests == ["/map.png"]


def test_allow_remote_opens_nothing_but_image_blocks(small_copy, loopback):
    loopback.routes["/x.css"] = (200, {"Content-Type": "text/css"}, b"p { color: red }", 0)
    loopback.routes["/map.png"] = (200, {"Content-Type": "image/png"}, png(), 0)
    door = Door([small_copy], {loopback.url("/map.png")})
    for html in (f'<link rel="stylesheet" href="{loopback.url("/x.css")}"><p>x</p>',
                 f'<style>p {{ background: url("{loopback.url("/x.css")}") }}</style><p>x</p>',
                 f'<img src="{loopback.url("/other.png")}">'):
        with pytest.raises(BriefgenError):
            html_to_pdf(html, small_copy, [small_copy], door=door)
    assert loopback.requests == []


def test_refused_resources_never_reach_the_pdf(small_copy, tmp_path):
    """Text that merely mentions the attacks is shown as text and nothing is embedded."""
    with_block(small_copy, f'      - "Paths such as {PASSWD} and url({PASSWD}) stay text."\n')
    out = tmp_path / "out"
    result = run("build", small_copy, "--out", out, "--lang", "en", "--format", "pdf")
    assert result.exit_code == 0, result.output
    pdf = out / "small-brief" / "small-brief.en.pdf"
    assert SECRET not in pdf_text(pdf) and b"EmbeddedFile" not in pdf.read_bytes()
    assert f"Paths such as {PASSWD}" in pdf_text(pdf).replace("\n", " ")


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_a_remote_image_refused_while_building_is_reported_at_its_line(small_copy, tmp_path, loopback, fmt):
    loopback.routes["/map.png"] = (200, {"Content-Type": "image/png"}, b"<html>root:x:0:0</html>", 0)
    line = with_block(small_copy, f'      - image: "{loopback.url("/map.png")}"\n        alt: "map"\n')
    out = tmp_path / "out"
    result = run("build", small_copy, "--out", out, "--allow-remote", "--lang", "en", "--format", fmt)
    assert_refused(result, out, line, "not a PNG, JPEG, GIF, WebP or SVG image")
    assert loopback.requests == ["/map.png"]


# ------------------------------------------------------------- bombs


def png_header(width: int, height: int) -> bytes:
    """A PNG that only declares its size (no pixel data): what a decompression bomb starts with."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


def test_a_decompression_bomb_is_a_content_error(small_copy, tmp_path):
    (small_copy / "map.png").write_bytes(png_header(100_000, 100_000))
    line = with_block(small_copy, '      - image: map.png\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, "decompression bomb")


def use_bomb(levels: int = 11) -> str:
    """About 1 KB of SVG that draws 10**levels rectangles through nested <use>."""
    body = '<g id="a0"><rect width="1" height="1"/></g>'
    for level in range(1, levels + 1):
        body += f'<g id="a{level}">' + f'<use href="#a{level - 1}"/>' * 10 + "</g>"
    return SVG.format(body + f'<use href="#a{levels}"/>')


@pytest.mark.parametrize("svg, words", [
    (use_bomb(), "more than 20,000 elements once its <use> copies are expanded"),
    (SVG.format('<g id="loop"><use href="#loop"/></g>'), "refers to an element that contains it"),
    (SVG.format("<g>" * 30_000 + "</g>" * 30_000), "more than 20,000 elements"),
])
def test_svg_use_bombs_are_refused(small_copy, tmp_path, svg, words):
    (small_copy / "map.svg").write_text(svg, encoding="utf-8")
    line = with_block(small_copy, '      - image: map.svg\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, words)


def test_images_inside_an_svg_count_against_the_pixel_limit(small_copy, tmp_path):
    import base64

    buffer = io.BytesIO()
    Image.new("1", (7000, 7000)).save(buffer, "PNG")  # 49 megapixels, small on disk
    inner = base64.b64encode(buffer.getvalue()).decode("ascii")
    (small_copy / "map.svg").write_text(SVG.format(f'<image width="40" height="20" href="data:image/png;base64,{inner}"/>'))
    line = with_block(small_copy, '      - image: map.svg\n        alt: "map"\n')
    out = tmp_path / "out"
    assert_refused(run("build", small_copy, "--out", out), out, line, "7000×7000 pixels")
