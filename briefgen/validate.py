"""Validate step, part two: pydantic errors turned into file:line:col problems.

pydantic reports a location as a tuple of keys, indices and union tags;
we walk it through the YAML data to find the value (or the key, for an
unknown key) the user wrote, and phrase the message as what to write instead.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from briefgen.errors import Problem
from briefgen.model import BLOCK_KEYS, KINDS, all_keys
from briefgen.yamlfile import YamlFile, YamlPath, format_path

_TYPE_NAMES = {str: "a text", int: "a number", float: "a number", bool: "yes/no", list: "a list", dict: "a mapping", type(None): "nothing"}


def _kind_of(value: Any) -> str:
    for python_type, name in _TYPE_NAMES.items():
        if type(value) is python_type:
            return name
    return type(value).__name__


def _yaml_path(data: Any, loc: tuple) -> YamlPath:
    """Map a pydantic location onto the YAML path it came from, dropping union tags."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        if index >= 2 and loc[index - 2] == "blocks" and isinstance(loc[index - 1], int) and part in BLOCK_KEYS:
            continue  # the union tag pydantic puts after a block's index
        if isinstance(current, dict) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and index < len(loc) - 1:
            continue  # a union tag such as 'label' in blocks[3].label.text
        else:
            path.append(part)
            current = None
    return tuple(path)


def closest(word: str, candidates) -> str | None:
    """The candidate nearest to ``word`` (a likely typo), or None."""
    scored = []
    for candidate in candidates:
        score = difflib.SequenceMatcher(None, word, candidate).ratio()
        if candidate[:1] == word[:1]:
            score += 0.05
        if sorted(candidate) == sorted(word):  # transposed letters
            score += 0.1
        scored.append((score, candidate))
    best = max(scored, default=(0, None))
    return best[1] if best[0] >= 0.7 else None


def _a(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _key_of_another_kind(loc: tuple) -> str | None:
    """For a top-level key of brief.yaml that belongs to another kind (``questions`` in a
    letter), say which kind has it; pydantic's location starts with the kind's tag."""
    if len(loc) != 2 or loc[0] not in KINDS:
        return None
    this, key = loc
    owners = [kind for kind, model in KINDS.items() if kind != this and key in model.model_fields]
    if not owners:
        return None
    return f"unknown key '{key}': {_a(this)} has no '{key}' ({_a(owners[0])} has): remove it, or write 'kind: {owners[0]}'"


def _message(error: dict, value: Any) -> tuple[str, bool]:
    """What to tell the user, and whether the problem sits at the key rather than the value."""
    kind = error["type"]
    loc = error["loc"]
    last = loc[-1] if loc else ""
    if kind == "missing":
        return f"required key '{last}' is missing: add it", False
    if kind == "extra_forbidden":
        other = _key_of_another_kind(loc)
        if other:
            return other, True
        guess = closest(str(last), all_keys())
        hint = f"did you mean '{guess}'?" if guess else "remove it or check its spelling"
        return f"unknown key '{last}': {hint}", True
    if kind in ("string_type", "string_sub_type"):
        hint = " — put it in quotes" if isinstance(value, (int, float, bool)) or value is None else ""
        return f"expected a text, got {_kind_of(value)}{hint}", False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_kind_of(value)}", False
    if kind in ("list_type",):
        return f"expected a list (lines starting with '- '), got {_kind_of(value)}", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of keys, got {_kind_of(value)}", False
    if kind == "literal_error":
        return f"'{value}' is not allowed here: write one of {error['ctx']['expected']}", False
    if kind in ("too_short",):
        return "must not be empty: give at least one entry", False
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{error['msg'].replace('Input should be', 'must be')}", False
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message, False


def problems_from(error: ValidationError, yaml_file: YamlFile, prefix: YamlPath = ()) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located in ``yaml_file``."""
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(prefix) + tuple(item["loc"])
        path = _yaml_path(yaml_file.data, loc)
        message, at_key = _message(item, item.get("input"))
        if item["type"] == "missing":
            problems.append(yaml_file.problem(path[:-1], message, shown_path=format_path(path[:-1])))
        else:
            problems.append(yaml_file.problem(path, message, key=at_key))
    return problems


def validate_file(model: type[BaseModel] | TypeAdapter, yaml_file: YamlFile) -> tuple[BaseModel | None, list[Problem]]:
    """Validate the data of ``yaml_file`` against ``model`` (a model, or an adapter of a union of models)."""
    if not isinstance(yaml_file.data, dict):
        return None, [yaml_file.problem((), f"expected a mapping of keys at the top of the file, got {_kind_of(yaml_file.data)}")]
    try:
        if isinstance(model, TypeAdapter):
            return model.validate_python(yaml_file.data), []
        return model.model_validate(yaml_file.data), []
    except ValidationError as error:
        return None, problems_from(error, yaml_file)
