"""Whoosh's private parts are used in one module only, for the one version it was tested with."""

import ast
import os
import tomllib
from pathlib import Path

import pytest
import whoosh

from council_app.search.index import whoosh_private
from tests.corpus import REPO_ROOT

SEARCH = REPO_ROOT / "council_app" / "search"
FENCE = SEARCH / "index" / "whoosh_private.py"
#: Whoosh's modules of codec, storage and matcher internals: no public API lives there.
INTERNAL_MODULES = (
    "whoosh.codec",
    "whoosh.filedb",
    "whoosh.matching",
    "whoosh.system",
    "whoosh.util",
    "whoosh.support",
)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def own_private_names(trees) -> set[str]:
    """Return the private names the app's search code defines itself (self._x, _helpers)."""
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)  # __slots__ entries
    return {name for name in names if _is_private(name)}


def private_touches(tree, own: set[str]) -> list[str]:
    """Return each place a module imports Whoosh internals or reads a private name not its own."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            if node.module.startswith(INTERNAL_MODULES):
                found.append(f"line {node.lineno}: from {node.module} import")
            found += [
                f"line {node.lineno}: imports {alias.name} from {node.module}"
                for alias in node.names
                if _is_private(alias.name)
            ]
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.startswith(INTERNAL_MODULES)
            ]
        elif isinstance(node, ast.Attribute) and _is_private(node.attr) and node.attr not in own:
            found.append(f"line {node.lineno}: .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _is_private(node.args[1].value)
            and node.args[1].value not in own
        ):
            found.append(f"line {node.lineno}: {node.func.id}(…, {node.args[1].value!r})")
    return found


def search_modules() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SEARCH.rglob("*.py"))
        if path != FENCE
    }


def test_only_the_fence_touches_whoosh_private_names():
    modules = search_modules()
    own = own_private_names(modules.values())
    touches = {
        str(path.relative_to(REPO_ROOT)): found
        for path, tree in modules.items()
        if (found := private_touches(tree, own))
    }
    assert not touches, f"move these into {FENCE.relative_to(REPO_ROOT)}: {touches}"


def test_the_scan_sees_what_the_fence_holds():
    # The fence itself would fail the scan: proof that the scan sees such uses.
    touches = private_touches(ast.parse(FENCE.read_text(encoding="utf-8")), set())
    text = " ".join(touches)
    for expected in ("whoosh.codec", "whoosh.filedb", "._postfile", "._perdoc", "_lenfield"):
        assert expected in text


def test_the_pin_is_the_tested_version():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [dep for dep in project["project"]["dependencies"] if dep.startswith("whoosh")]
    assert pins == [f"whoosh-reloaded=={whoosh_private.TESTED_VERSION}"]
    # Under COUNCIL_WHOOSH_UNTESTED=1 the suite checks another version before the pin moves.
    if os.environ.get(whoosh_private.UNTESTED_ENV) != "1":
        assert whoosh.versionstring() == whoosh_private.TESTED_VERSION


def test_another_version_is_refused_with_what_to_do():
    with pytest.raises(whoosh_private.UntestedWhoosh) as refused:
        whoosh_private.check_version("2.8.0")
    message = str(refused.value)
    assert f"whoosh-reloaded=={whoosh_private.TESTED_VERSION}" in message
    assert "COUNCIL_WHOOSH_UNTESTED=1 pytest tests/search" in message
    assert 'TESTED_VERSION = "2.8.0"' in message
    whoosh_private.check_version("2.8.0", allow_untested=True)
    whoosh_private.check_version(whoosh_private.TESTED_VERSION)
