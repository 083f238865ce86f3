"""Load YAML into plain dicts and lists that remember the line each value came from.

One pass: ``yaml.compose`` (libyaml's C parser when this PyYAML has it) builds the node
graph, and we construct the values from it ourselves, recording 1-based line numbers on
the way. Anchors and aliases are shared, ``<<`` merge keys are honoured. Pure functions,
thread-safe.
"""

from __future__ import annotations

import logging

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

log = logging.getLogger(__name__)

try:
    from yaml import CSafeLoader as _Loader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    HAVE_LIBYAML = False

_TAG = "tag:yaml.org,2002:"
STR_TAG = _TAG + "str"
MERGE_TAG = _TAG + "merge"
# Scalar types we construct; anything else (custom "!tags", "!!python/...") is an error.
_SCALAR_TAGS = frozenset(_TAG + t for t in ("null", "bool", "int", "float", "timestamp", "binary"))
_CONSTRUCTOR = SafeConstructor()


class YamlSyntaxError(ValueError):
    """The text is not YAML we can read. ``line`` is 1-based; ``message`` is one line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class LineDict(dict):
    """A YAML mapping. ``line``: where it starts; ``key_lines[key]``: line of each key;
    ``raw[key]``: the source text of scalar values YAML typed as non-strings (``0012``,
    ``yes``, ``1.50``), so string fields can be read exactly as written."""

    __slots__ = ("key_lines", "line", "raw")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[object, int] = {}
        self.raw: dict[object, str] = {}


class LineList(list):
    """A YAML sequence. ``line``: where it starts; ``item_lines[i]``: line of item i;
    ``raw[i]``: source text of non-string scalar items."""

    __slots__ = ("item_lines", "line", "raw")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []
        self.raw: dict[int, str] = {}


def load_yaml_lines(text: str) -> tuple[object, list[tuple[int, str]]]:
    """Parse one YAML document. Returns ``(value, problems)``.

    ``value`` is None for an empty document, else a LineDict, LineList or scalar.
    ``problems`` lists ``(line, message)`` for things YAML tolerates but we treat as
    mistakes (duplicate keys, non-scalar keys). Raises YamlSyntaxError for unreadable text.
    """
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _marked_error(exc, text) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise YamlSyntaxError(line, f"unreadable character {code:#x}: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, _one_line(str(exc))) from None
    except RecursionError:
        raise YamlSyntaxError(1, "YAML nested too deeply") from None
    if node is None:
        return None, []
    builder = _Builder()
    try:
        return builder.build(node), builder.problems
    except RecursionError:
        raise YamlSyntaxError(node.start_mark.line + 1, "YAML nested too deeply") from None


def _marked_error(exc: yaml.MarkedYAMLError, text: str) -> YamlSyntaxError:
    """Point at the problem; at the end of the text, point where the unfinished thing began."""
    mark, context = exc.problem_mark, exc.context_mark
    message = _one_line(exc.problem or exc.context or "YAML syntax error").removeprefix("but ")
    if context is not None and exc.context and exc.problem:
        message = f"{message} ({_one_line(exc.context)}, line {context.line + 1})"
    if mark is None or (context is not None and mark.index >= len(text)):
        mark = context
    line = mark.line + 1 if mark is not None else 1
    if "\t" in (text.splitlines()[line - 1 : line] or [""])[0]:
        message += "; YAML does not allow tabs for indentation"
    return YamlSyntaxError(line, message)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Builder:
    """Turns a node graph into LineDict/LineList/scalars. Single use, not thread-safe."""

    def __init__(self) -> None:
        self.problems: list[tuple[int, str]] = []
        self._memo: dict[int, object] = {}  # id(node) -> value: aliases share, cycles end

    def build(self, node: Node) -> object:
        if isinstance(node, ScalarNode):
            return _scalar(node)
        done = self._memo.get(id(node))
        if done is not None:
            return done
        if isinstance(node, SequenceNode):
            return self._sequence(node)
        assert isinstance(node, MappingNode)
        return self._mapping(node)

    def _sequence(self, node: SequenceNode) -> LineList:
        out = LineList(node.start_mark.line + 1)
        self._memo[id(node)] = out
        for item in node.value:
            out.item_lines.append(item.start_mark.line + 1)
            if isinstance(item, ScalarNode) and item.tag != STR_TAG:
                out.raw[len(out)] = item.value
            out.append(self.build(item))
        return out

    def _mapping(self, node: MappingNode) -> LineDict:
        out = LineDict(node.start_mark.line + 1)
        self._memo[id(node)] = out
        merges: list[Node] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == MERGE_TAG:
                merges.append(value_node)
                continue
            key = self.build(key_node)
            if isinstance(key, (LineDict, LineList)):
                self.problems.append((line, "a mapping key must be a plain value, not a list or mapping"))
                continue
            if key in out:
                first = out.key_lines[key]
                self.problems.append((line, f"duplicate key {key!r} (first at line {first})"))
            out[key] = self.build(value_node)
            out.key_lines[key] = line
            if isinstance(value_node, ScalarNode) and value_node.tag != STR_TAG:
                out.raw[key] = value_node.value
            else:
                out.raw.pop(key, None)
        for merge_node in merges:
            self._merge(out, merge_node)
        return out

    def _merge(self, out: LineDict, merge_node: Node) -> None:
        """``<<: *anchor`` or ``<<: [*a, *b]``: copy keys not set explicitly (earlier wins)."""
        sources = merge_node.value if isinstance(merge_node, SequenceNode) else [merge_node]
        for source_node in sources:
            source = self.build(source_node)
            if not isinstance(source, LineDict):
                line = source_node.start_mark.line + 1
                self.problems.append((line, "a merge key '<<' needs a mapping or a list of mappings"))
                continue
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.key_lines[key] = source.key_lines[key]
                    if key in source.raw:
                        out.raw[key] = source.raw[key]


def _scalar(node: ScalarNode) -> object:
    tag = node.tag
    if tag == STR_TAG:
        return node.value
    if tag not in _SCALAR_TAGS:
        raise YamlSyntaxError(node.start_mark.line + 1, f"unsupported YAML tag {tag!r}")
    try:
        return SafeConstructor.yaml_constructors[tag](_CONSTRUCTOR, node)
    except (ConstructorError, ValueError) as exc:
        raise YamlSyntaxError(node.start_mark.line + 1, _one_line(str(exc))) from None
