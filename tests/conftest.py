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


def pdf_text(path: Path, layout: bool = False) -> str:
    """The text of a PDF as poppler's pdftotext reads it (reading order, or the physical layout)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_pages(path: Path, layout: bool = False) -> list[str]:
    """The text of each page of a PDF."""
    return pdf_text(path, layout).split("\f")[:-1]
