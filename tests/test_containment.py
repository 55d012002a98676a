"""Content stays inside its brief: every file read is the brief's own regular file, read with a
bound on the bytes actually read; editions are written only under --out."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from briefgen.cli import main
from conftest import ROOT, SAMPLE


def check(folder):
    return CliRunner().invoke(main, ["check", str(folder)])


def test_a_data_file_linked_from_another_brief_is_refused(small_copy):
    """A link to another brief's prisoners.yaml would put that brief's names into this one."""
    (small_copy / "prisoners.yaml").unlink(missing_ok=True)
    os.symlink(SAMPLE / "prisoners.yaml", small_copy / "prisoners.yaml")
    result = check(small_copy)
    assert result.exit_code == 1, result.output
    assert "prisoners.yaml:1:1: this file is a link to" in result.output
    assert "outside the brief's folder: copy the file into the brief" in result.output
    assert "Traceback" not in result.output


def test_a_link_inside_the_brief_is_fine(small_copy):
    (small_copy / "originals").mkdir()
    os.replace(small_copy / "footnotes.yaml", small_copy / "originals" / "footnotes.yaml")
    os.symlink(small_copy / "originals" / "footnotes.yaml", small_copy / "footnotes.yaml")
    assert check(small_copy).exit_code == 0


def run_check(folder, timeout: float = 20):
    """``briefgen check`` in a child process, so that a hang is a failure and not a stuck suite."""
    return subprocess.run([sys.executable, "-m", "briefgen", "check", str(folder)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def test_a_link_to_dev_zero_is_refused_quickly(small_copy):
    """/dev/zero reports a size of 0 and never ends: the bound is on the bytes read."""
    os.symlink("/dev/zero", small_copy / "killed.yaml")
    result = run_check(small_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "killed.yaml:1:1: this file is a link to /dev/zero, outside the brief's folder" in result.stderr


def test_a_device_inside_the_brief_is_refused(small_copy, tmp_path):
    os.symlink("/dev/zero", small_copy / "killed.yaml")
    from briefgen.load.safefile import FileRefused, read_bounded

    with pytest.raises(FileRefused, match="a device"):
        read_bounded(small_copy / "killed.yaml", None, 1024)


def test_a_fifo_does_not_hang_check(small_copy):
    os.mkfifo(small_copy / "killed.yaml")
    result = run_check(small_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "killed.yaml:1:1: this file is a FIFO, not a regular file" in result.stderr


def test_the_size_bound_applies_to_the_bytes_read(tmp_path):
    from briefgen.load.safefile import FileRefused, read_bounded

    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 2049)
    assert read_bounded(path, tmp_path, 4096) == b"x" * 2049
    with pytest.raises(FileRefused, match="more than the 2 KiB allowed"):
        read_bounded(path, tmp_path, 2048)


def test_a_brief_path_ending_in_dotdot_writes_under_out(tmp_path):
    """content/x/sub/.. is the brief x: its editions go to out/x/, never beside out/."""
    brief = tmp_path / "content" / "letter"
    import shutil

    shutil.copytree(ROOT / "content" / "letter-ft-kazakhstan-2017-10", brief)
    (brief / "sub").mkdir()
    out = tmp_path / "work" / "out"
    result = CliRunner().invoke(main, ["build", str(brief / "sub" / ".."), "--out", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "letter").glob("*.html")) == ["letter.en.html", "letter.ru.html"]
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["out"]


def test_output_paths_cannot_leave_the_output_folder(tmp_path):
    from briefgen.editions.fingerprint import output_path

    for slug in ("..", ".", "a/../..", ""):
        with pytest.raises(ValueError):
            output_path(tmp_path, slug, "en", "pdf")


def test_a_catalog_linked_from_outside_or_a_fifo_is_refused(small_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere.po"
    elsewhere.write_bytes((small_copy / "translations" / "ru.po").read_bytes())
    (small_copy / "translations" / "ru.po").unlink()
    os.symlink(elsewhere, small_copy / "translations" / "ru.po")
    result = check(small_copy)
    assert result.exit_code == 1, result.output
    assert "ru.po:1:1: this catalog is a link to" in result.output and "outside the brief's folder" in result.output
    (small_copy / "translations" / "ru.po").unlink()
    os.mkfifo(small_copy / "translations" / "ru.po")
    done = run_check(small_copy)
    assert done.returncode == 1 and "ru.po:1:1: this catalog is a FIFO, not a regular file" in done.stderr, done.stderr


def test_translations_are_held_to_the_same_limits(small_copy):
    import polib

    path = small_copy / "translations" / "ru.po"
    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if e.msgstr and not e.obsolete and "[^" not in e.msgid and "{" not in e.msgid)
    entry.msgstr = "a**b**" * 400
    catalog.save()
    result = check(small_copy)
    assert result.exit_code == 1, result.output
    assert "ru.po:" in result.output and "400 inline marks" in result.output, result.output
    entry.msgstr = "слово " * 5000
    catalog.save()
    result = check(small_copy)
    assert result.exit_code == 1 and "translation of 30,000 characters, more than the 20,000 allowed" in result.output, result.output
