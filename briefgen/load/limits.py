"""Bounded work: the sizes a brief may have, checked before anything is laid out.

Content often comes from partner organisations, and a hostile or broken file
must end in a positioned error within seconds, not in a PDF that takes minutes
and gigabytes: a 4.7 MB paragraph, 100,000 bullets, 5,000 nested emphasis marks
or 2,000 adjacent ones each did. The limits sit far above what a real briefing
holds (its longest paragraph has about 1,300 characters, its longest list 58
footnotes, its annex of prisoners a few hundred rows — 5,000 are measured in the
benchmarks) and each refusal says what to write instead.
"""

from __future__ import annotations

from typing import Any

from briefgen.errors import Problem
from briefgen.load.yamlfile import YamlFile, YamlPath

#: characters in one text (a paragraph, a title, a footnote)
MAX_TEXT_CHARS = 20_000
#: items in a list of brief.yaml (bullets, questions, table rows, paragraphs…)
MAX_LIST_ITEMS = 1_000
#: people, targets or recommendations in one data file (an annex of 5,000 is benchmarked)
MAX_DATA_ITEMS = 10_000
#: inline marks (bold, italic, links, footnote calls, placeholders) in one text
MAX_INLINE_MARKS = 300
#: marks inside marks (bold inside italic inside a link …)
MAX_INLINE_NESTING = 8

_DATA_LISTS = {"prisoners", "people", "targets", "recommendations"}
_MARKS = {"strong_open", "em_open", "link_open", "s_open", "footnote_call", "placeholder"}


def size_problems(yaml_file: YamlFile) -> list[Problem]:
    """Lists longer and texts longer than allowed, anywhere in one YAML file (one problem each)."""
    problems: list[Problem] = []
    stack: list[tuple[YamlPath, Any]] = [((), yaml_file.data)]
    while stack:  # no recursion: the depth is bounded by the loader, the breadth by nothing
        path, value = stack.pop()
        if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
            problems.append(yaml_file.problem(path, f"text of {len(value):,} characters, more than the "
                                                    f"{MAX_TEXT_CHARS:,} allowed: split it into paragraphs"))
        elif isinstance(value, list):
            limit = MAX_DATA_ITEMS if path and path[-1] in _DATA_LISTS and len(path) == 1 else MAX_LIST_ITEMS
            if len(value) > limit:
                problems.append(yaml_file.problem(path, f"list of {len(value):,} items, more than the {limit:,} allowed: "
                                                        "split it into several lists or blocks"))
                continue
            stack.extend((path + (index,), item) for index, item in enumerate(value))
        elif isinstance(value, dict):
            stack.extend((path + (key,), item) for key, item in value.items())
    return problems


def inline_problem(tokens) -> str | None:
    """Why the inline tokens of one text are too much to lay out (too many or too deeply
    nested marks), or None."""
    marks = depth = deepest = 0
    for token in tokens:
        for child in token.children or ():
            if child.type in _MARKS:
                marks += 1
            if child.nesting == 1:
                depth += 1
                deepest = max(deepest, depth)
            elif child.nesting == -1:
                depth -= 1
    if marks > MAX_INLINE_MARKS:
        return (f"{marks:,} inline marks (bold, italic, links, footnote calls), more than the {MAX_INLINE_MARKS} "
                "allowed in one text: split the paragraph, or keep emphasis for what matters")
    if deepest > MAX_INLINE_NESTING:
        return (f"marks nested {deepest} deep (bold inside italic inside …), more than the {MAX_INLINE_NESTING} allowed: "
                "remove the inner marks")
    return None
