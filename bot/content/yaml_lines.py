"""YAML that remembers where each value came from, so every problem can name its line.

PyYAML's composer keeps the position of every node; we walk that tree alongside the plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml


@dataclass
class Located:
    """Parsed YAML plus the 1-based line of each value, keyed by its path ("teach_back[0].answer")."""

    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int]] = field(default_factory=list)

    def line(self, path: str, default: int = 0) -> int:
        """The line of ``path`` or, failing that, of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return default


# libyaml's parser when PyYAML was built with it (ten times faster on a large library), else PyYAML's own.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlSyntaxError(ValueError):
    """The YAML cannot be read; ``line`` is 1-based, ``hint`` says what usually causes it."""

    def __init__(self, message: str, line: int, hint: str) -> None:
        super().__init__(message)
        self.line = line
        self.hint = hint


def _hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "A value has a colon (:) in it. Put the whole value in double quotes."
    if "could not find expected ':'" in problem or "simple key" in problem:
        return "A line is missing its colon, or a text runs onto the next line. Check the line above too."
    if "found character '\\t'" in problem:
        return "Use spaces, not tabs, to indent."
    if "expected <block end>" in problem or "did not find expected" in problem:
        return "The indentation does not line up. Items of one list must start in the same column."
    return "Check the indentation and quotes on this line and the line above."


def load(text: str, first_line: int = 1) -> Located:
    """Parse ``text``; lines are counted from ``first_line`` (a header starts below its ``---``)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = _Loader("").construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        problem = str(exc.problem or exc.context or "unreadable YAML")
        raise YamlSyntaxError(problem, line, _hint(problem)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly all errors
        raise YamlSyntaxError(str(exc), first_line, _hint(str(exc))) from None
    located = Located(data)
    if node is not None:
        _walk(node, "", located, first_line)
    return located


def _walk(node: yaml.Node, path: str, located: Located, offset: int) -> None:
    if path:
        located.lines.setdefault(path, node.start_mark.line + offset)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            child = f"{path}.{key}" if path else key
            if key in seen:
                located.duplicates.append((child, key_node.start_mark.line + offset))
            seen.add(key)
            located.lines[child] = key_node.start_mark.line + offset
            if isinstance(value_node, (yaml.MappingNode, yaml.SequenceNode)):
                _walk_children(value_node, child, located, offset)
    elif isinstance(node, yaml.SequenceNode):
        _walk_children(node, path, located, offset)


def _walk_children(node: yaml.Node, path: str, located: Located, offset: int) -> None:
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            located.lines[child] = item.start_mark.line + offset
            _walk(item, child, located, offset)
    else:
        _walk(node, path, located, offset)
