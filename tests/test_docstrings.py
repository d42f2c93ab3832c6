"""Every public name of ``subword`` has a doc string with an example.

The examples themselves run as doctests:
``python -m pytest -q -p no:cacheprovider --doctest-modules --pyargs subword``.

Public names: the modules under ``python/subword`` whose dotted path has no part starting
with ``_``; in each, the classes and functions of ``__all__`` (or, without ``__all__``,
those defined in the module itself and not starting with ``_``); and the public methods
and properties of those classes, including those inherited from classes of ``subword``
(even private ones), but not from outside ``subword``. Constants and plain data
attributes (``BertTokenizer.padding_side``, NamedTuple and dataclass fields) cannot carry
a doc string of their own and are documented by their class or module.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType

import pytest
import subword

PACKAGE = Path(subword.__file__).parent

# ``# doctest: +SKIP`` directives allowed in python/subword, as "path:line text" -> reason.
# Every example runs today (files are written to temporary directories, Dask runs on an
# in-process cluster); add an entry here only for what cannot run offline.
ALLOWED_SKIPS: dict[str, str] = {}


def public_modules() -> list[ModuleType]:
    names = ["subword"]
    for info in pkgutil.walk_packages(subword.__path__, "subword."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue  # private modules, and cli/__main__ (which runs the command)
        names.append(info.name)
    return [importlib.import_module(name) for name in names]


def _is_documentable(obj: object) -> bool:
    return inspect.isclass(obj) or inspect.isfunction(obj)


def _module_names(module: ModuleType) -> list[tuple[str, object]]:
    exported = getattr(module, "__all__", None)
    if exported is not None:
        objects = [(name, getattr(module, name)) for name in exported]
        return [(name, obj) for name, obj in objects if _is_documentable(obj)]
    return [
        (name, obj)
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and _is_documentable(obj)
        and getattr(obj, "__module__", None) == module.__name__
    ]


def _members(cls: type) -> list[tuple[str, object]]:
    """Public methods and properties of ``cls``, own or inherited from ``subword``."""
    found: dict[str, object] = {}
    for base in reversed(cls.__mro__):
        if not base.__module__.startswith("subword"):
            continue
        for name, value in vars(base).items():
            if name.startswith("_"):
                continue
            if isinstance(value, (classmethod, staticmethod)):
                value = value.__func__
            if inspect.isfunction(value) or isinstance(value, property):
                found[name] = value
            else:
                found.pop(name, None)  # overridden by a data attribute
    return sorted(found.items())


def public_names() -> dict[str, object]:
    """Qualified name -> object, each object once (under the module that defines it)."""
    names: dict[str, object] = {}
    for module in public_modules():
        for _, obj in _module_names(module):
            owner = getattr(obj, "__module__", module.__name__)
            # Classes of the Rust core keep their doc strings in Rust (rust/python/).
            if owner == "subword._core":
                continue
            qualified = f"{owner}.{obj.__qualname__}"  # type: ignore[attr-defined]
            names.setdefault(qualified, obj)
            if inspect.isclass(obj):
                for member, value in _members(obj):
                    names.setdefault(f"{qualified}.{member}", value)
    return names


NAMES = public_names()


def test_the_walk_finds_the_public_api() -> None:
    for name in (
        "subword.models.bpe.BPE.train_from_iterator",
        "subword.models.wordpiece.WordPiece.vocab_size",  # inherited from a private base
        "subword.bert.BertTokenizer.chunk",
        "subword.bert.BertTokenizer.pad_token_id",
        "subword.normalization.BasicTokenizer.tokenize",
        "subword.chunking.plan_chunks",
        "subword.truncation.truncation_windows",
        "subword.processors.assemble",
        "subword.batch_encoding.BatchEncoding",
        "subword.decoding.decode_tokens",
        "subword.special_tokens.SpecialTokensMixin.cls_token_id",
        "subword.cli.main",
        "subword.cli.train.run",
        "subword.pretraining.mask_tokens",
        "subword.distributed.count_words",
    ):
        assert name in NAMES
    assert not any(".__" in name or "._" in name for name in NAMES)
    assert len(NAMES) >= 90


@pytest.mark.parametrize("name", sorted(NAMES))
def test_public_name_has_a_docstring_with_an_example(name: str) -> None:
    doc = inspect.getdoc(NAMES[name])
    assert doc and doc.strip(), f"{name} has no doc string"
    assert ">>>" in doc, f"{name}: its doc string has no example (>>>)"


@pytest.mark.parametrize("module", public_modules(), ids=lambda module: module.__name__)
def test_public_module_has_a_docstring(module: ModuleType) -> None:
    assert (module.__doc__ or "").strip(), f"{module.__name__} has no doc string"


def test_skipped_examples_are_only_the_allowed_ones() -> None:
    skips = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"doctest:.*\+SKIP", line):
                key = f"{path.relative_to(PACKAGE).as_posix()}:{line.strip()}"
                skips[key] = line
    unexpected = sorted(set(skips) - set(ALLOWED_SKIPS))
    assert not unexpected, "examples skipped without a reason in ALLOWED_SKIPS:\n" + "\n".join(
        unexpected
    )
    assert len(skips) <= len(ALLOWED_SKIPS)
