"""Live preview: build on save, serve on 127.0.0.1, reload the open page by itself.

A watcher thread (watchfiles) rebuilds the HTML edition first — it is ready
in a fraction of a second — then the PDF, and tells open pages through a
server-sent-event stream (``/__events``) to reload. A content error is shown
on the page with its file:line:col lines instead of stopping the server.
Only the preview pages get the reload script; the built files stay as they are.
"""

from __future__ import annotations

import html
import http.server
import logging
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefgen import TEMPLATES_DIR
from briefgen.errors import BriefgenError
from briefgen.load.safefile import brief_slug

log = logging.getLogger(__name__)

RELOAD_SCRIPT = """
<script>
(function () {
  var key = "briefgen-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved) { window.scrollTo(0, parseInt(saved, 10)); sessionStorage.removeItem(key); }
  var events = new EventSource("/__events");
  events.onmessage = function () { sessionStorage.setItem(key, String(window.scrollY)); location.reload(); };
})();
</script>
"""

PREVIEW_BAR = ('<div style="position:fixed;bottom:0;right:0;background:#222;color:#fff;font:13px sans-serif;'
               'padding:4px 10px;z-index:9" id="briefgen-preview">{text}</div>')


class Preview:
    """The state of one preview: the brief, the latest build or error, and a version counter."""

    def __init__(self, brief_dir: Path, out_dir: Path, lang: str | None = None):
        self.brief_dir = Path(brief_dir)
        self.out_dir = Path(out_dir)
        self.lang = lang
        self.version = 0
        self.error: str | None = None
        self.built_at = ""
        self.pdf_pending = False
        self.changed = threading.Condition()
        self.stop = threading.Event()

    @property
    def slug(self) -> str:
        return brief_slug(self.brief_dir)

    def _bump(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def rebuild(self) -> None:
        """HTML first, then PDF; each step tells the open pages to reload."""
        from briefgen.editions.build import build_brief

        languages = [self.lang] if self.lang else None
        self.pdf_pending = True

        def html_written() -> None:
            self.error = None
            self.built_at = time.strftime("%H:%M:%S")
            self._bump()

        try:
            # one build: the HTML is written (and the page reloads) before the PDF is laid out
            build_brief(self.brief_dir, languages=languages, out_dir=self.out_dir, preview=True,
                        html_written=html_written)
        except BriefgenError as error:
            self.error = error.format_message()
            log.info("preview: content error\n%s", self.error)
        self.pdf_pending = False
        self._bump()

    def watch(self) -> None:
        """Rebuild whenever the brief, the templates or the workspace's brand, overrides or
        catalogs change, until stopped."""
        from watchfiles import watch

        from briefgen.workspace import workspace_of_brief

        extra = workspace_of_brief(self.brief_dir).watched()
        for _ in watch(self.brief_dir, TEMPLATES_DIR, *extra, stop_event=self.stop, debounce=100, step=30,
                       watch_filter=lambda change, path: not Path(path).name.startswith(".")):
            self.rebuild()

    def page(self, name: str) -> bytes | None:
        """A built file for the browser; HTML pages get the reload script and the preview bar."""
        path = self.out_dir / self.slug / name
        if self.error is not None and name.endswith(".html"):
            body = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>briefgen: content error</title>"
                    f"</head><body><h1>Content error</h1><pre>{html.escape(self.error)}</pre>"
                    f"<p>Fix the file and save: this page reloads by itself.</p>{RELOAD_SCRIPT}</body></html>")
            return body.encode("utf-8")
        if not EDITION_NAME.fullmatch(name) or not name.startswith(f"{self.slug}.") \
                or not path.is_file() or path.parent != self.out_dir / self.slug:
            return None  # only the preview's own editions: no manifest, snapshot or ledger
        data = path.read_bytes()
        if name.endswith(".html"):
            pdf = name[:-5] + ".pdf"
            state = "PDF: rendering…" if self.pdf_pending else f'<a style="color:#9cf" href="{html.escape(pdf)}">PDF</a>'
            bar = PREVIEW_BAR.format(text=f"preview · built {self.built_at} · {state}")
            data = data.replace(b"</body>", (bar + RELOAD_SCRIPT).encode("utf-8") + b"</body>", 1)
        return data


#: The files the preview serves: an edition of the brief, HTML or PDF.
EDITION_NAME = re.compile(r"[a-z0-9][a-z0-9-]*\.[A-Za-z0-9-]+\.(html|pdf)")


def make_server(preview: Preview, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for ``preview`` (port 0 picks a free port)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
            log.debug("preview: " + format, *args)

        def _allowed(self) -> bool:
            """Only a page of this preview, opened as 127.0.0.1 or localhost on its port: a web
            page elsewhere that rebinds its own name to 127.0.0.1 sends its own Host (and Origin)."""
            port = self.server.server_address[1]
            allowed = {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
            if (self.headers.get("Host") or "").strip().lower() not in allowed:
                return False
            origin = self.headers.get("Origin")
            return origin is None or origin.strip().lower() in {f"http://{host}" for host in allowed}

        def do_GET(self):
            if not self._allowed():
                self.send_error(403, "the preview answers only http://127.0.0.1:PORT/ or http://localhost:PORT/")
                return
            path = unquote(urlsplit(self.path).path).lstrip("/")
            if path == "__events":
                return self._events()
            if not path:
                lang = preview.lang or _first_language(preview)
                self.send_response(302)
                self.send_header("Location", f"/{preview.slug}.{lang}.html")
                self.end_headers()
                return
            data = preview.page(path) if "/" not in path else None
            if data is None:
                self.send_error(404)
                return
            self.send_response(200)
            kind = "text/html; charset=utf-8" if path.endswith(".html") else "application/pdf" if path.endswith(".pdf") else "application/octet-stream"
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _events(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = preview.version
            try:
                while not preview.stop.is_set():
                    with preview.changed:
                        preview.changed.wait_for(lambda: preview.version != seen or preview.stop.is_set(), timeout=15)
                    if preview.version != seen:
                        seen = preview.version
                        self.wfile.write(f"data: {seen}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = http.server.ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def _first_language(preview: Preview) -> str:
    from briefgen.editions.fingerprint import read_manifest

    languages = read_manifest(preview.out_dir, preview.slug).get("languages") or ["en"]
    return languages[0]


def serve(brief_dir: Path, out_dir: Path, host: str, port: int, lang: str | None, ready=lambda url: None) -> None:
    """Build, serve and watch until interrupted."""
    preview = Preview(brief_dir, out_dir, lang)
    server = make_server(preview, host, port)
    threading.Thread(target=preview.rebuild, daemon=True).start()
    watcher = threading.Thread(target=preview.watch, daemon=True)
    watcher.start()
    ready(f"http://{host}:{server.server_address[1]}/")
    try:
        server.serve_forever()
    finally:
        preview.stop.set()
        with preview.changed:
            preview.changed.notify_all()
        server.server_close()
