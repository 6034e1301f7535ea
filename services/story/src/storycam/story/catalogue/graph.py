"""The node index drawn as a Mermaid flowchart: knots and stitches, their diverts, premium and AI scenes, endings."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from storycam.story.ink.nodes import TOP
from storycam.story.ink.tags import ai_brief_of, ending_of, is_premium


@dataclass(frozen=True)
class GraphNode:
    name: str
    start_tags: tuple[str, ...]
    tags: tuple[str, ...]
    diverts: tuple[str, ...]


def _id(name: str, ids: dict[str, str]) -> str:
    if name not in ids:
        ids[name] = f"n{len(ids)}_" + re.sub(r"[^A-Za-z0-9_]", "_", name)[:40]
    return ids[name]


def _ending(node: GraphNode, endings: Collection[str]) -> str | None:
    """The ending a node holds: its tag's, or (an untagged ``-> END``) its own name when the index counts it."""
    tagged = ending_of(node.tags)
    if tagged is not None:
        return tagged.id
    return node.name if node.name in endings else None


def _label(node: GraphNode, endings: Collection[str]) -> str:
    label = "start" if node.name == TOP else node.name
    if is_premium(node.start_tags):
        label += " ★"
    ending = _ending(node, endings)
    if ending:
        label += f" ⟶ {ending}"
    return label.replace('"', "'")


def mermaid(nodes: Iterable[GraphNode], endings: Collection[str] = ()) -> str:
    """``endings``: the script's ending ids (from the node index), to mark the knots ending without a tag."""
    nodes = list(nodes)
    ids: dict[str, str] = {}
    lines = ["flowchart TD"]
    classes: dict[str, list[str]] = {"premium": [], "ai": [], "ending": []}
    for node in nodes:
        node_id = _id(node.name, ids)
        lines.append(f'    {node_id}["{_label(node, endings)}"]')
        if is_premium(node.start_tags):
            classes["premium"].append(node_id)
        if ai_brief_of(node.start_tags):
            classes["ai"].append(node_id)
        if _ending(node, endings):
            classes["ending"].append(node_id)
    known = {node.name for node in nodes}
    for node in nodes:
        for target in node.diverts:
            if target in known:
                lines.append(f"    {_id(node.name, ids)} --> {_id(target, ids)}")
    lines += [
        "    classDef premium fill:#fde68a,stroke:#b45309",
        "    classDef ai fill:#bfdbfe,stroke:#1d4ed8",
        "    classDef ending fill:#bbf7d0,stroke:#15803d",
    ]
    lines += [f"    class {','.join(members)} {name}" for name, members in classes.items() if members]
    return "\n".join(lines) + "\n"
