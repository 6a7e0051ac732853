"""YAML read safely, with the line of every mapping and key, so a problem can say where it is."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import Problem

#: A knowledge-base file larger than this is refused before parsing: no curated topic comes close.
MAX_FILE_BYTES = 2_000_000
#: Deepest nesting of lists and mappings accepted (a topic file needs six levels): deeper is a mistake
#: or an attack, and is refused with its line before Python's recursion limit is reached without one.
MAX_DEPTH = 32


class _LineDict(dict):
    """A mapping that remembers the line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class _Guards:
    """Refuse aliases and nesting deeper than MAX_DEPTH before anything is built from a document.

    A mixin for either safe loader (libyaml's or the pure-Python one): the guards must hold with both.
    """

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Count the depth while composing; only the pure-Python composer calls this.

        Its recursion would otherwise end in a RecursionError with no line (libyaml composes in C and
        stops at 1000 levels by itself; `construct_document` applies the cap to both).
        """
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, _TOO_DEEP, self.peek_event().start_mark
                )
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value YAML parses but Python cannot build is a YAML error at its line, not a traceback.

        A date such as 2024-02-30, or an integer of thousands of digits, raises ValueError.
        """
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (ValueError, OverflowError) as exc:
            reason = str(exc).split(";")[0]  # not Python's advice on sys.set_int_max_str_digits
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value: {reason}", node.start_mark
            ) from exc

    def construct_document(self, node: yaml.Node) -> Any:
        """Check the whole composed document first: an alias is refused before it is ever followed."""
        _check_graph(node)
        return super().construct_document(node)  # type: ignore[misc]


_TOO_DEEP = f"lists and mappings nested more than {MAX_DEPTH} levels deep"
_ALIAS = (
    "aliases (*name) are not allowed: write the value anchored here (&name) out in full "
    "wherever it is needed"
)


def _check_graph(root: yaml.Node) -> None:
    """Refuse a document whose nodes repeat (aliases) or nest deeper than MAX_DEPTH.

    An alias makes one node appear again: a few lines of anchors and aliases can stand for billions
    of values ("billion laughs"), which anything that walks or prints them would expand. Curators do
    not need them. Iterative, so no document can exhaust the stack here.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(None, None, _ALIAS, node.start_mark)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(None, None, _TOO_DEEP, node.start_mark)
        # Children pushed last first, so nodes are visited in document order: the value reported
        # is the one whose alias comes first.
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack += [(value, depth + 1), (key, depth + 1)]


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | dt.date):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def loader_class(base: type) -> type:
    """The safe loader `base` (no Python tags, ever) with the guards and line numbers on mappings."""
    loader = type(f"Knowledge{base.__name__}", (_Guards, base), {})
    loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    return loader


# libyaml's parser when PyYAML has it: ten times faster, which is most of the start-up time.
_Loader = loader_class(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def line_of(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, _LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return 0


# What YAML forbids in a file (control characters, U+FFFE, U+FFFF): found here, so that both parsers
# report it alike, at its line (libyaml reports a byte offset, the pure-Python parser a character one).
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(display, 1, "-", f"file is {size} bytes; limit {MAX_FILE_BYTES}")]
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        return None, [Problem(display, 1, "-", f"cannot read file: {exc}")]
    except UnicodeDecodeError as exc:  # binary junk, or text saved in another encoding
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start]
        return None, [
            Problem(display, line, "-", f"not UTF-8 text (byte 0x{byte:02x}): save as UTF-8")
        ]
    bad = _NOT_YAML.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        message = f"character U+{ord(bad.group()):04X} is not allowed in YAML: remove it"
        return None, [Problem(display, line, "-", message)]
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return None, [Problem(display, line, "-", f"YAML error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, "-", f"YAML error: {' '.join(str(exc).split())}")]
    except RecursionError:  # a safety net: MAX_DEPTH stops nesting long before this
        return None, [Problem(display, 1, "-", f"YAML error: {_TOO_DEEP}")]
