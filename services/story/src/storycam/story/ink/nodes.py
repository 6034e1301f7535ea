"""The node index of a compiled ink story: its knots and stitches, the tags they open with, where they divert.

Read from the compiled JSON's container tree (ink's runtime format): the root container's named children are
the knots, a knot's named children are its stitches. A divert's target is resolved to an absolute path the way
the ink runtime does (``.^`` is the container holding the divert), then to the knot or stitch it lands in.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

TOP = "(top)"  # the content before the first knot
_SKIPPED_KNOTS = {"global decl"}
_DIVERT_KEYS = ("->", "f()", "->t->", "x()")


class NotAStory(ValueError):
    """The JSON is not compiled ink."""


@dataclass(frozen=True)
class Node:
    knot: str
    stitch: str = ""
    diverts: tuple[str, ...] = ()
    choices: int = 0
    tags: tuple[str, ...] = ()  # every tag written inside the node (its own top tags come from the runtime)
    ends: bool = False  # an ``-> END`` is written inside it

    @property
    def name(self) -> str:
        return f"{self.knot}.{self.stitch}" if self.stitch else self.knot


@dataclass
class _Collected:
    diverts: set[str] = field(default_factory=set)
    choices: int = 0
    tags: list[str] = field(default_factory=list)
    ends: bool = False


def parse_compiled(compiled: str) -> dict[str, Any]:
    try:
        document = json.loads(compiled)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise NotAStory(f"the file is not JSON ({exc})") from None
    if not isinstance(document, dict) or "inkVersion" not in document or not isinstance(document.get("root"), list):
        raise NotAStory("the JSON is not a compiled ink story (no inkVersion and root container)")
    return document


def index_nodes(compiled: str) -> list[Node]:
    root: list[Any] = parse_compiled(compiled)["root"]
    knots = _named(root)
    structure = {name: set(_named(content)) for name, content in knots.items() if name not in _SKIPPED_KNOTS}
    nodes = [_node(TOP, "", root, [], structure, skip=set(knots))]
    for knot, content in knots.items():
        if knot in _SKIPPED_KNOTS:
            continue
        nodes.append(_node(knot, "", content, [knot], structure, skip=structure[knot]))
        for stitch, stitch_content in _named(content).items():
            nodes.append(_node(knot, stitch, stitch_content, [knot, stitch], structure, skip=set()))
    return nodes


def _named(container: Any) -> dict[str, Any]:
    if isinstance(container, list) and container and isinstance(container[-1], dict):
        return {k: v for k, v in container[-1].items() if not k.startswith("#") and isinstance(v, list)}
    return {}


def _node(
    knot: str, stitch: str, content: list[Any], path: list[str], structure: dict[str, set[str]], *, skip: set[str]
) -> Node:
    collected = _Collected()
    # A knot's stitches are nodes of their own, and so are the root's knots: their content is not this node's.
    _walk(content, path, structure, collected, skip=skip)
    own = f"{knot}.{stitch}" if stitch else knot
    return Node(
        knot=knot,
        stitch=stitch,
        diverts=tuple(sorted(collected.diverts - {own})),
        choices=collected.choices,
        tags=tuple(collected.tags),
        ends=collected.ends,
    )


def _walk(
    container: list[Any],
    path: list[str],
    structure: dict[str, set[str]],
    collected: _Collected,
    *,
    skip: set[str],
) -> None:
    in_tag = False
    last = len(container) - 1
    for index, item in enumerate(container):
        if isinstance(item, str):
            if item == "#":
                in_tag = True
                collected.tags.append("")
            elif item == "/#":
                in_tag = False
            elif in_tag and item.startswith("^"):
                collected.tags[-1] += item[1:]
            elif item == "end":  # ink's END command (text is written "^…")
                collected.ends = True
        elif isinstance(item, list):
            _walk(item, [*path, str(index)], structure, collected, skip=set())
        elif isinstance(item, dict):
            if index == last:
                for name, child in item.items():
                    if name not in skip and not name.startswith("#") and isinstance(child, list):
                        _walk(child, [*path, name], structure, collected, skip=set())
                continue
            if "#" in item and isinstance(item["#"], str):  # the tag form of older ink versions
                collected.tags.append(item["#"])
            if "*" in item:
                collected.choices += 1
            for target in _targets(item):
                node = _node_of(_resolve(path, target), structure)
                if node is not None:
                    collected.diverts.add(node)


def _targets(item: dict[str, Any]) -> Iterator[str]:
    if item.get("var"):
        return  # a divert to a variable's value: unknown until played
    for key in _DIVERT_KEYS:
        target = item.get(key)
        if isinstance(target, str):
            yield target
    choice_target = item.get("*")
    if isinstance(choice_target, str):
        yield choice_target


def _resolve(container_path: list[str], target: str) -> list[str]:
    if not target.startswith("."):
        return target.split(".")
    components = target[1:].split(".")[1:]  # the first ``^`` is the container holding the divert itself
    resolved = list(container_path)
    for component in components:
        if component == "^":
            if resolved:
                resolved.pop()
        else:
            resolved.append(component)
    return resolved


def _node_of(path: list[str], structure: dict[str, set[str]]) -> str | None:
    if not path or path[0] not in structure:
        return TOP if path and path[0].isdigit() else None
    knot = path[0]
    if len(path) > 1 and path[1] in structure[knot]:
        return f"{knot}.{path[1]}"
    return knot
