"""Loads transformers' own tokenizer test suite (``TokenizerTesterMixin``) for tests/peer.

Their file ``tests/test_tokenization_common.py`` is taken at test time from the transformers
sdist on PyPI (``pip download --no-deps --no-binary :all: transformers==5.24.0``), cached
outside the repository: ``$SUBWORD_PEER_CACHE`` or ``~/.cache/subword-peer``. None of their
code is kept in this repository.

How it is loaded: the three files it needs from the sdist's ``tests/`` folder (the common
file and the two sibling mixins it imports relatively) are extracted into
``<cache>/transformers-5.24.0/tests/``; that folder becomes the ``__path__`` of a synthetic
package, ``_transformers_peer_tests``, so ``from .test_tokenizers_backend_mixin import ...``
resolves there. A sibling that the sdist does not hold is replaced by an empty stand-in
module that defines only the mixin name imported from it. Two more small stand-ins, none of
which touches an assertion:

* ``tests/fixtures/sample_text.txt``: the mixin's ``setUpClass`` reads it (into ``cls._data``,
  which no test uses) and the sdist does not ship it; we write a few lines of our own text.
* ``transformers.testing_utils._run_slow_tests`` is set before the file is loaded, so the
  one test marked ``@slow`` (``test_conversion_reversible``, local and quick here) runs
  instead of being skipped.

``SUBWORD_PEER_CLASS`` selects the class under test: ``subword`` (the default) or
``transformers`` (transformers' own ``BertTokenizer``, to tell their failures from ours).
``SUBWORD_PEER_RUN_EXCLUDED=1`` runs the excluded tests too (see the test module).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tarfile
import types
from pathlib import Path

TRANSFORMERS_VERSION = "5.24.0"
SDIST_NAME = f"transformers-{TRANSFORMERS_VERSION}.tar.gz"
PACKAGE = "_transformers_peer_tests"
COMMON = "test_tokenization_common"
# The sibling modules test_tokenization_common imports relatively, and the names it takes.
SIBLINGS = {
    "test_sentencepiece_backend_mixin": "SentencePieceBackendTesterMixin",
    "test_tokenizers_backend_mixin": "TokenizersBackendTesterMixin",
}

SAMPLE_TEXT = """\
This is a small sample text for the tokenizer tests.
It has a few sentences, some punctuation, and numbers like 42 and 3.14.

A second paragraph follows the blank line; the mixin only reads it.
"""


def cache_dir() -> Path:
    """Where the sdist and the files taken from it are kept (outside the repository)."""
    return Path(os.environ.get("SUBWORD_PEER_CACHE", Path.home() / ".cache" / "subword-peer"))


def _download_sdist(folder: Path) -> Path:
    sdist = folder / SDIST_NAME
    if sdist.exists():
        return sdist
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--no-binary",
        ":all:",
        f"transformers=={TRANSFORMERS_VERSION}",
        "-d",
        str(folder),
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0 or not sdist.exists():
        raise RuntimeError(
            f"tests/peer needs transformers' tests/test_tokenization_common.py from the "
            f"transformers {TRANSFORMERS_VERSION} sdist on PyPI, and downloading it failed.\n"
            f"command: {' '.join(command)}\nexit code: {result.returncode}\n"
            f"stderr (tail):\n{result.stderr[-2000:]}\n"
            f"Fix the network/PyPI access, or put {SDIST_NAME} in {folder} "
            f"(or point SUBWORD_PEER_CACHE at a folder holding it)."
        )
    return sdist


def suite_dir() -> Path:
    """The ``tests`` folder holding their files, downloaded and extracted on first use."""
    folder = cache_dir()
    tests = folder / f"transformers-{TRANSFORMERS_VERSION}" / "tests"
    wanted = [COMMON, *SIBLINGS]
    if not (tests / f"{COMMON}.py").exists():
        sdist = _download_sdist(folder)
        prefix = f"transformers-{TRANSFORMERS_VERSION}/tests/"
        try:
            with tarfile.open(sdist) as archive:
                names = set(archive.getnames())
                if f"{prefix}{COMMON}.py" not in names:
                    raise RuntimeError(f"{sdist} has no {prefix}{COMMON}.py")
                tests.mkdir(parents=True, exist_ok=True)
                for name in wanted:
                    member = f"{prefix}{name}.py"
                    if member in names:
                        data = archive.extractfile(member).read()  # type: ignore[union-attr]
                        part = tests / f"{name}.py.part"
                        part.write_bytes(data)
                        part.replace(tests / f"{name}.py")
        except (tarfile.TarError, OSError) as error:
            raise RuntimeError(
                f"could not read {sdist} ({error}); delete it to download it again"
            ) from error
    sample = tests / "fixtures" / "sample_text.txt"
    if not sample.exists():
        sample.parent.mkdir(parents=True, exist_ok=True)
        sample.write_text(SAMPLE_TEXT, encoding="utf-8")
    return tests


def load_common() -> types.ModuleType:
    """Their ``test_tokenization_common`` module, imported inside the synthetic package."""
    name = f"{PACKAGE}.{COMMON}"
    if name in sys.modules:
        return sys.modules[name]
    tests = suite_dir()

    import transformers.testing_utils as testing_utils

    testing_utils._run_slow_tests = True  # read by @slow when their file is loaded

    package = types.ModuleType(PACKAGE)
    package.__path__ = [str(tests)]
    package.__package__ = PACKAGE
    sys.modules[PACKAGE] = package
    for sibling, mixin in SIBLINGS.items():
        if not (tests / f"{sibling}.py").exists():
            stand_in = types.ModuleType(f"{PACKAGE}.{sibling}")
            setattr(stand_in, mixin, type(mixin, (), {}))
            sys.modules[stand_in.__name__] = stand_in
    return importlib.import_module(name)


def peer_class_name() -> str:
    """``subword`` or ``transformers``: whose BertTokenizer the suite runs on."""
    value = os.environ.get("SUBWORD_PEER_CLASS", "subword").strip().lower()
    if value not in ("subword", "transformers"):
        raise RuntimeError(f"SUBWORD_PEER_CLASS must be 'subword' or 'transformers', not {value!r}")
    return value


# --- the local "pretrained" folder the suite's from_pretrained_id points at ----------------

_pretrained: Path | None = None


def write_pretrained(folder: Path, vocab_file: Path) -> Path:
    """A local stand-in for the hub's google-bert/bert-base-uncased tokenizer folder.

    The real bert-base-uncased ``vocab.txt``, its ``tokenizer_config.json``
    (``do_lower_case``, ``model_max_length`` 512) and a ``config.json`` naming the model
    type, so that transformers' ``AutoTokenizer`` (which the mixin's ``setUpClass`` calls)
    loads it as a ``BertTokenizer``. No network.
    """
    global _pretrained
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_bytes(Path(vocab_file).read_bytes())
    (folder / "tokenizer_config.json").write_text(
        '{"do_lower_case": true, "model_max_length": 512}\n', encoding="utf-8"
    )
    (folder / "config.json").write_text(
        '{"model_type": "bert", "architectures": ["BertForMaskedLM"], "vocab_size": 30522}\n',
        encoding="utf-8",
    )
    _pretrained = folder
    return folder


def pretrained_dir() -> Path:
    """The folder written by :func:`write_pretrained` (by tests/peer/conftest.py's fixture)."""
    if _pretrained is None:
        raise RuntimeError(
            "tests/peer: the local bert-base-uncased folder was not written; run these tests "
            "with pytest (tests/peer/conftest.py writes it from the bert_vocab_file fixture)"
        )
    return _pretrained
