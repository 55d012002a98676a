"""Incremental builds: fingerprints decide what is rendered again; no-op builds stay light."""

from __future__ import annotations

import subprocess
import sys

from briefgen.editions.build import build_brief
from conftest import ROOT, edit, spaced

from test_translations import set_translation


def run_cli(*args):
    """briefgen in a fresh interpreter, with -X importtime so we can see what it imported."""
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "briefgen", *args], cwd=ROOT,
                          capture_output=True, text=True)


def imported(result, module: str) -> bool:
    return any(line.rstrip().endswith(f"| {module}") for line in result.stderr.splitlines())


def test_nothing_changed_renders_nothing_and_skips_weasyprint(small_copy, tmp_path):
    out = tmp_path / "out"
    first = run_cli("build", str(small_copy), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert imported(first, "weasyprint")
    pdf = out / "small-brief" / "small-brief.en.pdf"
    before = pdf.stat().st_mtime_ns
    second = run_cli("build", str(small_copy), "--out", str(out))
    assert second.returncode == 0
    assert "small-brief: nothing changed, 2 editions up to date" in second.stdout
    assert not imported(second, "weasyprint") and not imported(second, "pydantic")
    assert pdf.stat().st_mtime_ns == before


def test_check_never_imports_weasyprint(small_copy):
    result = run_cli("check", str(small_copy))
    assert result.returncode == 0 and not imported(result, "weasyprint")


def test_a_changed_translation_rebuilds_only_that_edition(small_copy, tmp_path):
    out = tmp_path / "out"
    build_brief(small_copy, out_dir=out)
    set_translation(small_copy, "brief:overview/0/text", "кто и почему задержан")
    editions = {e.lang: e for e in build_brief(small_copy, out_dir=out)}
    assert editions["en"].written == [] and len(editions["en"].up_to_date) == 2
    assert sorted(p.suffix for p in editions["ru"].written) == [".html", ".pdf"]
    # non-breaking spaces (briefgen.editions.typeset binds "и" to the next word) read as spaces
    assert "кто и почему задержан" in spaced((out / "small-brief" / "small-brief.ru.html").read_text(encoding="utf-8"))


def test_a_content_change_rebuilds_every_edition_and_force_rebuilds_all(small_copy, tmp_path):
    out = tmp_path / "out"
    build_brief(small_copy, out_dir=out, formats=("html",))
    edit(small_copy / "prisoners.yaml", "Clara Gamma", "Clara Gamma-Delta")
    editions = build_brief(small_copy, out_dir=out, formats=("html",))
    assert all(len(e.written) == 1 for e in editions)
    assert all(e.written == [] for e in build_brief(small_copy, out_dir=out, formats=("html",)))
    assert all(len(e.written) == 1 for e in build_brief(small_copy, out_dir=out, formats=("html",), force=True))


def test_deleted_output_is_rebuilt(small_copy, tmp_path):
    out = tmp_path / "out"
    build_brief(small_copy, out_dir=out, formats=("html",))
    (out / "small-brief" / "small-brief.ru.html").unlink()
    editions = {e.lang: e for e in build_brief(small_copy, out_dir=out, formats=("html",))}
    assert editions["ru"].written and not editions["en"].written


def test_strict_is_not_fooled_by_an_up_to_date_incomplete_edition(small_copy, tmp_path):
    out = tmp_path / "out"
    set_translation(small_copy, "brief:overview/0/text", "")
    assert run_cli("build", str(small_copy), "-f", "html", "--out", str(out)).returncode == 0
    strict = run_cli("build", str(small_copy), "-f", "html", "--out", str(out), "--strict")
    assert strict.returncode == 1 and "missing in ru" in strict.stderr


def test_compiled_templates_are_kept_between_runs(small_copy, tmp_path):
    import jinja2

    from briefgen.editions.render import environment

    cache = environment().bytecode_cache
    assert isinstance(cache, jinja2.FileSystemBytecodeCache)
    build_brief(small_copy, out_dir=tmp_path / "out", formats=("html",))
    path = ROOT / "templates" / "briefing.html.j2"
    bucket = cache.get_bucket(environment(), "briefing.html.j2", str(path), path.read_text(encoding="utf-8"))
    assert bucket.code is not None  # the next process loads it instead of compiling the template
