"""`briefgen serve`: a real HTTP preview on 127.0.0.1 that rebuilds on save and shows content errors."""

from __future__ import annotations

import http.client
import threading
import time

import pytest

from briefgen.editions.serve import Preview, make_server
from conftest import edit


@pytest.fixture
def preview(small_copy, tmp_path):
    state = Preview(small_copy, tmp_path / "out", lang="en")
    state.rebuild()
    server = make_server(state, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    watcher = threading.Thread(target=state.watch, daemon=True)
    watcher.start()
    time.sleep(0.3)  # let the watcher start before files change
    yield state, server.server_address[1]
    state.stop.set()
    with state.changed:
        state.changed.notify_all()
    server.shutdown()
    server.server_close()
    watcher.join(timeout=5)


def get(port: int, path: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def wait_for(predicate, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_preview_serves_rebuilds_on_save_and_shows_errors(preview, small_copy):
    state, port = preview
    status, kind, body = get(port, "/small-brief.en.html")
    assert status == 200 and kind.startswith("text/html")
    assert b"Test briefing on detentions" in body and b'new EventSource("/__events")' in body
    assert get(port, "/")[0] == 302
    pdf = wait_for(lambda: get(port, "/small-brief.en.pdf")[2].startswith(b"%PDF") and get(port, "/small-brief.en.pdf"))
    assert pdf[1] == "application/pdf"

    brief = small_copy / "brief.yaml"
    edit(brief, "Test briefing on detentions", "Edited title")
    wait_for(lambda: b"Edited title" in get(port, "/small-brief.en.html")[2])

    edit(brief, "  - id: detentions\n", "  - idd: detentions\n")
    page = wait_for(lambda: (b := get(port, "/small-brief.en.html")[2]) and b"Content error" in b and b)
    assert b"brief.yaml:17:5: chapters[0].idd: unknown key &#x27;idd&#x27;: did you mean &#x27;id&#x27;?" in page
    assert b"brief.yaml:17:5: chapters[0]: required key &#x27;id&#x27; is missing" in page
    assert get(port, "/../brief.yaml")[0] == 404

    edit(brief, "  - idd: detentions\n", "  - id: detentions\n")
    wait_for(lambda: b"Edited title" in get(port, "/small-brief.en.html")[2])
    assert state.error is None


def test_event_stream_announces_a_new_build(preview, small_copy):
    state, port = preview
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", "/__events")
    response = connection.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"
    prisoners = small_copy / "prisoners.yaml"
    edit(prisoners, "Clara Gamma", "Clara G.")
    line = response.fp.readline()
    assert line.startswith(b"data: ")
    connection.close()


def test_preview_pdfs_are_drafts_that_never_pass_for_editions(sample_copy, tmp_path):
    """Preview PDFs are quick untagged drafts and are never sent."""
    from pypdf import PdfReader

    from briefgen.editions.build import build_brief

    out = tmp_path / "out"
    state = Preview(sample_copy, out, lang="en")
    state.rebuild()
    assert state.error is None
    pdf = out / sample_copy.name / f"{sample_copy.name}.en.pdf"
    assert "/StructTreeRoot" not in PdfReader(pdf).trailer["/Root"]  # a quick untagged draft
    assert not (out / sample_copy.name / "snapshots").exists()  # a half-edited brief is no edition for `changes`
    # a real build in the same folder does not take the draft for an edition
    editions = build_brief(sample_copy, languages=["en"], formats=("pdf",), out_dir=out)
    assert editions[0].written == [pdf]
    assert "/StructTreeRoot" in PdfReader(pdf).trailer["/Root"]


def request(port: int, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_preview_answers_only_its_own_host_and_origin(preview):
    """DNS rebinding: a web page at evil.example whose name now points at 127.0.0.1 sends its own Host."""
    state, port = preview
    page = f"/{state.slug}.en.html"
    assert request(port, page, {"Host": f"127.0.0.1:{port}"}) == 200
    assert request(port, page, {"Host": f"localhost:{port}"}) == 200
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}"):
        assert request(port, page, {"Host": host}) == 403, host
    assert request(port, "/__events", {"Host": f"127.0.0.1:{port}", "Origin": "http://evil.example"}) == 403
    assert request(port, page, {"Host": f"127.0.0.1:{port}", "Origin": f"http://evil.example:{port}"}) == 403


def test_preview_serves_nothing_but_its_editions(preview, tmp_path):
    state, port = preview
    folder = tmp_path / "out" / state.slug
    (folder / "send-ledger.sqlite3").write_bytes(b"addresses of MEPs")
    (folder / "notes.txt").write_bytes(b"private")
    for name in (".briefgen-manifest.json", "send-ledger.sqlite3", "notes.txt", "snapshots", "%2e%2e/out"):
        assert get(port, f"/{name}")[0] == 404, name
    assert get(port, f"/{state.slug}.en.html")[0] == 200
