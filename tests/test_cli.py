"""End-to-end tests of the installed ``subword`` command, each run in a subprocess."""

from __future__ import annotations

import fcntl
import gzip
import json
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

import pytest
import subword

SUBWORD = shutil.which("subword")


def run(*args, stdin: bytes | None = None, cwd=None) -> subprocess.CompletedProcess:
    assert SUBWORD, "the subword command is not installed"
    return subprocess.run(
        [SUBWORD, *map(str, args)], input=stdin, capture_output=True, cwd=cwd, timeout=300
    )


def run_python(code: str, *args) -> subprocess.CompletedProcess:
    """``main(args)`` in a fresh interpreter after ``code`` (used to stub modules)."""
    script = textwrap.dedent(code) + "\nfrom subword.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", "import sys\n" + script, *map(str, args)],
        capture_output=True,
        timeout=300,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout.decode()


def error_line(result: subprocess.CompletedProcess) -> str:
    """The single stderr line of a failed run (exit 2, no traceback)."""
    err = result.stderr.decode()
    assert result.returncode == 2, (result.returncode, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("subword: error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def corpus(en_slice: Path) -> Path:
    return en_slice


@pytest.fixture(scope="module")
def wordpiece_dir(corpus: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "wp"
    result = run("train", corpus, "--vocab-size", "4000", "-o", out)
    ok(result)
    summary = result.stderr.decode()
    for row in ("files", "bytes", "distinct words", "alphabet", "merges", "vocab size", "time"):
        assert row in summary
    assert "peak memory" in summary and "4,000" in summary
    assert "wordpiece (likelihood, refined)" in summary
    return out


@pytest.fixture(scope="module")
def bpe_dir(corpus: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("models") / "bpe"
    ok(run("train", corpus, "--model", "bpe", "--num-merges", "2000", "-q", "-o", out))
    return out


# --- basics -----------------------------------------------------------------------------


def test_version():
    assert ok(run("--version")).strip() == f"subword {subword.__version__}"


@pytest.mark.parametrize("command", [[], ["train"], ["encode"], ["chunk"], ["evaluate"]])
def test_help_has_examples(command):
    out = ok(run(*command, "--help"))
    assert "examples:" in out and "usage: subword" in out


def test_train_writes_a_complete_directory(wordpiece_dir: Path, bpe_dir: Path):
    assert sorted(p.name for p in wordpiece_dir.iterdir()) == [
        "subword.json",
        "tokenizer.json",
        "vocab.txt",
    ]
    assert json.loads((wordpiece_dir / "subword.json").read_text())["model"] == "wordpiece"
    assert len((wordpiece_dir / "vocab.txt").read_text().splitlines()) == 4000
    assert sorted(p.name for p in bpe_dir.iterdir()) == [
        "merges.txt",
        "subword.json",
        "tokenizer.json",
        "vocab.json",
    ]
    assert len(subword.BPE.load(bpe_dir).merges) == 2000
    # readable like any file the user creates (mkstemp alone would make it 0600)
    modes = {p.name: p.stat().st_mode & 0o777 for p in wordpiece_dir.iterdir()}
    assert modes["subword.json"] == modes["vocab.txt"]
    # no temporary siblings left behind
    assert sorted(p.name for p in wordpiece_dir.parent.iterdir()) == ["wp"]


def test_progress_bars_on_a_terminal(corpus: Path, tmp_path: Path):
    """Bars for reading (bytes) and merging (merges) when stderr is a terminal."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(
        [SUBWORD, "train", corpus, "-o", tmp_path / "m"],
        stdout=subprocess.DEVNULL,
        stderr=secondary,
    )
    os.close(secondary)
    drawn = b""
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        drawn += data
    os.close(primary)
    assert process.wait(timeout=60) == 0
    assert b"reading:" in drawn and b"merging:" in drawn and b"vocab size" in drawn


def test_quiet_prints_nothing(corpus: Path, tmp_path: Path):
    result = run("train", corpus, "--model", "bpe", "--vocab-size", "500", "-q", "-o", tmp_path)
    assert ok(result) == "" and result.stderr == b""


def test_train_is_the_library_training(corpus: Path, bpe_dir: Path):
    expected = subword.BPE.train(corpus, num_merges=2000)
    assert subword.BPE.load(bpe_dir).merges == expected.merges


def test_existing_directory_is_overwritten_in_place(corpus: Path, tmp_path: Path):
    (tmp_path / "keep.txt").write_text("mine")
    (tmp_path / "vocab.txt").write_text("old\n")
    ok(run("train", corpus, "--vocab-size", "500", "-q", "-o", tmp_path))
    assert (tmp_path / "keep.txt").read_text() == "mine"
    assert len((tmp_path / "vocab.txt").read_text().splitlines()) == 500
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "keep.txt",
        "subword.json",
        "tokenizer.json",
        "vocab.txt",
    ]


# --- inputs: gzip, stdin, globs ---------------------------------------------------------


def test_gzip_stdin_and_globs_give_the_same_vocab(corpus: Path, wordpiece_dir: Path, tmp_path):
    expected = (wordpiece_dir / "vocab.txt").read_text()
    data = corpus.read_bytes()
    half = data.rfind(b"\n", 0, len(data) // 2) + 1
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(data[:half]))
    (tmp_path / "b.txt").write_bytes(data[half:])
    (tmp_path / "all.txt.gz").write_bytes(gzip.compress(data))
    options = ("-q", "--vocab-size", "4000", "-o")
    ok(run("train", "all.txt.gz", *options, "gz", cwd=tmp_path))
    ok(run("train", "-", *options, "stdin", stdin=data, cwd=tmp_path))
    ok(run("train", "-", *options, "stdin-gz", stdin=gzip.compress(data), cwd=tmp_path))
    ok(run("train", "[ab].txt*", *options, "glob", cwd=tmp_path))
    for out in ("gz", "stdin", "stdin-gz", "glob"):
        assert (tmp_path / out / "vocab.txt").read_text() == expected, out


def test_bpe_reads_gzip_and_stdin_like_plain_files(corpus: Path, bpe_dir: Path, tmp_path):
    """The Rust file counter (plain files) and the streaming path agree."""
    expected = (bpe_dir / "merges.txt").read_text()
    data = gzip.compress(corpus.read_bytes())
    options = ("--model", "bpe", "--num-merges", "2000", "-q", "-o")
    ok(run("train", "-", *options, tmp_path / "in", stdin=data))
    assert (tmp_path / "in" / "merges.txt").read_text() == expected


# --- encode and chunk -------------------------------------------------------------------


def lines_of(corpus: Path, n: int) -> list[str]:
    return corpus.read_text(encoding="utf-8").split("\n")[:n]


def test_encode_formats_match_the_library(corpus: Path, wordpiece_dir: Path):
    texts = lines_of(corpus, 50)
    tokenizer = subword.BertTokenizer.from_pretrained(wordpiece_dir)
    expected = tokenizer(texts)["input_ids"]
    ids = ok(run("encode", "-m", wordpiece_dir, "--format", "ids", corpus)).splitlines()[:50]
    assert [[int(i) for i in line.split()] for line in ids] == expected
    stdin = "\n".join(texts).encode()
    tokens = ok(run("encode", "-m", wordpiece_dir, stdin=stdin)).splitlines()
    assert [line.split() for line in tokens] == [
        tokenizer.convert_ids_to_tokens(r) for r in expected
    ]
    records = [
        json.loads(line)
        for line in ok(
            run(
                "encode",
                "-m",
                wordpiece_dir,
                "--format",
                "jsonl",
                "--offsets",
                "--max-length",
                "16",
                stdin=stdin,
            )
        ).splitlines()
    ]
    truncated = tokenizer(texts, truncation=True, max_length=16, return_offsets_mapping=True)
    assert [r["input_ids"] for r in records] == truncated["input_ids"]
    assert [r["token_type_ids"] for r in records] == truncated["token_type_ids"]
    assert [[tuple(o) for o in r["offset_mapping"]] for r in records] == truncated["offset_mapping"]


def test_encode_pairs(corpus: Path, wordpiece_dir: Path):
    texts = [t for t in lines_of(corpus, 40) if t][:10]
    pairs = list(zip(texts[::2], texts[1::2], strict=True))
    stdin = "\n".join(f"{a}\t{b}" for a, b in pairs).encode()
    args = ("encode", "-m", wordpiece_dir, "--pair", "--format", "jsonl", "--truncation")
    out = ok(run(*args, "--max-length", 40, stdin=stdin))
    records = [json.loads(x) for x in out.splitlines()]
    tokenizer = subword.BertTokenizer.from_pretrained(wordpiece_dir)
    expected = tokenizer(
        [a for a, _ in pairs], [b for _, b in pairs], truncation="longest_first", max_length=40
    )
    assert all(len(row) == 40 for row in expected["input_ids"])
    line = error_line(run(*args, "only_first", "--max-length", 40, stdin=stdin))
    assert line.startswith("subword: error: <stdin>: line 1: ")
    assert [r["input_ids"] for r in records] == expected["input_ids"]
    assert [r["token_type_ids"] for r in records] == expected["token_type_ids"]


def test_encode_bpe(corpus: Path, bpe_dir: Path, tmp_path: Path):
    texts = lines_of(corpus, 30)
    (tmp_path / "in.txt.gz").write_bytes(gzip.compress("\n".join(texts).encode()))
    out = ok(run("encode", "-m", bpe_dir, "--format", "ids", tmp_path / "in.txt.gz"))
    expected = subword.BPE.load(bpe_dir).encode_batch(texts)
    assert [[int(i) for i in line.split()] for line in out.splitlines()] == expected


def test_chunk_matches_the_library(corpus: Path, wordpiece_dir: Path):
    texts = [t for t in lines_of(corpus, 30) if t][:5]
    stdin = "\n".join(texts).encode()
    out = ok(run("chunk", "-m", wordpiece_dir, "--max-length", 24, "--stride", 8, stdin=stdin))
    records = [json.loads(line) for line in out.splitlines()]
    tokenizer = subword.BertTokenizer.from_pretrained(wordpiece_dir)
    expected = [
        (number, window, chunk["input_ids"])
        for number, text in enumerate(texts, start=1)
        for window, chunk in enumerate(tokenizer.chunk(text, max_length=24, stride=8))
    ]
    assert [(r["line"], r["window"], r["input_ids"]) for r in records] == expected
    assert all(len(r["input_ids"]) <= 24 and "offset_mapping" in r for r in records)
    head_tail = ok(
        run(
            "chunk",
            "-m",
            wordpiece_dir,
            "--strategy",
            "head_tail",
            "--max-length",
            20,
            "--head",
            6,
            stdin=stdin,
        )
    )
    assert len(head_tail.splitlines()) == len(texts)


def test_closed_stdout_pipe_exits_quietly(corpora: Path, wordpiece_dir: Path):
    process = subprocess.Popen(
        [SUBWORD, "encode", "-m", wordpiece_dir, corpora / "en-1m.txt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""


# --- errors -----------------------------------------------------------------------------


@pytest.fixture
def bad_inputs(tmp_path: Path) -> Path:
    (tmp_path / "bad.txt").write_bytes(b"fine line\nabc \xff def\n")
    (tmp_path / "empty.txt").write_bytes(b"  \n\n")
    (tmp_path / "folder").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "vocab.txt").write_text("[UNK]\na\na\n")
    (tmp_path / "trunc.gz").write_bytes(gzip.compress(b"some text\n" * 1000)[:50])
    return tmp_path


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("train", "missing.txt"), "missing.txt: no such file"),
        (("train", "folder"), "folder: is a directory"),
        (("train", "bad.txt"), "bad.txt: invalid UTF-8 at byte offset 14 (line 2)"),
        (("train", "--model", "bpe", "bad.txt"), "bad.txt: invalid UTF-8 at byte offset 14"),
        (("train", "empty.txt"), "empty.txt: the corpus is empty"),
        (("train", "trunc.gz"), "trunc.gz: not a valid gzip file"),
        (("train", "bad.txt", "--byte-fallback"), "--byte-fallback is for --model bpe"),
        (("train", "nothing*.txt"), "nothing*.txt: no file matches"),
        (("train", "bad.txt", "-o", "bad.txt"), "bad.txt: exists and is not a directory"),
        (("encode", "-m", "nowhere", "bad.txt"), "nowhere: no such model directory"),
        (("encode", "-m", "folder", "bad.txt"), "folder: not a model directory"),
        (("encode", "-m", "broken", "bad.txt"), 'vocab.txt:3: duplicate token "a"'),
        (("evaluate", "nowhere", "bad.txt"), "nowhere: no such model directory"),
        (("evaluate", "broken", "empty.txt"), 'vocab.txt:3: duplicate token "a"'),
        (("train", "bad.txt", "--model", "bpe", "--scoring", "pmi"), "--scoring is for"),
        (("train", "bad.txt", "--model", "bpe", "--refine"), "--refine is for --model wordpiece"),
        (("train", "bad.txt", "--model", "bpe", "--no-refine"), "--refine is for"),
    ],
)
def test_errors_are_one_line(bad_inputs: Path, args, expected):
    assert expected in error_line(run(*args, cwd=bad_inputs))


def test_scoring_is_recorded_and_changes_the_vocab(corpus: Path, wordpiece_dir: Path, tmp_path):
    assert json.loads((wordpiece_dir / "subword.json").read_text())["scoring"] == "likelihood"
    ok(run("train", corpus, "--vocab-size", "4000", "--scoring", "pmi", "-q", "-o", tmp_path))
    assert json.loads((tmp_path / "subword.json").read_text())["scoring"] == "pmi"
    library = subword.WordPiece.train(corpus, vocab_size=4000, scoring="pmi", refine=True)
    assert (tmp_path / "vocab.txt").read_text().splitlines() == list(library.vocab)
    assert library.vocab != subword.WordPiece.load(wordpiece_dir).vocab


def test_refine_is_on_by_default_and_recorded(corpus: Path, wordpiece_dir: Path, tmp_path):
    assert json.loads((wordpiece_dir / "subword.json").read_text())["refine"] is True
    refined = subword.WordPiece.train(corpus, vocab_size=4000, refine=True)
    assert subword.WordPiece.load(wordpiece_dir).vocab == refined.vocab
    result = run("train", corpus, "--vocab-size", "4000", "--no-refine", "-o", tmp_path)
    assert "wordpiece (likelihood)\n" in ok(result) + result.stderr.decode()
    assert json.loads((tmp_path / "subword.json").read_text())["refine"] is False
    plain = subword.WordPiece.train(corpus, vocab_size=4000)
    assert (tmp_path / "vocab.txt").read_text().splitlines() == list(plain.vocab)
    assert plain.vocab != refined.vocab


def test_evaluate_reports_the_library_figures(corpus: Path, wordpiece_dir: Path, tmp_path):
    held_out = tmp_path / "held-out.txt"
    held_out.write_text("Hugs pun!\nhug ?\n\n", encoding="utf-8")
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhug\n##s\npun\n!\n", encoding="utf-8")
    (report,) = json.loads(ok(run("evaluate", vocab, held_out, "--json", "--max-length", 5)))
    # hugs -> hug ##s, pun, ! | hug, ? -> [UNK]; line 1 is 6 tokens with [CLS] [SEP]
    assert (report["words"], report["tokens"], report["unk_tokens"]) == (5, 6, 1)
    assert (report["lines"], report["lines_over_max_length"]) == (2, 1)
    assert report["whole_word_share"] == pytest.approx(0.6)
    assert report["most_split"] == [{"word": "hugs", "count": 1, "tokens": ["hug", "##s"]}]
    # Side by side, as the library computes them.
    table = ok(run("evaluate", wordpiece_dir, corpus, "--compare", vocab))
    assert table.splitlines()[0].split() == ["figure", str(wordpiece_dir), str(vocab)]
    expected = subword.WordPiece.load(wordpiece_dir).evaluate(corpus).tokens_per_word
    row = next(line for line in table.splitlines() if line.startswith("tokens per word"))
    assert row.split()[3] == f"{expected:.3f}"


def test_evaluate_on_bad_utf8_names_the_option(bad_inputs: Path, tmp_path: Path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[UNK]\nfine\n", encoding="utf-8")
    line = error_line(run("evaluate", vocab, "bad.txt", cwd=bad_inputs))
    assert "bad.txt: invalid UTF-8 at byte offset 14 (line 2); pass --errors replace" in line
    ok(run("evaluate", vocab, "bad.txt", "--errors", "replace", cwd=bad_inputs))


def test_evaluate_on_an_empty_file_is_one_line(bad_inputs: Path, tmp_path: Path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[UNK]\nhug\n", encoding="utf-8")
    assert "no words to evaluate on" in error_line(run("evaluate", vocab, bad_inputs / "empty.txt"))


def test_vocab_size_too_small(corpus: Path, tmp_path: Path):
    line = error_line(run("train", corpus, "--vocab-size", "10", "-o", tmp_path / "out"))
    assert "--vocab-size 10 is smaller than" in line
    assert not (tmp_path / "out").exists()


def test_model_errors(corpus: Path, wordpiece_dir: Path, bpe_dir: Path):
    assert "chunk needs a BERT WordPiece model" in error_line(run("chunk", "-m", bpe_dir, corpus))
    line = error_line(run("encode", "-m", wordpiece_dir, "--pair", corpus))
    assert f"{corpus}: line 1: --pair needs two texts" in line
    line = error_line(
        run("chunk", "-m", wordpiece_dir, "--stride", 30, "--max-length", 20, stdin=b"text\n")
    )
    assert "stride" in line


def test_bad_utf8_replaced_on_request(bad_inputs: Path):
    ok(run("train", "bad.txt", "--errors", "replace", "-q", "-o", "out", cwd=bad_inputs))


def test_debug_shows_the_traceback(bad_inputs: Path):
    result = run("--debug", "train", "missing.txt", cwd=bad_inputs)
    assert result.returncode != 0 and b"Traceback" in result.stderr


@pytest.mark.parametrize("model", ["bpe", "wordpiece"])
def test_ctrl_c_exits_130_within_a_second_and_leaves_no_directory(
    corpora: Path, tmp_path: Path, model: str
):
    out = tmp_path / "model"
    # Merging until every word is one symbol takes far longer than the test waits, however
    # fast the build: the signal always lands while the command is working.
    size = ("--num-merges" if model == "bpe" else "--vocab-size", "100000000")
    command = [SUBWORD, "train", corpora / "en-10m.txt", "--model", model, *size, "-o", out]
    process = subprocess.Popen([*command, "--min-frequency", "1"], stderr=subprocess.PIPE)
    time.sleep(1.5)  # started, importing done, counting or merging
    process.send_signal(signal.SIGINT)
    start = time.perf_counter()
    assert process.wait(timeout=30) == 130
    assert time.perf_counter() - start < 2  # a second to stop, plus interpreter shutdown
    stderr = process.stderr.read()
    assert b"interrupted" in stderr and b"Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []


# --- wiring of the other commands ---------------------------------------------------------


def test_dask_without_the_module_is_a_clear_error(corpus: Path):
    result = run_python(
        "sys.modules['subword.distributed'] = None", "train", corpus, "--workers", 2
    )
    assert "subword.distributed is not part of this installation" in error_line(result)


def test_dask_options_route_to_count_words_distributed(corpus: Path, tmp_path: Path):
    stub = f"""
    import types, json, subword._core
    module = types.ModuleType("subword.distributed")
    def count_words_distributed(files, *, address=None, workers=None, **options):
        with open({str(tmp_path / "call.json")!r}, "w") as out:
            json.dump(dict(files=files, address=address, workers=workers, **options), out)
        return subword._core.WordCounts.from_dict({{"low": 5, "lower": 2, "newest": 6}})
    module.count_words_distributed = count_words_distributed
    sys.modules["subword.distributed"] = module
    """
    result = run_python(
        stub,
        "train",
        corpus,
        "--dask",
        "tcp://x:8786",
        "--workers",
        3,
        "--model",
        "bpe",
        "--num-merges",
        3,
        "-q",
        "-o",
        tmp_path / "m",
    )
    ok(result)
    call = json.loads((tmp_path / "call.json").read_text())
    assert call == {
        "files": [str(corpus)],
        "address": "tcp://x:8786",
        "workers": 3,
        "pre_tokenizer": "whitespace",
        "lowercase": True,
        "strip_accents": None,
        "errors": "strict",
        "max_word_bytes": None,
    }
    assert len(subword.BPE.load(tmp_path / "m").merges) == 3


# --- compatibility with transformers -------------------------------------------------------


def test_transformers_loads_the_trained_directory(corpora: Path, wordpiece_dir: Path):
    transformers = pytest.importorskip("transformers")
    theirs = transformers.BertTokenizer(str(wordpiece_dir / "vocab.txt"))  # positional: v5
    ours = subword.BertTokenizer.from_pretrained(wordpiece_dir)
    texts = (corpora / "en-1m.txt").read_text(encoding="utf-8").splitlines()
    assert theirs(texts)["input_ids"] == ours(texts)["input_ids"]
