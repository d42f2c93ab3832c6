"""Every Python example in the README runs as it stands."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_examples_run(corpora: Path, tmp_path: Path, monkeypatch) -> None:
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    shutil.copy(corpora / "en-1m.txt", tmp_path / "corpus.txt")
    shutil.copy(corpora / "bert-base-uncased-vocab.txt", tmp_path / "bert-vocab.txt")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:  # one namespace: later examples use earlier names, as a reader would
        exec(compile(block, str(README), "exec"), namespace)
    assert os.path.exists("bpe-model/merges.txt") and os.path.exists("wp-model/vocab.txt")
