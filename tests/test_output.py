"""Outputs appear whole or not at all."""

import os

import pytest

from briefgen.editions import output


def test_write_atomic_replaces_the_file(tmp_path):
    target = tmp_path / "out" / "brief.en.pdf"
    output.write_atomic(target, b"first")
    output.write_atomic(target, "second")
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["brief.en.pdf"]


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "brief.en.pdf"
    target.write_bytes(b"old complete edition")

    def interrupted_fsync(fd):
        raise KeyboardInterrupt  # Ctrl-C while the new file is being written

    monkeypatch.setattr(os, "fsync", interrupted_fsync)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(target, b"new edition, half written")
    assert target.read_bytes() == b"old complete edition"
    assert [p.name for p in tmp_path.iterdir()] == ["brief.en.pdf"]


def test_written_files_are_readable_by_others(tmp_path):
    target = tmp_path / "brief.en.html"
    output.write_atomic(target, "x")
    assert target.stat().st_mode & 0o044 == 0o044
