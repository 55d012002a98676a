"""The one exception root of briefgen and the problems it carries.

Every stage reports bad input as :class:`Problem` values (file, line, column,
the path of the value inside the file, and what to do). A stage collects all
of them before raising one :class:`BriefgenError`, so the user sees every
problem of a run at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, pinned to where it was written."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}:"
        text = f"{where} {self.path}: {self.message}" if self.path else f"{where} {self.message}"
        return one_line(text)


#: Characters that would break a problem's one line (newlines, Unicode line separators, controls).
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks and control characters shown as ``\\uXXXX``: one problem, one line."""
    return _BREAKS.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


#: Control characters a text may not hold (tab, newline and carriage return are fine).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character_error(text: str) -> str | None:
    """Why ``text`` cannot be printed as it is, if it holds a control character."""
    match = CONTROL_CHARACTERS.search(text)
    if match is None:
        return None
    return f"control character U+{ord(match[0]):04X} at character {match.start() + 1}: remove it"


def display_path(path: Path | str) -> str:
    """Show a path relative to the working directory when it lies below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class BriefgenError(click.ClickException):
    """Bad input or a failed step; the CLI prints it and exits with status 1."""

    exit_code = 1

    def __init__(self, message: str = "", problems: list[Problem] | None = None):
        self.problems = sorted(set(problems or []))
        if not message:
            count = len(self.problems)
            message = f"{count} problem{'s' if count != 1 else ''} found"
        super().__init__(message)

    def __reduce__(self):
        # keep the problems when the error crosses a process boundary (parallel renders)
        return (type(self), (self.message, self.problems))

    def format_message(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(one_line(self.message))
        return "\n".join(lines)

    def show(self, file=None) -> None:  # noqa: D102 - click's own hook
        click.echo(self.format_message(), err=True)
