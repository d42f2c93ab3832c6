"""The bad-input matrix: every public entry point x every kind of bad input it can meet.

Each cell either raises a clear exception (the right type, a message naming the file,
line or byte offset where there is one) or gives the correct answer; none may crash,
hang, or leave a partial file. The CLI cells check one line on stderr and exit status 2.
The module prints the matrix totals at the end (``pytest -s`` or in the summary).

Cells are plain functions registered with ``@cell(entry, bad_input)``; a cell that
returns normally has checked its own answer, a cell declared with ``raises=`` must raise
one of those types with a message matching ``match``.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import subword
from subword import BPE, BasicTokenizer, BertTokenizer, WordPiece
from subword.errors import InvalidArgumentError

BERT_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SMALL_VOCAB = BERT_SPECIALS + ["the", "cat", "sat", "on", "mat", "##s", "a", "##t", "c", "."]
CORPUS = "the cat sat on the mat\nthe cats sat\na cat is on a mat\n" * 20
#: Exceptions a user can catch for bad input; anything else (RuntimeError = a caught
#: panic, SystemError, ...) is a failure of the cell.
CLEAR = (OSError, ValueError, IndexError, TypeError)


@dataclass
class Cell:
    entry: str
    bad_input: str
    run: Callable[[Path], object]
    raises: tuple[type[BaseException], ...] | None
    match: str | None
    xfail: str | None = None


CELLS: list[Cell] = []
OUTCOMES: Counter[str] = Counter()
#: The error lines the CLI cells checked: a CLI cell that saw one counts as a clear error.
CLI_ERRORS: list[str] = []


def cell(entry: str, bad_input: str, raises=None, match: str | None = None, xfail=None):
    """Registers a cell of the matrix (``xfail``: a known bug, reported, not yet fixed)."""
    if raises is not None and not isinstance(raises, tuple):
        raises = (raises,)

    def register(run):
        CELLS.append(Cell(entry, bad_input, run, raises, match, xfail))
        return run

    return register


@pytest.fixture(scope="module", autouse=True)
def _print_totals(request):
    yield
    total = sum(OUTCOMES.values())
    entries = len({c.entry for c in CELLS})
    inputs = len({c.bad_input for c in CELLS})
    line = (
        f"bad-input matrix: {total} cells run, covering {entries} entry points and {inputs} "
        "kinds of bad input: "
        f"{OUTCOMES['clear error']} clear errors, {OUTCOMES['correct answer']} correct "
        f"answers, {OUTCOMES['known bug (xfail)']} known bugs (xfail), {OUTCOMES['failed']} failed"
    )
    # Fixture teardown runs under output capture: lift it so the totals reach the terminal.
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(line)
    else:
        print(line)


# --- helpers ----------------------------------------------------------------------------


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


def bpe_dir(tmp: Path) -> Path:
    """A small saved BPE model."""
    directory = tmp / "bpe"
    if not directory.exists():
        BPE.train_from_iterator(CORPUS.splitlines(), num_merges=20).save(directory)
    return directory


def wordpiece_dir(tmp: Path) -> Path:
    """A small saved WordPiece model."""
    directory = tmp / "wp"
    if not directory.exists():
        WordPiece(SMALL_VOCAB).save(directory)
    return directory


def vocab_file(tmp: Path) -> Path:
    return write(tmp / "vocab.txt", "\n".join(SMALL_VOCAB) + "\n")


def no_temp_files(directory: Path) -> None:
    """An atomic write leaves no temp file behind, whatever happened."""
    leftovers = [p.name for p in directory.rglob("*") if ".tmp" in p.name]
    assert not leftovers, leftovers


def cli(
    *args: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "subword.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def cli_error(result: subprocess.CompletedProcess, pattern: str) -> None:
    """The CLI's contract for bad input: exit 2 and ONE line on stderr, no traceback."""
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (result.returncode, stderr)
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert re.search(pattern, lines[0]), lines[0]
    CLI_ERRORS.append(lines[0])


# --- files that are missing, directories, unreadable -----------------------------------

FILE_TRAINERS = {
    "BPE.train": lambda path: BPE.train([str(path)], num_merges=10),
    "WordPiece.train": lambda path: WordPiece.train([str(path)], vocab_size=50),
}
FILE_LOADERS = {
    "WordPiece.load": lambda path: WordPiece.load(path),
    "BPE.load": lambda path: BPE.load(path),
    "BPE.from_codes": lambda path: BPE.from_codes(path),
    "BertTokenizer": lambda path: BertTokenizer(str(path)),
    "BertTokenizer.from_pretrained": lambda path: BertTokenizer.from_pretrained(path),
}

for _name, _train in FILE_TRAINERS.items():
    cell(_name, "missing file", FileNotFoundError, "no-such-file")(
        lambda tmp, t=_train: t(tmp / "no-such-file.txt")
    )
    cell(_name, "a directory", (IsADirectoryError, ValueError), "adir")(
        lambda tmp, t=_train: t((tmp / "adir").mkdir() or tmp / "adir")
    )
    # /proc/self/mem opens but every read fails (EIO): unreadable even for root, who
    # ignores permission bits.
    cell(_name, "unreadable file", OSError, "mem")(lambda tmp, t=_train: t(Path("/proc/self/mem")))
    cell(_name, "non-UTF-8 bytes", ValueError, r"bad\.txt.*byte offset 10.*line 2")(
        lambda tmp, t=_train: t(write(tmp / "bad.txt", b"the cat\nsa\xfft on\n"))
    )
    cell(_name, "empty corpus", ValueError, "empty")(
        lambda tmp, t=_train: t(write(tmp / "empty.txt", ""))
    )
    cell(_name, "whitespace-only corpus", ValueError, "empty")(
        lambda tmp, t=_train: t(write(tmp / "blank.txt", " \n\t\n\n"))
    )

for _name, _load in FILE_LOADERS.items():
    # A missing model directory: FileNotFoundError or NotADirectoryError, both OSError.
    cell(_name, "missing file", OSError, "nowhere")(lambda tmp, load=_load: load(tmp / "nowhere"))


@cell("BPE.train", "non-UTF-8 bytes with errors='replace'")
def _(tmp):
    model = BPE.train(
        [str(write(tmp / "bad.txt", b"ab\xffab ab\n" * 5))], num_merges=5, errors="replace"
    )
    assert "\ufffd" in "".join(model.vocab)


@cell("WordPiece.train", "non-UTF-8 bytes with errors='replace'")
def _(tmp):
    model = WordPiece.train(
        [str(write(tmp / "bad.txt", b"ab\xffab ab\n" * 5))], vocab_size=30, errors="replace"
    )
    assert model.vocab_size <= 30


@cell("BPE.train", "file without a trailing newline")
def _(tmp):
    model = BPE.train(
        [str(write(tmp / "c.txt", "low lower newest"))], num_merges=50, min_frequency=1
    )
    assert model.tokenize("newest") == ["newest</w>"]


@cell("WordPiece.train", "file without a trailing newline")
def _(tmp):
    model = WordPiece.train(
        [str(write(tmp / "c.txt", "hug pug zebra"))], vocab_size=60, min_frequency=1
    )
    assert "zebra" in model.vocab


@cell("BPE.train", "corpus of one character")
def _(tmp):
    model = BPE.train([str(write(tmp / "a.txt", "a" * 100_000))], num_merges=40, min_frequency=1)
    # One word of 100,000 a's: merges double the run length until one symbol remains
    # per binary digit of the length; every merge is one of a<n> + a<m>.
    assert model.merges and all(set(left + right) <= set("a</w>") for left, right in model.merges)
    assert "".join(model.tokenize("a" * 100_000)).replace("</w>", "") == "a" * 100_000


@cell("WordPiece.train", "corpus of one character")
def _(tmp):
    model = WordPiece.train([str(write(tmp / "a.txt", ("a" * 50 + " ") * 1000))], vocab_size=20)
    assert model.tokenize("a" * 50) and "[UNK]" not in model.tokenize("a" * 50)


@cell("BertTokenizer", "vocab with 5,000,000 entries")
def _(tmp):
    path = tmp / "big-vocab.txt"
    with open(path, "w") as out:
        out.write("\n".join(BERT_SPECIALS) + "\n")
        out.write("\n".join(f"w{i}" for i in range(5_000_000)) + "\n")
    tokenizer = BertTokenizer(str(path))
    assert len(tokenizer) == 5_000_005
    assert tokenizer("w4999999 w0")["input_ids"] == [2, 5_000_004, 5, 3]


@cell("BPE.train_from_counts", "1,000,000 distinct one-char words")
def _(tmp):
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 1_000_000) if not (0xD800 <= c < 0xE000)]
    counts = dict.fromkeys(chars[:1_000_000], 1)
    counts.update(dict.fromkeys(chars[:3], 5))
    model = BPE.train_from_counts(counts, num_merges=10)
    # No pair occurs twice: no merge; every char is its own (final) symbol.
    assert model.merges == [] and model.vocab_size == 1 + len(counts)


@cell("WordPiece.train_from_counts", "1,000,000 distinct one-char words", ValueError, "vocab_size")
def _(tmp):
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 1_000_000) if not (0xD800 <= c < 0xE000)]
    WordPiece.train_from_counts(dict.fromkeys(chars[:1_000_000], 1), vocab_size=1000)


@cell("BPE.train", "vocab_size smaller than the alphabet", ValueError, "vocab_size")
def _(tmp):
    BPE.train([str(write(tmp / "c.txt", CORPUS))], vocab_size=3)


@cell("WordPiece.train", "vocab_size smaller than the alphabet", ValueError, "vocab_size")
def _(tmp):
    WordPiece.train([str(write(tmp / "c.txt", CORPUS))], vocab_size=3)


@cell("WordPiece.train_from_iterator", "empty corpus", ValueError, "empty")
def _(tmp):
    WordPiece.train_from_iterator([], vocab_size=100)


@cell("BPE.train_from_iterator", "empty corpus", ValueError, "empty")
def _(tmp):
    BPE.train_from_iterator(["", "   "], num_merges=10)


@cell("BPE.train_from_counts", "empty corpus", ValueError, "empty")
def _(tmp):
    BPE.train_from_counts({}, num_merges=10)


# --- corrupt, truncated vocab / merges / codes files ------------------------------------


@cell("BertTokenizer", "vocab.txt with a duplicate token", ValueError, r"vocab\.txt:7\b")
def _(tmp):
    BertTokenizer(str(write(tmp / "vocab.txt", "\n".join(BERT_SPECIALS + ["a", "a"]) + "\n")))


@cell("BertTokenizer", "vocab.txt with a blank line", ValueError, r"vocab\.txt:3\b")
def _(tmp):
    BertTokenizer(str(write(tmp / "vocab.txt", "[PAD]\n[UNK]\n\n[CLS]\n")))


@cell(
    "BertTokenizer",
    "vocab.txt with non-UTF-8 bytes",
    ValueError,
    r"vocab\.txt.*byte offset 14.*line 3",
)
def _(tmp):
    BertTokenizer(str(write(tmp / "vocab.txt", b"[PAD]\n[UNK]\nab\xff\n")))


@cell("BertTokenizer", "empty vocab.txt", ValueError, "empty")
def _(tmp):
    BertTokenizer(str(write(tmp / "vocab.txt", "")))


@cell("BertTokenizer", "vocab.txt without the unk token", ValueError, r"\[UNK\]")
def _(tmp):
    BertTokenizer(str(write(tmp / "vocab.txt", "a\nb\n")))


@cell("BertTokenizer", "vocab.txt without a trailing newline")
def _(tmp):
    tokenizer = BertTokenizer(str(write(tmp / "vocab.txt", "\n".join(SMALL_VOCAB))))
    assert tokenizer.convert_tokens_to_ids(".") == len(SMALL_VOCAB) - 1


@cell("WordPiece.load", "truncated vocab.txt (cut mid-token)")
def _(tmp):
    directory = wordpiece_dir(tmp)
    (directory / "tokenizer.json").unlink()  # else the cut is caught (next cell)
    data = (directory / "vocab.txt").read_bytes()
    (directory / "vocab.txt").write_bytes(data[: data.index(b"mat") + 2])
    model = WordPiece.load(directory)
    assert model.vocab_size == SMALL_VOCAB.index("mat") + 1  # "ma" is the last token


@cell(
    "WordPiece.load",
    "vocab.txt cut, tokenizer.json whole",
    ValueError,
    r"tokenizer\.json: its vocab differs from .*vocab\.txt",
)
def _(tmp):
    directory = wordpiece_dir(tmp)
    data = (directory / "vocab.txt").read_bytes()
    (directory / "vocab.txt").write_bytes(data[: data.index(b"mat") + 2])
    WordPiece.load(directory)


@cell("BPE.load", "truncated vocab.json", ValueError, r"vocab\.json:1\b")
def _(tmp):
    directory = bpe_dir(tmp)
    data = (directory / "vocab.json").read_bytes()
    (directory / "vocab.json").write_bytes(data[: len(data) // 2])
    BPE.load(directory)


@cell("BPE.load", "vocab.json that is not an object", ValueError, r"vocab\.json")
def _(tmp):
    directory = bpe_dir(tmp)
    (directory / "vocab.json").write_text('["a", "b"]')
    BPE.load(directory)


@cell("BPE.load", "vocab.json with a gap in the ids", ValueError, r"vocab\.json.*out of range")
def _(tmp):
    directory = bpe_dir(tmp)
    (directory / "vocab.json").write_text(json.dumps({"<unk>": 0, "a": 5}))
    BPE.load(directory)


@cell("BPE.load", "merges.txt with a malformed line", ValueError, r"merges\.txt:3\b")
def _(tmp):
    directory = bpe_dir(tmp)
    lines = (directory / "merges.txt").read_text().splitlines()
    lines[2] = "onlyonesymbol"
    (directory / "merges.txt").write_text("\n".join(lines) + "\n")
    BPE.load(directory)


@cell("BPE.load", "merges.txt naming symbols not in vocab.json", ValueError, r"merges\.txt:2\b")
def _(tmp):
    directory = bpe_dir(tmp)
    (directory / "merges.txt").write_text("#version: 0.2\nq z\n")
    BPE.load(directory)


@cell("BPE.load", "truncated merges.txt (no trailing newline, cut mid-line)")
def _(tmp):
    directory = bpe_dir(tmp)
    text = (directory / "merges.txt").read_text()
    full = BPE.load(directory).merges
    cut = text.rstrip("\n")
    cut = cut[: cut.rindex("\n")]  # the last merge dropped, no newline at the end
    (directory / "merges.txt").write_text(cut)
    assert BPE.load(directory).merges == full[:-1]


@cell("BPE.from_codes", "codes file with a three-symbol line", ValueError, r"codes\.txt:4\b")
def _(tmp):
    BPE.from_codes(write(tmp / "codes.txt", "#version: 0.2\nl o\nlo w</w>\na b c\n"))


@cell("BPE.from_codes", "codes file with non-UTF-8 bytes", ValueError, r"codes\.txt.*byte offset")
def _(tmp):
    BPE.from_codes(write(tmp / "codes.txt", b"#version: 0.2\nl o\n\xc3( x\n"))


@cell("BPE.from_codes", "codes file without a trailing newline")
def _(tmp):
    model = BPE.from_codes(write(tmp / "codes.txt", "#version: 0.2\nl o\nlo w</w>"))
    assert model.tokenize("low") == ["low</w>"]


# --- ids out of range, pairs that cannot fit --------------------------------------------

for _name, _decode in {
    "BPE.decode": lambda tmp, ids: BPE.load(bpe_dir(tmp)).decode(ids),
    "WordPiece.decode": lambda tmp, ids: WordPiece.load(wordpiece_dir(tmp)).decode(ids),
    "BertTokenizer.decode": lambda tmp, ids: BertTokenizer(str(vocab_file(tmp))).decode(ids),
    "BertTokenizer.convert_ids_to_tokens": lambda tmp, ids: BertTokenizer(
        str(vocab_file(tmp))
    ).convert_ids_to_tokens(ids),
}.items():
    cell(_name, "id out of range", IndexError, "out of range")(
        lambda tmp, d=_decode: d(tmp, [0, 10**6])
    )
    cell(_name, "negative id", IndexError, "out of range")(lambda tmp, d=_decode: d(tmp, [-1]))
    cell(_name, "id past 2**64", (IndexError, OverflowError), "")(
        lambda tmp, d=_decode: d(tmp, [2**70])
    )


@cell("BertTokenizer.__call__", "pair with only_first truncation that cannot fit", ValueError, "")
def _(tmp):
    tokenizer = BertTokenizer(str(vocab_file(tmp)))
    tokenizer("the cat", "the cat sat on the mat " * 5, truncation="only_first", max_length=8)


@cell("BertTokenizer.chunk", "stride not smaller than the window", ValueError, "stride")
def _(tmp):
    BertTokenizer(str(vocab_file(tmp))).chunk("the cat " * 50, max_length=16, stride=14)


# --- odd strings --------------------------------------------------------------------------

SURROGATE = "the cat \udcff sat"

for _name, _encode in {
    "BasicTokenizer.tokenize": lambda tmp, text: BasicTokenizer().tokenize(text),
    "BertTokenizer.__call__": lambda tmp, text: BertTokenizer(str(vocab_file(tmp)))(text),
    "WordPiece.encode": lambda tmp, text: WordPiece.load(wordpiece_dir(tmp)).encode(text),
    "BPE.encode": lambda tmp, text: BPE.load(bpe_dir(tmp)).encode(text),
    "BPE.encode_batch": lambda tmp, text: BPE.load(bpe_dir(tmp)).encode_batch([text] * 600),
    "BPE.encode_batch_flat": lambda tmp, text: BPE.load(bpe_dir(tmp)).encode_batch_flat(
        [text] * 600
    ),
    "BPE.train_from_iterator": lambda tmp, text: BPE.train_from_iterator([text], num_merges=2),
}.items():
    # A lone surrogate cannot be UTF-8: a UnicodeEncodeError (a ValueError) or an answer
    # that treats it as one unknown character, never a crash.
    cell(_name, "surrogate escapes in str", None)(
        lambda tmp, e=_encode: _surrogate_ok(lambda: e(tmp, SURROGATE))
    )


def _surrogate_ok(call):
    try:
        call()
    except UnicodeError as err:
        assert "surrogate" in str(err)


@cell("BPE.train", "file name with surrogate escapes (non-UTF-8 name)")
def _(tmp):
    name = os.fsdecode(b"corpus-\xff.txt")
    path = write(tmp / name, CORPUS)
    assert BPE.train([str(path)], num_merges=5).merges


@cell("BPE.encode", "a 1,000,000-char word")
def _(tmp):
    model = BPE.load(bpe_dir(tmp))
    word = "cat" * 333_334
    pieces = model.tokenize(word)
    assert "".join(pieces).replace("</w>", "") == word


@cell("WordPiece.encode", "a 10,000,000-char word")
def _(tmp):
    assert WordPiece.load(wordpiece_dir(tmp)).tokenize("cat" * 3_333_334) == ["[UNK]"]


@cell("BPE.train", "a 200 MB single line")
def _(tmp):
    path = tmp / "line.txt"
    chunk = ("the cat sat on the mat " * 4096).encode()
    with open(path, "wb") as out:
        for _ in range(200 * 2**20 // len(chunk) + 1):
            out.write(chunk)
    try:
        model = BPE.train([str(path)], num_merges=5, min_frequency=1)
        assert model.merges
    finally:
        path.unlink()


@cell("BPE.train", "a file that disappears while being read")
def _(tmp):
    # Unlinking an open file does not stop its reading on POSIX, so the answer is the
    # full count; unlinked before it is opened gives FileNotFoundError. Either is fine,
    # a crash or a hang is not.
    path = write(tmp / "vanishing.txt", CORPUS * 2000)
    threading.Timer(0.005, path.unlink).start()
    try:
        model = BPE.train([str(path)], num_merges=5)
        assert model.merges
    except FileNotFoundError as err:
        assert "vanishing" in str(err)


@cell("BPE.train", "a file truncated while being read")
def _(tmp):
    path = write(tmp / "shrinking.txt", CORPUS * 20000)
    threading.Timer(0.01, lambda: os.truncate(path, 1000)).start()
    try:
        BPE.train([str(path)], num_merges=5)
    except (OSError, ValueError):
        pass


@cell(
    "WordPiece.save",
    "output directory is a file",
    (FileExistsError, NotADirectoryError, OSError),
    "",
)
def _(tmp):
    target = write(tmp / "file", "x")
    WordPiece(SMALL_VOCAB).save(target)


@cell("BPE.save", "output inside a read-only place", OSError, "")
def _(tmp):
    BPE.load(bpe_dir(tmp)).save("/proc/subword-cannot-write-here")


# --- what a saved model could not hold: refused before anything is written ----------------


@cell("BertTokenizer", "token with a line break", ValueError, r'"a\\nb".*line break')
def _(tmp):
    BertTokenizer([*BERT_SPECIALS, "a\nb", "hello", "x\r"])


@cell("WordPiece", "token with a trailing carriage return", ValueError, "line break")
def _(tmp):
    WordPiece(["[UNK]", "hello", "x\r"])


@cell("BPE", "merge symbol with a space", ValueError, r'"a b".*merges\.txt')
def _(tmp):
    BPE(["<unk>", "x", "a b", "xa b"], [("x", "a b")])


@cell("BPE.train_from_counts", "word with whitespace", ValueError, r'"a( |\\n)b".*line break')
def _(tmp):
    BPE.train_from_counts({"a b": 5, "a\nb": 5}, num_merges=10)


@cell("WordPiece.train_from_counts", "word with whitespace", ValueError, "space or line")
def _(tmp):
    WordPiece.train_from_counts({"low": 5, "a b": 5}, vocab_size=30)


@cell("BPE.load", "folder without subword.json or <unk>")
def _(tmp):
    write(tmp / "hf" / "vocab.json", '{"a": 0, "b</w>": 1, "ab</w>": 2}')
    write(tmp / "hf" / "merges.txt", "#version: 0.2\na b</w>\n")
    model = BPE.load(tmp / "hf")
    assert model.unk_token is None and model.encode("ab") == [2]


# --- a model folder from someone else ---------------------------------------------------


@cell("BPE.load", "vocab.json that is a FIFO", OSError, "not a regular file")
def _(tmp):
    directory = tmp / "fifo"
    directory.mkdir()
    write(directory / "merges.txt", "#version: 0.2\n")
    os.mkfifo(directory / "vocab.json")  # opening it for reading would block forever
    BPE.load(directory)


@cell("WordPiece.load", "vocab.txt that is /dev/zero", OSError, "not a regular file")
def _(tmp):
    directory = tmp / "zero"
    directory.mkdir()
    os.symlink("/dev/zero", directory / "vocab.txt")  # reading it would never end
    WordPiece.load(directory)


@cell("BertTokenizer", "vocab.txt over SUBWORD_MAX_FILE_BYTES", ValueError, "MAX_FILE_BYTES")
def _(tmp):
    path = vocab_file(tmp)
    os.environ["SUBWORD_MAX_FILE_BYTES"] = "20"
    try:
        BertTokenizer(str(path))
    finally:
        del os.environ["SUBWORD_MAX_FILE_BYTES"]


@cell(
    "WordPiece",
    "a 16k-character token whose prefixes pop (quadratic table)",
    ValueError,
    "memory budget",
)
def _(tmp):
    # Greedy on a^k pops "a", "##a", "##a", ...: each prefix k more ids, 16000^2 / 2 in all
    # (512 MB) without the budget, 16 MiB here.
    os.environ["SUBWORD_MAX_POPS_BYTES"] = str(16 << 20)
    try:
        WordPiece(["[UNK]", "a", "##a", "a" * 16_000])
    finally:
        del os.environ["SUBWORD_MAX_POPS_BYTES"]


@cell(
    "BertTokenizer.from_pretrained",
    "tokenizer_config.json of 200,000 '['",
    ValueError,
    r"tokenizer_config\.json: not a valid config: JSON nested too deeply",
)
def _(tmp):
    directory = wordpiece_dir(tmp)
    write(directory / "tokenizer_config.json", "[" * 200_000)
    BertTokenizer.from_pretrained(directory)


@cell(
    "WordPiece.load",
    "max_input_chars_per_word: -1 in subword.json",
    ValueError,
    r"subword\.json: max_input_chars_per_word must be an integer",
)
def _(tmp):
    directory = wordpiece_dir(tmp)
    config = json.loads((directory / "subword.json").read_text())
    write(directory / "subword.json", json.dumps({**config, "max_input_chars_per_word": -1}))
    WordPiece.load(directory)


@cell(
    "BertTokenizer.from_pretrained",
    'do_lower_case: "yes" in tokenizer_config.json',
    ValueError,
    r"tokenizer_config\.json: do_lower_case must be true or false",
)
def _(tmp):
    directory = wordpiece_dir(tmp)
    write(directory / "tokenizer_config.json", '{"do_lower_case": "yes"}')
    BertTokenizer.from_pretrained(directory)


@cell("CLI encode", "max_input_chars_per_word: -1 in the model's tokenizer_config.json")
def _(tmp):
    directory = wordpiece_dir(tmp)
    write(directory / "tokenizer_config.json", '{"max_input_chars_per_word": -1}')
    cli_error(
        cli("encode", "-m", str(directory), stdin=b"the cat\n"),
        r"tokenizer_config\.json: max_input_chars_per_word must be",
    )


@cell("CLI encode", "tokenizer_config.json of 200,000 '['")
def _(tmp):
    directory = wordpiece_dir(tmp)
    write(directory / "tokenizer_config.json", "[" * 200_000)
    cli_error(cli("encode", "-m", str(directory), stdin=b"the cat\n"), "nested too deeply")


# --- a word past max_word_bytes: refused as soon as it is read, naming where --------------

#: A file whose second line is one 3 MB word: more than the reader's 1 MiB blocks.
LONG_WORD = b"ok fine\n" + b"x" * (3 << 20) + b" tail\n"
WHERE_LONG_WORD = r"max_word_bytes is 1000, but .*long\.txt .*byte offset 8 \(line 2\)"

LIMITED_TRAINERS = {
    "BPE.train": lambda path: BPE.train(path, num_merges=10, max_word_bytes=1000),
    "WordPiece.train": lambda path: WordPiece.train(path, vocab_size=50, max_word_bytes=1000),
}
for _name, _train in LIMITED_TRAINERS.items():
    cell(_name, "a word longer than max_word_bytes", InvalidArgumentError, WHERE_LONG_WORD)(
        lambda tmp, t=_train: t(write(tmp / "long.txt", LONG_WORD))
    )


@cell(
    "BPE.train_from_iterator",
    "a word longer than max_word_bytes",
    InvalidArgumentError,
    r"max_word_bytes is 4, but the word \"sat-on\" holds 6 bytes",
)
def _(tmp):
    BPE.train_from_iterator(["the cat", "the cat sat-on"], num_merges=5, max_word_bytes=4)


@cell(
    "WordPiece.train_from_iterator",
    "a word longer than max_word_bytes",
    InvalidArgumentError,
    # BERT's chunks: punctuation is split off only after the limit is checked.
    r"max_word_bytes is 4, but the word \"sat-on\" holds 6 bytes",
)
def _(tmp):
    WordPiece.train_from_iterator(["the cat", "the cat sat-on"], vocab_size=40, max_word_bytes=4)


@cell(
    "WordPiece.train_from_counts",
    "a word longer than max_word_bytes",
    InvalidArgumentError,
    r"max_word_bytes is 4, but the word \"kitten\" holds 6 bytes",
)
def _(tmp):
    WordPiece.train_from_counts({"cat": 5, "kitten": 2}, vocab_size=40, max_word_bytes=4)


@cell("BPE.train", "max_word_bytes of 0", InvalidArgumentError, "max_word_bytes must be")
def _(tmp):
    BPE.train(write(tmp / "c.txt", CORPUS), num_merges=5, max_word_bytes=0)


@cell("CLI train", "a gzip stream with a word longer than --max-word-bytes")
def _(tmp):
    compressed = gzip.compress(LONG_WORD)
    result = cli(
        "train", "-", "--max-word-bytes", "1000", "-o", str(tmp / "out"), "-q", stdin=compressed
    )
    cli_error(
        result, r"^subword: error: --max-word-bytes is 1000, but <stdin> .*byte offset 8 \(line 2\)"
    )
    assert not (tmp / "out").exists()


@cell("CLI train", "a file with a word longer than --max-word-bytes")
def _(tmp):
    path = write(tmp / "long.txt", LONG_WORD)
    result = cli("train", str(path), "--max-word-bytes", "1000", "-o", str(tmp / "out"), "-q")
    cli_error(result, r"^subword: error: --max-word-bytes is 1000, but .*long\.txt .*byte offset 8")


# --- the command line ---------------------------------------------------------------------


@cell("CLI train", "missing file")
def _(tmp):
    cli_error(cli("train", str(tmp / "nope.txt"), "-o", str(tmp / "out"), "-q"), "nope.txt")
    assert not (tmp / "out" / "vocab.txt").exists()


@cell("CLI train", "a directory")
def _(tmp):
    cli_error(cli("train", str(tmp), "-o", str(tmp / "out"), "-q"), str(tmp.name))


@cell("CLI train", "non-UTF-8 bytes")
def _(tmp):
    bad = write(tmp / "bad.txt", b"the cat\nsa\xfft on\n")
    cli_error(cli("train", str(bad), "-o", str(tmp / "out"), "-q"), r"bad\.txt.*byte offset 10")
    assert not (tmp / "out" / "vocab.txt").exists()


@cell("CLI train", "non-UTF-8 bytes with --errors replace")
def _(tmp):
    bad = write(tmp / "bad.txt", b"the cat\nsa\xfft on\n" * 10)
    result = cli(
        "train", str(bad), "-o", str(tmp / "out"), "-q", "--errors", "replace", "--vocab-size", "60"
    )
    assert result.returncode == 0, result.stderr
    assert (tmp / "out" / "vocab.txt").exists()


@cell("CLI train", "empty corpus")
def _(tmp):
    cli_error(cli("train", str(write(tmp / "e.txt", "")), "-o", str(tmp / "out"), "-q"), "empty")
    no_temp_files(tmp)


@cell("CLI train", "vocab_size smaller than the alphabet")
def _(tmp):
    corpus = write(tmp / "c.txt", CORPUS)
    cli_error(cli("train", str(corpus), "--vocab-size", "3", "-o", str(tmp / "out"), "-q"), "vocab")


@cell("CLI train", "a 200 MB single line on stdin is not needed; stdin without newline")
def _(tmp):
    result = cli(
        "train",
        "-",
        "--model",
        "bpe",
        "--num-merges",
        "5",
        "-o",
        str(tmp / "o"),
        "-q",
        stdin=b"low lower lowest low lower",
    )
    assert result.returncode == 0, result.stderr
    assert (tmp / "o" / "merges.txt").read_text().count("\n") >= 2


@cell("CLI encode", "missing model")
def _(tmp):
    cli_error(cli("encode", "-m", str(tmp / "nomodel"), stdin=b"the cat\n"), "nomodel")


@cell("CLI encode", "corrupt vocab.txt")
def _(tmp):
    directory = wordpiece_dir(tmp)
    (directory / "vocab.txt").write_text("[PAD]\n[UNK]\n[PAD]\n")
    cli_error(cli("encode", "-m", str(directory), stdin=b"the cat\n"), r"vocab\.txt:3")


@cell("CLI encode", "non-UTF-8 input")
def _(tmp):
    cli_error(
        cli("encode", "-m", str(wordpiece_dir(tmp)), stdin=b"the \xffcat\n"),
        "byte offset|UTF-8|utf-8",
    )


@cell("CLI encode", "missing input file")
def _(tmp):
    cli_error(cli("encode", "-m", str(wordpiece_dir(tmp)), str(tmp / "gone.txt")), "gone.txt")


@cell("CLI encode", "input without a trailing newline")
def _(tmp):
    result = cli(
        "encode", "-m", str(wordpiece_dir(tmp)), "--format", "tokens", stdin=b"the cat\nthe mat"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines()[-1].split() == ["[CLS]", "the", "mat", "[SEP]"]


@cell("CLI encode", "closed stdout pipe")
def _(tmp):
    # `subword encode big | head -1`: the reader goes away; the command ends quietly.
    big = write(tmp / "big.txt", b"the cat sat on the mat\n" * 200_000)
    reader, writer = os.pipe()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "subword.cli",
            "encode",
            "-m",
            str(wordpiece_dir(tmp)),
            "--format",
            "ids",
            str(big),
        ],
        stdin=subprocess.DEVNULL,
        stdout=writer,
        stderr=subprocess.PIPE,
    )
    os.close(writer)
    os.read(reader, 100)
    os.close(reader)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode in (0, 1, 141, -13), (process.returncode, stderr)
    assert b"Traceback" not in stderr, stderr


@cell("CLI chunk", "stride not smaller than the window")
def _(tmp):
    result = cli(
        "chunk",
        "-m",
        str(wordpiece_dir(tmp)),
        "--max-length",
        "16",
        "--stride",
        "20",
        stdin=b"the cat " * 40,
    )
    cli_error(result, "stride")


@cell("CLI chunk", "pair that cannot fit")
def _(tmp):
    result = cli(
        "encode",
        "-m",
        str(wordpiece_dir(tmp)),
        "--pair",
        "--max-length",
        "6",
        "--truncation",
        "only_first",
        stdin=b"the cat\t" + b"the mat " * 10 + b"\n",
    )
    cli_error(result, ".")


# --- the test -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "c",
    [
        pytest.param(c, marks=pytest.mark.xfail(reason=c.xfail, strict=True)) if c.xfail else c
        for c in CELLS
    ],
    ids=lambda c: f"{c.entry} | {c.bad_input}",
)
def test_bad_input(c: Cell, tmp_path: Path) -> None:
    outcome = "failed"
    try:
        if c.raises is None:
            CLI_ERRORS.clear()
            c.run(tmp_path)
            outcome = "clear error" if CLI_ERRORS else "correct answer"
        else:
            with pytest.raises(c.raises) as info:
                c.run(tmp_path)
            assert isinstance(info.value, CLEAR) or isinstance(info.value, c.raises)
            message = str(info.value)
            assert message.strip(), "an exception without a message is not a clear error"
            assert "\n" not in message.strip() or isinstance(info.value, OSError)
            if c.match:
                assert re.search(c.match, message), message
            outcome = "clear error"
        no_temp_files(tmp_path)
    finally:
        OUTCOMES["known bug (xfail)" if c.xfail and outcome == "failed" else outcome] += 1


def test_version_is_reported() -> None:
    # Keeps `subword` imported for the cells above even when run alone.
    assert subword.__version__
