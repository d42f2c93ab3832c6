"""Shared fixtures: the real corpora and BERT vocab from ``../shared/corpora/fetch``, and
the BERT tokenizers built from that vocab (ours and transformers' two).

The corpora live outside the repository (never committed). ``SUBWORD_CORPORA`` names the
folder; by default it is ``~/.cache/subword-corpora``, filled by the fetch script on first
use. Tests that need real data fail loudly when it cannot be had: they are never skipped.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pytest
from subword.bert import BertTokenizer

REPO = Path(__file__).resolve().parent.parent
FETCH = REPO.parent / "shared" / "corpora" / "fetch"

# A shell starts background jobs with SIGINT ignored, and children inherit that: the
# Ctrl-C tests (which send SIGINT to child processes, and to this one) would then test
# nothing. Handling SIGINT as a foreground run does makes the suite pass however it is
# started; exec() resets a handled signal to its default, so children get it too.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def corpora_dir() -> Path:
    """The folder holding the corpora, fetched on first use."""
    folder = Path(os.environ.get("SUBWORD_CORPORA", Path.home() / ".cache" / "subword-corpora"))
    if not (folder / "en-1m.txt").exists() or not (folder / "bert-base-uncased-vocab.txt").exists():
        subprocess.run([str(FETCH), str(folder)], check=True, stdout=subprocess.DEVNULL)
    return folder


@pytest.fixture(scope="session")
def corpora() -> Path:
    """Path of the folder with en-1m.txt, en-10m.txt, zh-2m.txt, bert-base-uncased-vocab.txt..."""
    return corpora_dir()


@pytest.fixture(scope="session")
def bert_vocab_file(corpora: Path) -> Path:
    """The real bert-base-uncased vocab.txt (30,522 tokens)."""
    return corpora / "bert-base-uncased-vocab.txt"


@pytest.fixture(scope="session")
def ours(bert_vocab_file: Path) -> BertTokenizer:
    """Our :class:`~subword.bert.BertTokenizer` over the real bert-base-uncased vocab."""
    return BertTokenizer(bert_vocab_file)


@pytest.fixture(scope="session")
def fast(bert_vocab_file: Path) -> Any:
    """transformers 5's ``BertTokenizer`` (``tokenizers``-backed) over the same vocab."""
    from reference.bert import transformers_fast

    return transformers_fast(bert_vocab_file)


@pytest.fixture(scope="session")
def legacy(bert_vocab_file: Path) -> Any:
    """transformers 5's pure-Python ``BertTokenizerLegacy`` over the same vocab."""
    from reference.bert import transformers_legacy

    return transformers_legacy(bert_vocab_file)


# --- the command line (test_cli.py, test_pretraining.py) -----------------------------------

EN_SLICE_BYTES = 200_000


@pytest.fixture(scope="session")
def en_slice(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 200 KB of en-1m.txt, cut at a line end: a small real corpus file."""
    data = (corpora / "en-1m.txt").read_bytes()[:EN_SLICE_BYTES]
    path = tmp_path_factory.mktemp("corpus") / "en-slice.txt"
    path.write_bytes(data[: data.rfind(b"\n") + 1])
    return path
