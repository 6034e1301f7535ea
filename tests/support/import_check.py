"""Import every module of the given packages and resolve every import they write; print what failed as JSON.

Run by tests/deploy/test_declared_dependencies.py with the Python of a scratch environment that holds one workspace
member and only what it declares, so it may use nothing but the standard library. Arguments: a JSON object of
modules not to import (module: reason), then the top packages (``storycam.payments``).

Two checks, because importing alone misses some imports: every module is imported (what the service does when it
starts), and every ``import`` statement of every file under the package is resolved without running it, which
covers imports inside functions and the files loaded by path rather than imported (Alembic's migration scripts).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import pkgutil
import sys
from pathlib import Path


def _failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _written_imports(tree: ast.AST) -> list[str]:
    """Absolute imports of a file, except those under ``if TYPE_CHECKING:`` (never run)."""
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for otherwise in node.orelse:
                visit(otherwise)
            return
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def main(skipped: dict[str, str], packages: list[str]) -> dict[str, object]:
    failures: dict[str, str] = {}
    imported: list[str] = []
    files: list[tuple[Path, Path]] = []  # (file, the directory its name is shown relative to)
    for top in packages:
        package = importlib.import_module(top)
        names = [top]
        for info in pkgutil.walk_packages(package.__path__, f"{top}.", onerror=lambda name: None):
            names.append(info.name)
        for name in names:
            if name in skipped:
                continue
            try:
                importlib.import_module(name)
            except BaseException as exc:  # a module that fails in any way is reported, not raised
                failures[name] = _failure(exc)
            else:
                imported.append(name)
        for directory in package.__path__:
            base = Path(directory).parents[top.count(".")]
            files.extend((path, base) for path in sorted(Path(directory).rglob("*.py")))
    for path, base in files:
        shown = path.relative_to(base)
        for module in _written_imports(ast.parse(path.read_text(), str(path))):
            if module in skipped:
                continue
            try:
                found = importlib.util.find_spec(module) is not None
            except BaseException as exc:  # a missing parent package raises instead of answering None
                failures[f"{shown}: import {module}"] = _failure(exc)
                continue
            if not found:
                failures[f"{shown}: import {module}"] = "not installed"
    return {"imported": imported, "files": len(files), "failures": failures}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]), sys.argv[2:])))
