"""Shared fixtures. Every test fails if a warning or error is logged (like WeasyPrint's assert_no_logs)."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = ROOT / "content" / "kazakhstan-2021-11"
SMALL = FIXTURES / "good" / "small-brief"


@pytest.fixture(autouse=True)
def assert_no_logs(caplog, request):
    """Fail the test if anything at WARNING or above was logged, unless it is marked ``allow_logs``."""
    caplog.set_level(logging.WARNING)
    yield
    if request.node.get_closest_marker("allow_logs"):
        return
    noisy = [r for r in caplog.get_records("call") if r.levelno >= logging.WARNING]
    assert not noisy, "unexpected log records: " + "; ".join(f"{r.name}: {r.getMessage()}" for r in noisy)


def pytest_configure(config):
    config.addinivalue_line("markers", "allow_logs: the test expects warnings to be logged")


def spaced(text: str) -> str:
    """``text`` with the typesetter's invisible glue undone — no-break spaces as spaces, word joiners
    and zero-width break opportunities removed — for tests that look for words, not for typography."""
    return text.replace("\u00a0", " ").replace("\u2060", "").replace("\u200b", "")


def print_html(lang: str, brief_dir: Path = SAMPLE) -> str:
    """The print HTML of one edition of a brief (what the PDF writer lays out)."""
    from briefgen.load.content import load_brief
    from briefgen.editions.render import render_html
    from briefgen.editions.translations import edition_status, localize

    brief = load_brief(brief_dir)
    status = edition_status(brief, lang)
    return render_html(localize(brief, lang, status), lang, status, "print", brief.document.editions)


@pytest.fixture
def small_copy(tmp_path) -> Path:
    """A writable copy of the small test brief."""
    target = tmp_path / "small-brief"
    shutil.copytree(SMALL, target)
    return target


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the sample briefing."""
    target = tmp_path / "kazakhstan-2021-11"
    shutil.copytree(SAMPLE, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in a UTF-8 file, as a user editing it would."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def pdf_text(path: Path, layout: bool = False, raw: bool = False) -> str:
    """The text of a PDF as poppler's pdftotext reads it: reading order, the physical
    layout, or (raw) the order it was drawn in, lines kept apart — reading order joins
    a body line that ends in a hyphen with the footnote printed below it."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), *(["-raw"] if raw else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_pages(path: Path, layout: bool = False, raw: bool = False) -> list[str]:
    """The text of each page of a PDF."""
    return pdf_text(path, layout, raw).split("\f")[:-1]


class LoopbackServer:
    """An HTTP server on 127.0.0.1 that records every request; ``routes`` maps a path to
    (status, headers, body, delay in seconds before the body)."""

    def __init__(self):
        import http.server
        import threading

        self.requests: list[str] = []
        self.routes: dict[str, tuple[int, dict, bytes, float]] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                import time

                server.requests.append(self.path)
                status, headers, body, delay = server.routes.get(self.path, (404, {}, b"not found", 0))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                time.sleep(delay)
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}{path}"


@pytest.fixture
def loopback():
    """A recording HTTP server on the loopback address, stopped after the test."""
    server = LoopbackServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
