"""Load step: read a YAML file safely and remember where every value was written.

PyYAML's safe composer builds the node tree (no object construction tags);
we turn it into plain Python data ourselves so that we can keep the
line:column of every key and value, refuse duplicate keys, and refuse
anchors/aliases, which content never needs and which are the door to
"billion laughs" memory exhaustion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import BriefgenError, Problem, control_character_error, display_path
from briefgen.load.safefile import FileRefused, read_bounded

#: A YAML path: the keys and list indices leading from the top of a file to a value.
YamlPath = tuple[str | int, ...]

#: libyaml's parser when PyYAML was built with it (several times faster), else the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Where a text of several paragraphs is split (a blank line); the model splits the same way.
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
SAFE_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


@dataclass
class YamlFile:
    """Plain data of one YAML file, with the position of every value and key."""

    path: Path
    data: Any
    value_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return display_path(self.path)

    def position(self, path: YamlPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the value at ``path``, or of its nearest parent.

        With ``key=True`` the position of the mapping key is preferred, which is
        where an unknown-key error belongs.
        """
        path = tuple(path)
        while True:
            if key and path in self.key_marks:
                return self.key_marks[path]
            if path in self.value_marks:
                return self.value_marks[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: YamlPath, message: str, *, key: bool = False, shown_path: str | None = None) -> Problem:
        """A :class:`Problem` located at ``path`` in this file."""
        line, column = self.position(path, key=key)
        return Problem(self.shown, line, column, shown_path if shown_path is not None else format_path(path), message)


def format_path(path: YamlPath) -> str:
    """``('chapters', 2, 'blocks', 0)`` → ``chapters[2].blocks[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class _Composer:
    """Turns composed YAML nodes into plain data, recording marks."""

    def __init__(self, yaml_file: YamlFile, loader, lines: list[str] | None = None):
        self.file = yaml_file
        self.loader = loader
        self.lines = lines or []
        self.problems: list[Problem] = []
        self.seen_nodes: set[int] = set()

    def _mark(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: YamlPath, depth: int = 0) -> Any:
        self.file.value_marks[path] = self._mark(node)
        if id(node) in self.seen_nodes:
            self.problems.append(self.file.problem(path, "anchors and aliases (&name / *name) are not supported: write the value out", key=True))
            return None
        self.seen_nodes.add(id(node))
        if depth > MAX_DEPTH:
            self.problems.append(self.file.problem(path, f"nested more than {MAX_DEPTH} levels deep: flatten the structure"))
            return None
        if node.tag not in SAFE_TAGS:
            self.problems.append(self.file.problem(path, f"YAML tag {node.tag} is not allowed: remove it"))
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                try:
                    if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in SAFE_TAGS:
                        raise ValueError
                    key = str(self.loader.construct_object(key_node))
                except (yaml.constructor.ConstructorError, ValueError):
                    self.problems.append(Problem(self.file.shown, *self._mark(key_node), format_path(path), "a key must be a plain word"))
                    continue
                child = path + (key,)
                if key in result:
                    line, col = self._mark(key_node)
                    first_line = self.file.key_marks[child][0]
                    self.problems.append(Problem(self.file.shown, line, col, format_path(child),
                                                 f"duplicate key (first written on line {first_line}): keep one"))
                    continue
                self.file.key_marks[child] = self._mark(key_node)
                result[key] = self.build(value_node, child, depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,), depth + 1) for index, item in enumerate(node.value)]
        try:
            value = self.loader.construct_object(node)
        except (yaml.constructor.ConstructorError, ValueError) as error:
            self.problems.append(self.file.problem(path, f"cannot read this value ({getattr(error, 'problem', error)})"))
            return None
        if isinstance(value, str) and (error := control_character_error(value)):
            self.problems.append(self.file.problem(path, error))  # written as "\x8a" escapes; fonts have no glyph
            return None
        if isinstance(value, str) and node.style in ("|", ">") and PARAGRAPH_BREAK.search(value):
            self._mark_paragraphs(node, value, path)
        if not node.style and node.start_mark.line == node.end_mark.line and self._comment_cuts(node):
            self.problems.append(self.file.problem(path, "the text after ' #' is read as a comment and left out: "
                                                   f"put the whole text in quotes, e.g. {_quoted_example(self.lines[node.start_mark.line])}"))
        return value

    def _comment_cuts(self, node: yaml.ScalarNode) -> bool:
        """Whether a plain one-line text is followed by what YAML reads as a comment but reads
        like part of the text (``Report #3``: '#' directly followed by a letter or digit)."""
        if not isinstance(node.value, str) or not node.value or node.tag != "tag:yaml.org,2002:str":
            return False
        line = node.start_mark.line
        rest = self.lines[line][node.end_mark.column:] if line < len(self.lines) else ""
        return re.match(r"\s+#[^\s#]", rest) is not None

    def _mark_paragraphs(self, node: yaml.ScalarNode, value: str, path: YamlPath) -> None:
        """Give each paragraph of a block scalar (``answer: |``) its own position, as the
        model splits such a text into paragraphs (``path + (index,)``)."""
        line = node.start_mark.line + 1  # the text starts below the '|' or '>'
        last = min(node.end_mark.line + 1, len(self.lines))
        paragraphs = [part.strip() for part in PARAGRAPH_BREAK.split(value) if part.strip()]
        for index, paragraph in enumerate(paragraphs):
            start = paragraph.split("\n", 1)[0].strip()[:40]
            for number in range(line, last):
                text = self.lines[number]
                if start and text.strip().startswith(start):
                    indent = len(text) - len(text.lstrip())
                    self.file.value_marks.setdefault(path + (index,), (number + 1, indent + 1))
                    line = number + 1
                    break


def load_yaml(path: Path, root: Path | None = None) -> YamlFile:
    """Read ``path`` as YAML into a :class:`YamlFile`; raise :class:`BriefgenError` on bad YAML.

    With ``root`` (a brief's folder), the file must lie inside it after following links."""
    yaml_file = YamlFile(path=path, data=None)
    try:
        text = read_bounded(path, root, MAX_FILE_BYTES).decode("utf-8")
    except FileRefused as refusal:
        raise BriefgenError(problems=[Problem(yaml_file.shown, 1, 1, "", f"this file {refusal}")]) from None
    except UnicodeDecodeError as error:
        raise BriefgenError(problems=[Problem(yaml_file.shown, 1, 1, "", f"not UTF-8 text ({error.reason}): save the file as UTF-8")]) from None
    except OSError as error:
        raise BriefgenError(problems=[Problem(yaml_file.shown, 1, 1, "", f"cannot read file: {error.strerror}")]) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")  # as a text-mode read gives it
    _check_depth(yaml_file, text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        line, column, message = _yaml_hint(error, text.split("\n"))
        raise BriefgenError(problems=[Problem(yaml_file.shown, line + 1, column + 1, "", f"malformed YAML: {message}")]) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow, e.g. a control character
        line, col = _line_column(text, error.position)
        raise BriefgenError(problems=[Problem(yaml_file.shown, line, col, "",
                                              f"character U+{error.character:04X} is not allowed in YAML: remove it")]) from None
    except yaml.YAMLError as error:
        raise BriefgenError(problems=[Problem(yaml_file.shown, 1, 1, "", f"malformed YAML: {' '.join(str(error).split())}")]) from None
    finally:
        loader.dispose()
    if node is None:
        yaml_file.data = {}
        return yaml_file
    composer = _Composer(yaml_file, loader, text.split("\n"))
    yaml_file.data = composer.build(node, ())
    if composer.problems:
        raise BriefgenError(problems=composer.problems)
    return yaml_file


def _line_column(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of character ``position`` in ``text``."""
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _check_depth(yaml_file: YamlFile, text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before anything is composed.

    PyYAML composes nodes recursively: ``[[[[…]]]]`` a hundred thousand levels deep
    crashes libyaml's composer (a segmentation fault) or exhausts Python's stack.
    The event stream is flat, so counting depth over it is safe and cheap.
    Malformed YAML is left for the composer to report with its own position.
    """
    loader = _Loader(text)
    depth = 0
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH + 1:
                    mark = event.start_mark
                    raise BriefgenError(problems=[Problem(yaml_file.shown, mark.line + 1, mark.column + 1, "",
                                                          f"nested more than {MAX_DEPTH} levels deep: flatten the structure")])
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            elif event is None or isinstance(event, yaml.StreamEndEvent):
                return
    except yaml.YAMLError:
        return
    finally:
        loader.dispose()


_DASH_WITHOUT_SPACE = re.compile(r"^\s*-[^\s-]")


def _quoted_example(line: str) -> str:
    """``key: some text`` → ``key: "some text"`` (quotes inside escaped), for a hint."""
    key, _, rest = line.strip().partition(": ")
    rest = rest.strip().replace("\\", "\\\\").replace('"', '\\"')
    return f'{key.lstrip("- ")}: "{rest}"' if key and rest else 'key: "text"'


def _yaml_hint(error: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, int, str]:
    """Where a YAML syntax error really is and what to write instead, for the mistakes a
    non-programmer makes: an unescaped quote, a tab, an unquoted ': ', a list item without a
    space after '-' or at the wrong indentation. Returns 0-based line and column."""
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line, mark.column) if mark else (0, 0)
    problem = error.problem or "malformed YAML"
    text = lines[line] if 0 <= line < len(lines) else ""
    context_line = error.context_mark.line if error.context_mark else line
    if "found character '\\t'" in problem or "\t" in text[:column + 1]:
        column = text.index("\t") if "\t" in text else column
        return line, column, f"{problem} — indent with spaces, not tabs (replace the tab on this line by spaces)"
    if "mapping values are not allowed" in problem:
        return line, column, f"{problem} — a text containing ': ' must be put in quotes, e.g. {_quoted_example(text)}"
    if "could not find expected ':'" in problem:
        return line, column, f"{problem} — each key needs a ':' after it; quote texts that span lines"
    for number in range(context_line, line + 1):
        if 0 <= number < len(lines) and _DASH_WITHOUT_SPACE.match(lines[number]):
            dash = lines[number].index("-")
            return number, dash, "a list item needs a space after '-': write '- ' at the start of the item"
    found_text = "but found '<scalar>'" in problem or "did not find expected key" in problem
    if found_text and text[:column].count('"') + text[:column].count("'") >= 2:
        return line, column, (f"{problem} — a quote inside a quoted text ends it: write \\\" for each \" inside \"…\", "
                              "double each ' inside '…' (''), or use typographic quotes “…” or «…»")
    if ("but found '<block sequence start>'" in problem or "but found '-'" in problem
            or "expected '-' indicator" in problem or ("did not find expected key" in problem and text.lstrip().startswith("- "))):
        return line, column, (f"{problem} — this list item is not lined up with the items above it: "
                              "start every '- ' of one list in the same column")
    if "but found '<block mapping start>'" in problem:
        return line, column, f"{problem} — this line is indented more than the key above it: line keys of one level up under each other"
    return line, column, problem
