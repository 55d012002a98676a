"""Validate step, part two: pydantic errors turned into file:line:col problems.

pydantic reports a location as a tuple of keys, indices and union tags;
we walk it through the YAML data to find the value (or the key, for an
unknown key) the user wrote, and phrase the message as what to write instead.
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Tag, TypeAdapter, ValidationError

from briefgen.errors import Problem
from briefgen.load.model import BLOCK_KEYS, Anonymous, KINDS, NAME_TAGS, PERSON_NAME_FIELDS, all_keys, anonymity_hint
from briefgen.load.yamlfile import YamlFile, YamlPath, format_path

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


def _candidates(annotation: Any) -> list[tuple[Any, str | None]]:
    """The concrete types an annotation allows, each with its union tag (``Tag("label")``)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *metadata = get_args(annotation)
        tag = next((item.tag for item in metadata if isinstance(item, Tag)), None)
        return [(kind, tag or inner) for kind, inner in _candidates(base)]
    if origin in (Union, types.UnionType):
        return [found for arg in get_args(annotation) if arg is not type(None) for found in _candidates(arg)]
    return [(annotation, None)]


def _models_at(root: Any, loc: tuple) -> list[type[BaseModel]]:
    """The models that can hold the value at pydantic location ``loc`` under ``root``.

    A block's kind is told by the keys written in it, so at a block every kind of block
    counts (``lable`` in a block is a misspelt ``label``, not a key of a text block)."""
    current = _candidates(root)
    for index, part in enumerate(loc):
        tagged = [(kind, None) for kind, tag in current if isinstance(part, str) and tag == part]
        if tagged and index == len(loc) - 1 and part in BLOCK_KEYS:
            current = [(kind, None) for kind, _tag in current]
            continue
        if tagged:  # a union tag pydantic put into the location
            current = tagged
            continue
        following: list[tuple[Any, str | None]] = []
        for kind, _tag in current:
            origin = get_origin(kind)
            if isinstance(part, int) and origin is list:
                following += _candidates(get_args(kind)[0])
            elif isinstance(part, str) and origin is dict:
                following += _candidates(get_args(kind)[1])
            elif isinstance(kind, type) and issubclass(kind, BaseModel) and part in kind.model_fields:
                following += _candidates(kind.model_fields[part].annotation)
        current = following
    return [kind for kind, _tag in current if isinstance(kind, type) and issubclass(kind, BaseModel)]


def _nested_owner(models: list[type[BaseModel]], key: str) -> str | None:
    """The key (of ``models``) under which ``key`` would be valid, one level down."""
    for model in models:
        for name, field in model.model_fields.items():
            inner = _candidates(field.annotation)
            inner += [found for kind, _ in inner if get_origin(kind) is list for found in _candidates(get_args(kind)[0])]
            # not an anonymous person's mapping: `name` in an interview means its interviewee
            if any(isinstance(kind, type) and issubclass(kind, BaseModel) and kind is not Anonymous
                   and key in kind.model_fields for kind, _ in inner):
                return name
    return None


#: Keys people write for a field of another name, per model.
SYNONYMS: dict[str, dict[str, str]] = {
    "Interview": {"name": "interviewee", "location": "city", "place": "city", "url": "original", "link": "original",
                  "source": "original", "published": "original", "original_url": "original"},
    "Letter": {"url": "republication", "link": "republication", "author": "signature", "newspaper": "outlet"},
    "Briefing": {"organization": "organisation", "name": "title"},
}


def unknown_key_hint(root: Any, loc: tuple) -> str:
    """What to write instead of the unknown key at the end of ``loc``: a close valid key of
    that place (never the key itself), the key it belongs under, or the advice to remove it."""
    key = str(loc[-1])
    models = _models_at(root, loc[:-1])
    valid = {name for model in models for name in model.model_fields} - {key}
    owner = _nested_owner(models, key)
    if owner:
        return f"'{key}' belongs under '{owner}:' (indent it below that key)"
    synonyms = {word: field for model in models for word, field in SYNONYMS.get(model.__name__, {}).items() if field in valid}
    guess = closest(key, valid | set(synonyms)) if valid else closest(key, all_keys() - {key})
    if guess:
        return f"did you mean '{synonyms.get(guess, guess)}'?"
    if valid:
        return f"remove it; keys allowed here: {', '.join(sorted(valid))}"
    return "remove it or check its spelling"


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


def _message(error: dict, value: Any, root: Any = None) -> tuple[str, bool]:
    """What to tell the user, and whether the problem sits at the key rather than the value."""
    kind = error["type"]
    loc = error["loc"]
    last = loc[-1] if loc else ""
    if kind == "missing":
        return f"required key '{last}' is missing: add it", False
    if kind == "extra_forbidden":
        other = _key_of_another_kind(loc)
        if other and not _nested_owner(_models_at(root, loc[:-1]), str(last)):
            return other, True
        return f"unknown key '{last}': {unknown_key_hint(root, loc)}", True
    if kind in ("string_type", "string_sub_type"):
        if value is None:  # `key:` with nothing after it, or `key: ~`
            models = [model for model in _models_at(root, loc[:-1]) if last in model.model_fields]
            if any((model.__name__, last) in PERSON_NAME_FIELDS for model in models):
                return f"'{last}' is empty: write the person's name after the colon, e.g. {last}: \"…\"; or {anonymity_hint(last)}", False
            optional = any(not model.model_fields[last].is_required() for model in models)
            rest = " (or remove the line: it is optional)" if optional else ""
            return f"'{last}' is empty: write the text after the colon, e.g. {last}: \"…\"{rest}", False
        hint = " — put it in quotes" if isinstance(value, (int, float, bool)) else ""
        return f"expected a text, got {_kind_of(value)}{hint}", False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_kind_of(value)}", False
    if kind in ("list_type",):
        if isinstance(value, str) and value.lstrip().startswith("-"):
            return "expected a list, got a text starting with '-': put a space after each '-' (- item)", False
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


def problems_from(error: ValidationError, yaml_file: YamlFile, prefix: YamlPath = (), root: Any = None) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located in ``yaml_file``; ``root`` is the
    validated type (for the keys valid at each place)."""
    problems = []
    for item in error.errors(include_url=False):
        # a person's name is a choice of a text and {anonymous: true, …}: its tags are no keys
        item = {**item, "loc": tuple(part for part in item["loc"] if part not in NAME_TAGS)}
        loc = tuple(prefix) + tuple(item["loc"])
        path = _yaml_path(yaml_file.data, loc)
        message, at_key = _message(item, item.get("input"), root)
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
        root = model if not isinstance(model, TypeAdapter) else getattr(model, "_type", None)
        return None, problems_from(error, yaml_file, root=root)
