"""PDF workers: the editions' PDFs laid out side by side, one process per PDF.

WeasyPrint is imported once, here, before the workers are forked, so that each
starts with it loaded (about 0.6 s saved per worker). A worker gets plain data
(the print HTML, the output path, the brief's folder and its
:class:`~briefgen.door.Door`) and sends back nothing, or an error:
:class:`~briefgen.errors.BriefgenError` and :class:`~briefgen.pdf.RefusedResource`
survive the trip.

(A fork server started by the CLI before it reads the content, importing
WeasyPrint on the other core, was tried twice: the server takes 0.85 s to be
ready — interpreter start, the import, competing with the reading — against 1.05 s
for reading then importing here, and the cold build of the sample measured the same
(3.5 s against 3.4 s, median of 6, noise ±15 %), for two more processes and the
main-module re-import rules of spawned processes.)
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from briefgen.door import Door


@dataclass(frozen=True)
class PdfJob:
    """One PDF to write."""

    html: str
    path: Path
    base_dir: Path
    door: Door
    draft: bool = False


def side_by_side(jobs: list[PdfJob], parallel: bool = True) -> int:
    """How many worker processes ``jobs`` get: 0 (all in this process) unless there are
    several jobs, several cores, and fork."""
    if not parallel or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = os.cpu_count() or 1
    return min(len(jobs), cores) if cores > 1 else 0


def write_pdfs(jobs: list[PdfJob], parallel: bool = True) -> None:
    """Write every job's PDF, side by side where that pays (see :func:`side_by_side`)."""
    from briefgen.pdf import write_pdf_file

    workers = side_by_side(jobs, parallel)
    if not workers:
        for job in jobs:
            write_pdf_file(job.html, job.path, job.base_dir, job.door, job.draft)
        return
    import weasyprint  # noqa: F401  loaded before forking, so the workers share it

    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(write_pdf_file, job.html, job.path, job.base_dir, job.door, job.draft) for job in jobs]
        for future in futures:
            future.result()
