"""Write step: files appear whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A crash or Ctrl-C leaves either the old file or the new one, never a
    truncated file that someone could email. ``mode`` (e.g. ``0o600`` for
    private files) replaces the mode a plain ``open()`` would give.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        if mode is None:
            # mkstemp creates the file 0600; give it the mode a plain open() would
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def edition_path(out_dir: Path, slug: str, name: str) -> Path:
    """``out_dir/slug/name``, refused unless it stays inside ``out_dir``."""
    if not slug or slug in (".", "..") or any(sep in slug for sep in ("/", "\\", "\0")) \
            or any(sep in name for sep in ("/", "\\", "\0")) or name in (".", ".."):
        raise ValueError(f"refusing an output path outside the output folder: {slug!r}/{name!r}")
    return Path(out_dir) / slug / name
