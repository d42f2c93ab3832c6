"""Every example in README.md and docs/*.md runs as it stands.

- Each ```python block of a file runs, in order, in one namespace per file (later examples
  use earlier names, as a reader would), in a fresh folder holding ``corpus.txt`` (a copy
  of en-1m.txt) and ``bert-vocab.txt`` (the bert-base-uncased vocab).
- In docs/cli.md and the README, each line of a ```sh block runs in bash and must exit
  with status 0; the commands of a ```console block (``$ `` lines) run as one bash
  script whose combined stdout and stderr must equal the block's other lines. Both kinds
  run in document order in one folder, with the installed ``subword`` command first on PATH.
- Every docs/*.md file has at least one executed block, unless listed in PROSE_ONLY.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
DOCS = sorted((REPO / "docs").glob("*.md"))
CLI_DOC = REPO / "docs" / "cli.md"
#: docs/*.md files without examples on purpose (file name -> why). Empty today.
PROSE_ONLY: dict[str, str] = {}

FENCE = re.compile(r"^```(\w+)\n(.*?)^```[ \t]*$", flags=re.S | re.M)


def blocks(path: Path, *languages: str) -> list[tuple[str, int, str]]:
    """``(language, first line number of the code, code)`` of each fenced block, in order."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        if match.group(1) in languages:
            line = text.count("\n", 0, match.start(2)) + 1
            found.append((match.group(1), line, match.group(2)))
    return found


def name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.fixture
def folder(corpora: Path, tmp_path: Path, monkeypatch) -> Path:
    """A fresh working folder with the example data, made the current directory."""
    shutil.copy(corpora / "en-1m.txt", tmp_path / "corpus.txt")
    shutil.copy(corpora / "bert-base-uncased-vocab.txt", tmp_path / "bert-vocab.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _close_clusters(namespace: dict) -> None:
    """Closes Dask clients and clusters an example left open (the examples close theirs)."""
    for value in namespace.values():
        if type(value).__module__.startswith("distributed") and hasattr(value, "close"):
            value.close()


@pytest.mark.parametrize("path", [README, *(p for p in DOCS if blocks(p, "python"))], ids=name)
def test_python_examples_run(path: Path, folder: Path) -> None:
    examples = blocks(path, "python")
    assert examples, f"{name(path)} has no python example"
    namespace: dict = {"__name__": "__main__"}
    try:
        for _, line, code in examples:
            # Pad so that a traceback names the line of the markdown file.
            exec(compile("\n" * (line - 1) + code, str(path), "exec"), namespace)
    finally:
        _close_clusters(namespace)
    if path == README:
        assert len(examples) >= 6
        assert (folder / "bpe-model" / "merges.txt").exists()
        assert (folder / "wp-model" / "vocab.txt").exists()


def _shell_env() -> dict[str, str]:
    """The environment with the installed ``subword`` and this ``python`` first on PATH."""
    command = shutil.which("subword")
    assert command, "the subword command is not installed"
    first = [os.path.dirname(command), os.path.dirname(sys.executable)]
    return {**os.environ, "PATH": os.pathsep.join([*first, os.environ.get("PATH", "")])}


def _bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", "set -o pipefail\n" + script],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=600,
    )


@pytest.mark.parametrize(
    ("path", "least"), [(CLI_DOC, 20), (README, 5)], ids=["docs/cli.md", "README.md"]
)
def test_cli_examples_run(path: Path, least: int, folder: Path) -> None:
    env = _shell_env()
    examples = blocks(path, "sh", "console")
    if path == CLI_DOC:
        assert {language for language, _, _ in examples} == {"sh", "console"}
    ran = 0
    for language, line, code in examples:
        if language == "sh":
            for offset, command in enumerate(code.splitlines()):
                if not command.strip() or command.lstrip().startswith("#"):
                    continue
                result = _bash(command, env)
                where = f"{name(path)}:{line + offset}"
                assert result.returncode == 0, f"{where}: {command}\n{result.stdout}"
                ran += 1
            continue
        commands = [row[2:] for row in code.splitlines() if row.startswith("$ ")]
        expected = "".join(row + "\n" for row in code.splitlines() if not row.startswith("$ "))
        result = _bash("\n".join(commands), env)
        assert result.stdout == expected, f"{name(path)}:{line}: {commands}"
        ran += len(commands)
    assert ran >= least


def test_cli_doc_covers_every_command_and_option() -> None:
    """Each subcommand's --help options appear in docs/cli.md."""
    text = CLI_DOC.read_text(encoding="utf-8")
    env = _shell_env()
    for command in ("train", "encode", "chunk", "pretrain-data"):
        assert f"## `subword {command}`" in text
        usage = _bash(f"subword {command} --help", env).stdout
        for option in set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", usage)) - {"--help"}:
            assert f"`{option}" in text, f"subword {command} {option} is not in docs/cli.md"


@pytest.mark.parametrize("path", DOCS, ids=name)
def test_every_doc_has_examples_or_is_prose_only(path: Path) -> None:
    executed = blocks(path, "python") + (blocks(path, "sh", "console") if path == CLI_DOC else [])
    if path.name in PROSE_ONLY:
        assert not executed, f"{name(path)} is listed as prose-only but has examples"
    else:
        assert executed, (
            f"{name(path)} has no executed example: add a ```python block or list it in "
            "PROSE_ONLY in tests/test_docs.py"
        )


@pytest.mark.parametrize("model", ["wordpiece", "bpe"])
def test_demo_shows_a_trained_model(model: str, folder: Path) -> None:
    """The README's main job ends in examples/demo.py on the model just trained."""
    env = _shell_env()
    trained = _bash(f"subword train corpus.txt --model {model} --vocab-size 2000 -q -o m", env)
    assert trained.returncode == 0, trained.stdout
    demo = REPO / "examples" / "demo.py"
    shown = _bash(f"python {demo} m 'unbelievable tokenizers' --held-out corpus.txt", env)
    assert shown.returncode == 0, shown.stdout
    assert "unbelievable tokenizers\n  tokens: [" in shown.stdout and "ids:    [" in shown.stdout
    assert "tokens per word" in shown.stdout and "words kept whole" in shown.stdout
