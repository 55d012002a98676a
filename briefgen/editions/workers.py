"""PDF workers: the editions' PDFs laid out side by side, one forked process per PDF, each held
to a time and memory budget (:class:`Budget`).

WeasyPrint is imported once, here, before the workers are forked, so that each
starts with it loaded (about 0.6 s saved per worker). A worker gets plain data
(the print HTML, the output path, the brief's folder and its
:class:`~briefgen.editions.door.Door`) and sends back nothing, or an error:
:class:`~briefgen.errors.BriefgenError` and :class:`~briefgen.editions.pdf.RefusedResource`
survive the trip.

The import itself (0.4 s) no longer waits for the HTML: a build that may write a PDF
forks a :class:`Preloader` as it starts — a copy of itself, ready in a few milliseconds —
that imports WeasyPrint on the other core while the build reads the brief and renders the
editions' HTML (and lays out a small page, so that its caches are warm: pdf.warm_up), then
receives the jobs and writes them as :func:`write_pdfs` does (the
workers are forked from it). A build with no PDF to write, or stopped by a problem, stops it.
The CLI forks it before it even imports the pipeline (pydantic, Jinja, Babel: 0.2 s), and hands
it to ``build_brief``. (A fork *server* started by the CLI was tried before and measured no gain: a new
interpreter takes 0.85 s to be ready; a fork of the running one is ready at once.)
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from briefgen.editions.door import Door
from briefgen.errors import BriefgenError, display_path

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Budget:
    """What one edition's PDF may take: seconds of wall time and megabytes of memory (resident).

    Content is bounded before layout (limits.py); this is the last line behind it, for
    whatever combination slips through: the PDF stops with an error naming the brief instead
    of running for minutes or eating the machine's memory."""

    seconds: float = 300.0
    memory_mb: int = 2048

    @classmethod
    def from_environment(cls) -> "Budget":
        """``BRIEFGEN_PDF_SECONDS`` and ``BRIEFGEN_PDF_MEMORY_MB`` override the defaults."""
        seconds = os.environ.get("BRIEFGEN_PDF_SECONDS", "").strip()
        memory = os.environ.get("BRIEFGEN_PDF_MEMORY_MB", "").strip()
        return cls(float(seconds) if _number(seconds) else cls.seconds,
                   int(float(memory)) if _number(memory) else cls.memory_mb)


def _number(text: str) -> bool:
    try:
        return float(text) > 0
    except ValueError:
        return False


class Preloader:
    """A process forked from the build that imports WeasyPrint while the build reads the brief
    and renders its HTML, then writes the PDFs it is given (:meth:`write`) or leaves
    (:meth:`close`). Forked with ``os.fork`` (not a ``multiprocessing.Process``, which the
    interpreter would wait for at exit)."""

    def __init__(self) -> None:
        self._connection, theirs = multiprocessing.Pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the preloaded process
            self._connection.close()
            _preload(theirs)  # never returns
        theirs.close()

    def write(self, jobs: list[PdfJob], parallel: bool, budget: Budget) -> None:
        """Have the preloaded process write ``jobs`` (as :func:`write_pdfs`); raise its error here."""
        try:
            self._connection.send((jobs, parallel, budget))
            answer = self._connection.recv()
        except (EOFError, OSError):
            answer = BriefgenError("the PDFs were not written: the process writing them ended unexpectedly")
        finally:
            self._connection.close()
            try:
                os.waitpid(self._pid, 0)
            except ChildProcessError:
                pass
        if isinstance(answer, BaseException):
            raise answer

    def close(self) -> None:
        """Stop the process without writing anything: it holds nothing to clean up, and a build
        with nothing to write must not wait for its import (nor leave the output it shares open)."""
        if self._connection.closed:
            return
        self._connection.close()
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass


def preload() -> Preloader | None:
    """Start a :class:`Preloader` if it pays: several cores, fork available, and WeasyPrint not
    yet loaded (a live preview or a test run has it already)."""
    if ((os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods()
            or "weasyprint" in sys.modules):
        return None
    return Preloader()


def _preload(connection) -> None:
    """In the preloaded process: import WeasyPrint, then write the PDFs asked for, if any."""
    try:
        from briefgen.editions.pdf import warm_up

        try:
            warm_up()  # while the build renders its HTML: the workers forked from here start warm
        except Exception:  # noqa: BLE001  - a failed warm-up only costs the workers that time
            log.debug("warm-up failed", exc_info=True)
        request = connection.recv()
        if request is not None:
            try:
                write_pdfs(*request)
                connection.send(None)
            except BaseException as error:  # noqa: BLE001  - every failure crosses back to the build
                _send_error(connection, error)
    except BaseException:  # noqa: BLE001  - the build has gone (EOF), or was interrupted
        pass
    finally:
        connection.close()
        os._exit(0)  # nothing of the build's exit handlers runs twice


def _send_error(connection, error: BaseException) -> None:
    try:
        connection.send(error)
    except Exception:  # noqa: BLE001  - an error that cannot be pickled
        connection.send(RuntimeError(f"{type(error).__name__}: {error}"))


def write_pdfs(jobs: list[PdfJob], parallel: bool = True, budget: Budget | None = None,
               preloader: Preloader | None = None) -> None:
    """Write every job's PDF, each in a forked worker held to ``budget``, side by side where
    that pays (see :func:`side_by_side`); through ``preloader`` if given; without fork (not on
    Linux), in this process."""
    from briefgen.editions.pdf import write_pdf_file

    if not jobs:
        return  # (a preloader left unused is its owner's to close)
    if preloader is not None:
        return preloader.write(jobs, parallel, budget or Budget.from_environment())
    if "fork" not in multiprocessing.get_all_start_methods():
        for job in jobs:
            write_pdf_file(job.html, job.path, job.base_dir, job.door, job.draft)
        return
    import weasyprint  # noqa: F401  loaded before forking, so the workers share it

    budget = budget or Budget.from_environment()
    context = multiprocessing.get_context("fork")
    slots = side_by_side(jobs, parallel) or 1
    pending, running = list(jobs), []
    try:
        while pending or running:
            while pending and len(running) < slots:
                job = pending.pop(0)
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_work, args=(job, writer), daemon=True)
                process.start()
                writer.close()
                running.append((job, process, reader, time.monotonic()))
            multiprocessing.connection.wait([process.sentinel for _, process, _, _ in running], timeout=0.1)
            for entry in list(running):
                job, process, reader, started = entry
                if not process.is_alive() or reader.poll():
                    running.remove(entry)
                    _finish(job, process, reader)
                    continue
                overrun = _overrun(process.pid, time.monotonic() - started, budget)
                if overrun:
                    process.kill()
                    process.join()
                    running.remove(entry)
                    raise BriefgenError(f"{display_path(job.base_dir)}: the PDF {job.path.name} {overrun}; nothing was "
                                        "written. Shorten the content (very long lists or tables belong in an annex "
                                        "with style: entries), or raise BRIEFGEN_PDF_SECONDS / BRIEFGEN_PDF_MEMORY_MB")
    finally:
        for _job, process, _reader, _started in running:
            process.kill()
            process.join()


def _work(job: PdfJob, connection) -> None:
    """In the worker: write one PDF, send back None or the error, and leave without cleanup."""
    from briefgen.editions.pdf import write_pdf_file

    try:
        write_pdf_file(job.html, job.path, job.base_dir, job.door, job.draft)
        connection.send(None)
    except BaseException as error:  # noqa: BLE001  - every failure crosses back to the parent
        _send_error(connection, error)
    finally:
        connection.close()
        os._exit(0)


def _finish(job: PdfJob, process, reader) -> None:
    """Collect a worker's answer; raise its error here."""
    answer = reader.recv() if reader.poll() else None
    process.join()
    if isinstance(answer, BaseException):
        raise answer
    if process.exitcode not in (0, None) and answer is None:
        raise BriefgenError(f"{display_path(job.base_dir)}: the PDF {job.path.name} was not written: its worker "
                            f"ended with status {process.exitcode}")


def _overrun(pid: int, seconds: float, budget: Budget) -> str | None:
    """How a worker exceeds ``budget``, if it does."""
    if seconds > budget.seconds:
        return f"took more than {budget.seconds:g} s to lay out"
    resident = _resident_mb(pid)
    if resident is not None and resident > budget.memory_mb:
        return f"needed more than {budget.memory_mb} MB of memory"
    return None


def _resident_mb(pid: int) -> float | None:
    """The resident memory of process ``pid`` in MB, where /proc tells it."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return None
