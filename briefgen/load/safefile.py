"""Reading a brief's own files: inside the brief, regular, and bounded by the bytes read.

A brief often comes from a partner organisation. A YAML file, a catalog or an
image that is a symbolic link to another brief's ``prisoners.yaml`` would pull
that brief's names into this one's editions; a link to ``/dev/zero`` reports a
size of 0 and never ends; a FIFO blocks whoever opens it. So every file of a
brief is opened here: its real path must lie inside the brief's real folder,
it must be a regular file (checked on the open file, so it cannot be swapped
between the check and the read), and at most ``limit`` bytes are ever read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class FileRefused(Exception):
    """A brief's file that may not be read; the message says why and what to do."""


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, after following every symbolic link, lies inside ``root``."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(root))
    except ValueError:
        return False
    return True


def read_bounded(path: Path, root: Path | None, limit: int) -> bytes:
    """The bytes of ``path``, a regular file inside ``root`` (when given) of at most ``limit`` bytes.

    Raises :class:`FileRefused` for a file outside the brief, a device, FIFO or folder, or one
    larger than ``limit``; :class:`OSError` for a file that cannot be opened."""
    path = Path(path)
    if root is not None and not inside(path, root):
        raise FileRefused(f"is a link to {os.path.realpath(path)}, outside the brief's folder: "
                          "copy the file into the brief instead of linking to it")
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "a device or socket"
            raise FileRefused(f"is {kind}, not a regular file: replace it by a file")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise FileRefused(f"holds more than the {_size(limit)} allowed: split it or make it smaller")
    return b"".join(chunks)


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count >= 1024 * 1024 else f"{count // 1024} KiB"


def brief_slug(brief_dir: Path) -> str:
    """The slug of the brief in ``brief_dir``: its folder's name once the path is normalised, so
    that ``content/x/sub/..`` is the brief ``x`` and never the slug ``..`` (which would put its
    editions beside the output folder)."""
    return Path(os.path.normpath(os.path.abspath(brief_dir))).name
