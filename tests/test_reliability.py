"""Reliability: threads, fork, Ctrl-C, determinism, and a hypothesis fuzz of the BERT path.

(Ctrl-C of the command is in ``test_cli.py``; batch results for each ``threads=`` value in
``test_bpe.py``.)

Interrupts and forks run in subprocesses, so that a failure (a deadlock, a signal that
is never noticed) shows as a timeout here instead of hanging or killing the test run.
``SUBWORD_FUZZ_EXAMPLES`` raises the number of hypothesis examples of the fuzz section
(default 200) for a longer run.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interrupt import interrupt
from subword import BPE, BertTokenizer, WordPiece, _core

WORDS = "the cat sat on a mat and the dog ate my homework while cats sleep".split()
TEXTS = [" ".join(WORDS[(i * 7 + j) % len(WORDS)] for j in range(3 + i % 11)) for i in range(2000)]


def python(code: str, *, env: dict[str, str] | None = None, timeout: float = 120):
    """Runs `code` in a fresh interpreter; returns the finished process."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def wordpiece() -> WordPiece:
    return WordPiece.train_from_iterator(TEXTS, vocab_size=80)


@pytest.fixture(scope="module")
def bpe() -> BPE:
    return BPE.train_from_iterator(TEXTS, num_merges=40)


@pytest.fixture(scope="module")
def bert(tmp_path_factory, wordpiece: WordPiece) -> BertTokenizer:
    directory = wordpiece.save(tmp_path_factory.mktemp("bert"))
    return BertTokenizer(str(directory / "vocab.txt"))


# --- threads --------------------------------------------------------------------------


def test_eight_python_threads_give_the_one_thread_results(wordpiece, bpe, bert) -> None:
    batches = [TEXTS[i::8] for i in range(8)]
    expected = [
        (wordpiece.encode_batch(b), bpe.encode_batch(b), bert(b)["input_ids"], bpe.encode(b[0]))
        for b in batches
    ]

    def work(batch):
        # Each thread mixes batch calls (which release the GIL and use the pool) with
        # single calls, many times, to interleave with the other threads.
        results = None
        for _ in range(5):
            results = (
                wordpiece.encode_batch(batch),
                bpe.encode_batch(batch),
                bert(batch)["input_ids"],
                bpe.encode(batch[0]),
            )
        return results

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(work, batches))
    assert got == expected


# --- fork -------------------------------------------------------------------------------

FORK_SCRIPT = """
import os, sys, json, warnings
warnings.simplefilter("error")
from subword import BPE, WordPiece
texts = [("the cat sat on the mat %d " % i) * 5 for i in range(3000)]
wp = WordPiece.train_from_iterator(texts, vocab_size=60)
bpe = BPE.train_from_iterator(texts, num_merges=30)
# Use the thread pools in the parent first: this is what deadlocks libraries whose
# child inherits a pool without its threads.
parent = (wp.encode_batch(texts), bpe.encode_batch(texts, threads=2))
{child}
"""


def test_fork_after_use_neither_deadlocks_nor_warns() -> None:
    child = """
reader, writer = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(reader)
    got = (wp.encode_batch(texts), bpe.encode_batch(texts, threads=2))
    trained = BPE.train_from_iterator(texts, num_merges=30).merges == bpe.merges
    os.write(writer, b"same" if got == parent and trained else b"differ")
    os._exit(0)
os.close(writer)
answer = os.read(reader, 10)
os.waitpid(pid, 0)
print(answer.decode())
"""
    result = python(FORK_SCRIPT.format(child=child), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "same"
    assert result.stderr == ""


def test_multiprocessing_fork_pool_gives_the_same_results() -> None:
    child = """
import multiprocessing as mp
def encode(chunk):
    return bpe.encode_batch(chunk)
chunks = [texts[i::4] for i in range(4)]
with mp.get_context("fork").Pool(4) as pool:
    got = pool.map(encode, chunks)
print("same" if got == [bpe.encode_batch(c) for c in chunks] else "differ")
"""
    result = python(FORK_SCRIPT.format(child=child), timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "same"
    assert result.stderr == ""


# --- Ctrl-C ------------------------------------------------------------------------------

WORDS_SETUP = """
letters = "abcdefghijklmnopqrstuvwxyz"
counts = {"".join(random.choices(letters, k=random.randint(3, 12))): random.randint(1, 50)
           for _ in range(200_000)}
"""


TRAININGS = {
    "bpe": (
        "BPE.train_from_counts(counts, num_merges=10**9, min_frequency=1, {options})",
        "assert BPE.train_from_counts({'low': 5, 'lower': 2}, num_merges=3).merges",
    ),
    "wordpiece": (
        "WordPiece.train_from_counts(counts, vocab_size=10**9, min_frequency=1, {options})",
        "assert WordPiece.train_from_counts({'hug': 5, 'pug': 2}, vocab_size=20).vocab",
    ),
}
# The progress callback was called while merging, with a count that never goes back.
PROGRESS_CHECK = """
assert calls, "the progress callback was never called"
assert {phase for phase, _, _ in calls} == {"merging"}
assert [done for _, done, _ in calls] == sorted(done for _, done, _ in calls)
"""


@pytest.mark.parametrize("threads", [None, 2])
@pytest.mark.parametrize("model", ["bpe", "wordpiece"])
def test_ctrl_c_stops_training_within_a_second(model: str, threads: int | None) -> None:
    work, after = TRAININGS[model]
    elapsed = interrupt(
        WORDS_SETUP + "calls = []",
        work.format(options=f"threads={threads}, progress=lambda *report: calls.append(report)"),
        after + PROGRESS_CHECK,
    )
    assert elapsed < 1.0


@pytest.mark.parametrize(
    "work",
    ["bpe.encode_batch(texts * 20)", "bpe._inner.encode(' '.join(texts))"],
    ids=["a large batch", "one long text"],
)
def test_ctrl_c_stops_a_bpe_encode_and_the_model_stays_usable(work: str) -> None:
    setup = """
bpe = BPE.train_from_counts({"".join(random.choices("abcdef", k=9)): 3 for _ in range(5000)},
                            num_merges=500)
# Long words take the heap path: a few milliseconds each, far over a second in all.
texts = ["".join(random.choices("abcdef", k=20_000)) for _ in range(2000)]
expected = bpe.encode_batch(texts[:3])
"""
    elapsed = interrupt(setup, work, "assert bpe.encode_batch(texts[:3]) == expected", delay=0.5)
    assert elapsed < 1.0


def test_ctrl_c_stops_a_large_wordpiece_batch_encode_and_the_encoder_stays_usable() -> None:
    setup = """
vocab = ["[UNK]"] + list("abc") + ["##" + c for c in "abc"] + ["ab", "##ab", "abc"]
# Few, long words: converting the arguments is quick (a Ctrl-C cannot be noticed while
# PyO3 converts them, with the GIL held), encoding them is long.
encoder = _core.WordPieceModel(vocab, max_input_chars_per_word=10**6)
words = ["".join(random.choices("abc", k=100_000)) for _ in range(20)]
batch = [words] * 2000
expected = encoder.encode_pretokenized(batch[:2])
"""
    elapsed = interrupt(
        setup,
        "encoder.encode_pretokenized(batch)",
        "assert encoder.encode_pretokenized(batch[:2]) == expected",
        delay=0.5,
    )
    assert elapsed < 1.0


# --- determinism ---------------------------------------------------------------------------

DETERMINISM_SCRIPT = """
import hashlib, json, random
from subword import BPE, WordPiece
random.seed(7)
syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "é", "字", "##", "sh"]
texts = [" ".join("".join(random.choices(syllables, k=random.randint(1, 5)))
                  for _ in range(12)) for _ in range(3000)]
digest = hashlib.sha256()
for threads in (1, None):
    bpe = BPE.train_from_iterator(texts, num_merges=300, threads=threads)
    wp = WordPiece.train_from_iterator(texts, vocab_size=400, threads=threads)
    result = json.dumps([bpe.merges, sorted(bpe.vocab.items()), sorted(wp.vocab.items()),
                         bpe.encode_batch(texts[:200]), wp.encode_batch(texts[:200])])
    digest.update(result.encode())
    print(threads, hashlib.sha256(result.encode()).hexdigest())
"""


def test_training_and_encoding_are_identical_across_threads_runs_and_hash_seeds() -> None:
    outputs = set()
    for seed in ("0", "1", "12345", "random"):
        result = python(DETERMINISM_SCRIPT, env={"PYTHONHASHSEED": seed, "RAYON_NUM_THREADS": "2"})
        assert result.returncode == 0, result.stderr
        lines = result.stdout.split()
        one_thread, all_threads = lines[1], lines[3]
        assert one_thread == all_threads, f"PYTHONHASHSEED={seed}: 1 thread != all threads"
        outputs.add(one_thread)
    assert len(outputs) == 1, "results differ across PYTHONHASHSEED values"


def test_saved_files_are_byte_identical_across_runs(tmp_path: Path) -> None:
    digests = set()
    for run in range(2):
        bpe = BPE.train_from_iterator(TEXTS, num_merges=40)
        wp = WordPiece.train_from_iterator(TEXTS, vocab_size=80)
        directory = tmp_path / str(run)
        bpe.save(directory / "bpe")
        wp.save(directory / "wp")
        files = sorted(p for p in directory.rglob("*") if p.is_file())
        digests.add(
            hashlib.sha256(
                json.dumps(
                    [(p.relative_to(directory).as_posix(), p.read_text()) for p in files]
                ).encode()
            ).hexdigest()
        )
    assert len(digests) == 1


# --- fuzz: the Python BasicTokenizer + BertTokenizer path ----------------------------------

FUZZ = settings(
    max_examples=int(os.environ.get("SUBWORD_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Characters that exercise every branch of BERT normalization: controls, whitespace,
# accents, combining marks, CJK, punctuation, surrogate-free astral chars, NUL, U+FFFD.
TEXT = st.text(
    st.one_of(
        st.sampled_from(list("the cat sat ab")),
        st.sampled_from(list("\x00\ufffd\t\n\r\x0b\x1c\u00a0\u2028\u3000é\u0301ÅØß字中、。!?#[]")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=60,
)


@FUZZ
@given(text=TEXT, pair=st.none() | TEXT, max_length=st.integers(4, 40))
def test_fuzz_bert_call_ids_in_range_offsets_inside_and_ordered(bert, text, pair, max_length):
    encoding = bert(
        text,
        pair,
        truncation="longest_first",
        max_length=max_length,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
    )
    ids = encoding["input_ids"]
    assert len(ids) <= max_length
    assert all(0 <= i < len(bert) for i in ids)
    assert len(encoding["offset_mapping"]) == len(ids) == len(encoding["attention_mask"])
    segments = encoding["token_type_ids"]
    assert segments == sorted(segments)
    previous = {0: 0, 1: 0}
    for (start, end), segment, special in zip(
        encoding["offset_mapping"], segments, encoding["special_tokens_mask"], strict=True
    ):
        if special:
            assert (start, end) == (0, 0)
            continue
        source = text if segment == 0 else pair
        assert 0 <= start < end <= len(source), (start, end, source)
        assert start >= previous[segment], "offsets go backwards"
        previous[segment] = start
    # The tokens are the vocab's, and decoding never fails on what encoding produced.
    bert.decode(ids)
    assert bert.convert_ids_to_tokens(ids)


@FUZZ
@given(text=TEXT)
def test_fuzz_tokenize_agrees_with_encode_and_basic_tokens(bert, text):
    tokens = bert.tokenize(text)
    assert bert.convert_tokens_to_ids(tokens) == bert.encode(text, add_special_tokens=False)
    words = bert.basic_tokenizer.tokenize(text) if hasattr(bert, "basic_tokenizer") else None
    # Special tokens in the text stay whole (as transformers does), unlike basic tokens.
    specials = any(token in text for token in bert.all_special_tokens)
    if words is not None and "[UNK]" not in tokens and not specials:
        assert bert.convert_tokens_to_string(tokens) == " ".join(words)


@FUZZ
@given(texts=st.lists(TEXT, max_size=8))
def test_fuzz_batch_equals_one_by_one(bert, wordpiece, texts):
    assert bert(texts)["input_ids"] == [bert(t)["input_ids"] for t in texts]
    one_by_one = [wordpiece.encode(t) for t in texts]
    assert wordpiece.encode_batch(texts) == one_by_one
    ids, lengths = wordpiece.encode_batch_flat(texts)
    assert (ids.tolist(), lengths.tolist()) == (sum(one_by_one, []), list(map(len, one_by_one)))


def test_core_encoder_is_importable() -> None:
    assert _core.WordPieceModel(["[UNK]"]).encode_word("x") == [0]


# --- limits: counts, strides, overflow rows, threads, long single texts -------------------


def test_counts_near_2_to_the_64_saturate_instead_of_wrapping() -> None:
    from subword.distributed import merge_counts

    top = 2**64 - 1
    big = _core.WordCounts.from_dict({"the": top, "cat": 1})
    merged = merge_counts(big, _core.WordCounts.from_dict({"the": 5, "cat": 2}))
    assert merged.to_dict() == {"the": top, "cat": 3}
    counter = _core.WordCounter()
    counter.add_weighted_texts(["the cat", "the"], [top - 1, 7])
    assert counter.counts().to_dict() == {"the": top, "cat": top - 1}


def test_a_negative_stride_is_refused(bert) -> None:
    for overflow in (False, True):
        with pytest.raises(ValueError, match="stride=-1 must be at least 0"):
            bert(
                "hello world",  # fits: the stride would never be used
                truncation=True,
                max_length=64,
                stride=-1,
                return_overflowing_tokens=overflow,
            )


def test_pair_overflow_is_capped_and_the_main_input_alone_is_cheap(bert) -> None:
    first, second = " ".join(["hello"] * 1000), " ".join(["world"] * 1000)
    rows = len(bert.tokenize(first)) * len(bert.tokenize(second))
    assert rows >= 1_000_000
    # Without overflow only the main input is built, not a million windows.
    assert len(bert(first, second, truncation=True, max_length=5)["input_ids"]) == 5
    with pytest.raises(ValueError, match=rf"{rows:,} model inputs.*MAX_PAIR_OVERFLOW_ROWS"):
        bert(first, second, truncation=True, max_length=5, return_overflowing_tokens=True)
    first, second = first[:59], second[:59]  # ten words each: far fewer rows, all made
    rows = len(bert.tokenize(first)) * len(bert.tokenize(second))
    encoded = bert(first, second, truncation=True, max_length=5, return_overflowing_tokens=True)
    assert len(encoded["input_ids"]) == rows


def _os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc")
def test_threads_are_checked_and_pools_are_not_kept_for_every_size(bpe) -> None:
    from subword.errors import InvalidArgumentError

    for threads in (0, 1025, 100_000):
        with pytest.raises(InvalidArgumentError, match="threads must be at least 1") as info:
            bpe.encode_batch(["low"] * 1000, threads=threads)
        assert info.value.argument == "threads"
    texts = ["lower newest"] * 1000
    expected = bpe.encode_batch(texts, threads=1)
    before = _os_threads()
    for threads in range(1, 21):
        assert bpe.encode_batch(texts, threads=threads) == expected
    # Four pools are kept (17 to 20 threads); the others' threads end on their own.
    deadline = time.monotonic() + 10
    while _os_threads() - before > 4 * 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _os_threads() - before <= 4 * 20


def test_a_long_single_text_encodes_as_its_words_do(bpe) -> None:
    words = ["lowest", "newer", "wider", "zzz", "low"] * 60_000  # about 1.7 MB
    text = " \n".join(words)
    assert len(text) > 1 << 20
    assert bpe.encode(text) == [i for word in words[:5] for i in bpe.encode(word)] * 60_000
    assert bpe.tokenize(text) == [s for word in words[:5] for s in bpe.tokenize(word)] * 60_000


# A vocab large enough that loading it takes seconds (here about 6 s): a million random
# tokens, which the trie lays out slowly. Loads run without the GIL and check the stop flag
# while reading, parsing and compiling.
LARGE_VOCAB_SETUP = """
import os, string, threading
folder = {folder!r}
os.makedirs(folder, exist_ok=True)
letters = string.ascii_lowercase
tokens = {{"".join(random.choices(letters, k=random.randint(3, 12))) for _ in range(1_000_000)}}
with open(os.path.join(folder, "vocab.txt"), "w") as out:
    out.write("\\n".join(vocab := ["[UNK]", *sorted(tokens)]) + "\\n")
before = sorted(os.listdir(folder))
"""
LOAD_LEFT_NOTHING = """
assert sorted(os.listdir(folder)) == before, os.listdir(folder)
assert threading.active_count() == 1, threading.enumerate()
assert WordPiece(["[UNK]", "hug", "##s"]).tokenize("hugs") == ["hug", "##s"]
"""


@pytest.mark.parametrize(
    "work",
    ["WordPiece.load(folder)", "_core.WordPieceModel(vocab)"],
    ids=["from its folder", "from a list"],
)
def test_ctrl_c_stops_loading_a_large_vocab_and_leaves_nothing_behind(
    work: str, tmp_path: Path
) -> None:
    setup = LARGE_VOCAB_SETUP.format(folder=str(tmp_path / "model"))
    elapsed = interrupt(setup, work, LOAD_LEFT_NOTHING, delay=0.5)
    assert elapsed < 1.0
