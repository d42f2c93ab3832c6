"""The type stubs of ``subword._core`` name exactly what the extension defines."""

from __future__ import annotations

import ast
from pathlib import Path

import subword
from subword import _core

STUB = Path(subword.__file__).with_name("_core.pyi")


def stub_names() -> dict[str, set[str]]:
    """Top-level names of the stub, each class with the names it defines."""
    names: dict[str, set[str]] = {}
    for node in ast.parse(STUB.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef):
            names[node.name] = {
                item.name for item in node.body if isinstance(item, ast.FunctionDef)
            }
        elif isinstance(node, ast.FunctionDef):
            names[node.name] = set()
    return names


def runtime_members(cls: type) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("_")}


def test_every_extension_name_is_stubbed_and_vice_versa() -> None:
    stubs = stub_names()
    runtime = {name for name in vars(_core) if not name.startswith("__")}
    assert runtime == set(stubs)
    for name, members in stubs.items():
        obj = getattr(_core, name)
        if isinstance(obj, type):
            public_stubbed = {m for m in members if not m.startswith("_")}
            assert runtime_members(obj) == public_stubbed, name
