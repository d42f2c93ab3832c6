"""The chunk cache and the flat path of `BertTokenizer.__call__` change no result.

`tokenizer(batch)` of single texts goes through `TextEncoder.encode_flat` (each distinct
whitespace chunk normalized and encoded once, then found in `ChunkCache`) and
`subword.flat_inputs` (the fields made with numpy). The oracle is the word-by-word path
the same tokenizer takes for everything else (`TextEncoder.encode`, then
`model_inputs`' rows), and transformers' `BertTokenizer` on real text.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.bert import _SPECIAL_CHARACTERS, bert_texts, is_stable
from subword import BertTokenizer, ChunkCache, flat_inputs
from subword._core import WordPieceModel
from subword.call_options import CallOptions
from subword.flat_inputs import flat_fields
from subword.text_encoding import FlatBatch

SETTINGS = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])

#: Characters where chunking could go wrong: the breaks themselves, characters that are
#: whitespace to Python but deleted (not split at) by BERT, marks that would combine with
#: a neighbour across a break, final sigma, CJK, special-token brackets.
_EDGES = " \t\n\r\x1c\x1d\x1e\x1f\x85\x0b\x0c\xa0\u3000\u2028\u0301\u0308ΣσςΑ中文[]SEPMASKcls"

edge_texts = st.text(
    st.one_of(st.sampled_from(_EDGES), st.sampled_from(_SPECIAL_CHARACTERS), st.sampled_from("aé")),
    max_size=40,
).filter(lambda text: all(is_stable(c) for c in text))
texts = st.lists(st.one_of(bert_texts(), edge_texts), min_size=1, max_size=8)

OPTIONS = [
    {},
    {"do_lower_case": False},
    {"strip_accents": True},
    {"do_lower_case": False, "strip_accents": True},
    {"tokenize_chinese_chars": False},
]

CALLS = [
    {},
    {"truncation": True, "max_length": 8},
    {"truncation": True, "max_length": 8, "truncation_side": "left"},
    {"truncation": "only_first", "max_length": 6, "padding": "max_length"},
    {"padding": True, "pad_to_multiple_of": 4, "return_special_tokens_mask": True},
    {"padding": True, "return_tensors": "np"},
    {"truncation": True, "max_length": 5, "padding": "max_length", "return_tensors": "np"},
    {"add_special_tokens": False, "truncation": True, "max_length": 3},
    {"return_token_type_ids": False, "return_attention_mask": False},
]


@pytest.fixture(autouse=True, scope="module")
def flat_route_for_every_batch():
    """Batches under ``flat_inputs.MIN_TEXTS`` take the rows; these tests compare the two
    routes on small batches, so here every batch may take the flat one."""
    saved = flat_inputs.MIN_TEXTS
    flat_inputs.MIN_TEXTS = 1
    yield
    flat_inputs.MIN_TEXTS = saved


def test_small_batches_take_the_rows_with_the_same_fields(ours, corpora) -> None:
    lines = (corpora / "en-1m.txt").read_text(encoding="utf-8").splitlines()[:40]
    calls = [{}, {"truncation": True, "max_length": 16, "padding": "max_length"}]
    flat = [ours(lines[:5], **call) for call in calls]
    flat_inputs.MIN_TEXTS = 32
    try:
        assert ours._texts.encode_flat(lines[:5]) is not None  # the cache still serves them
        rows = [ours(lines[:5], **call) for call in calls]
    finally:
        flat_inputs.MIN_TEXTS = 1
    for got, expected in zip(rows, flat, strict=True):
        assert_same(got, expected)


@pytest.fixture(scope="module")
def tokenizers(bert_vocab_file: Path) -> dict[int, BertTokenizer]:
    return {i: BertTokenizer(bert_vocab_file, **options) for i, options in enumerate(OPTIONS)}


def row_path(tokenizer: BertTokenizer, *batch: list[str], **call):
    """The same call through the word-by-word path (no flat encoding, no cache)."""
    encoder = tokenizer._texts
    encoder.encode_flat = lambda texts: None
    encoder._encode_aligned_chunks = encoder._encode_words
    try:
        return tokenizer(*batch, **call)
    finally:
        del encoder.encode_flat, encoder._encode_aligned_chunks


def assert_same(got, expected) -> None:
    assert list(got.keys()) == list(expected.keys())
    for key in expected:
        a, b = got[key], expected[key]
        if isinstance(b, np.ndarray):
            assert isinstance(a, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, key
            assert (a == b).all(), key
        else:
            assert a == b, key


@SETTINGS
@given(batch=texts, options=st.sampled_from(range(len(OPTIONS))), call=st.sampled_from(CALLS))
def test_flat_path_equals_the_row_path(tokenizers, batch, options, call) -> None:
    tokenizer = tokenizers[options]
    call = dict(call)
    if "truncation_side" in call:
        tokenizer.truncation_side = call.pop("truncation_side")
    try:
        cold = tokenizer(batch, **call)
        warm = tokenizer(batch, **call)  # every chunk now found in the cache
        expected = row_path(tokenizer, batch, **call)
    finally:
        tokenizer.truncation_side = "right"
    assert_same(cold, expected)
    assert_same(warm, expected)
    assert cold.word_ids(0) == expected.word_ids(0)  # the alignment takes the row path


@SETTINGS
@given(batch=texts, options=st.sampled_from(range(len(OPTIONS))))
def test_offsets_and_words_through_the_cache_equal_the_word_by_word_path(
    tokenizers, batch, options
) -> None:
    texts = tokenizers[options]._texts
    expected = texts._encode_words(batch, True, True)
    assert texts.encode(batch, with_offsets=True, with_words=True) == expected  # cold
    assert texts.encode(batch, with_offsets=True, with_words=True) == expected  # warm
    assert texts.encode(batch, with_words=True) == [s._replace(offsets=None) for s in expected]


@SETTINGS
@given(batch=texts, options=st.sampled_from(range(len(OPTIONS))))
def test_pairs_through_the_cache_equal_the_row_path(tokenizers, batch, options) -> None:
    tokenizer = tokenizers[options]
    call = {"truncation": True, "max_length": 12, "padding": True}
    expected = row_path(tokenizer, batch, batch[::-1], **call)
    assert_same(tokenizer(batch, batch[::-1], **call), expected)
    with_offsets = tokenizer(batch, batch[::-1], return_offsets_mapping=True, **call)
    assert_same(with_offsets, row_path(tokenizer, batch, batch[::-1], return_offsets_mapping=True,
                                       **call))  # fmt: skip


@SETTINGS
@given(batch=texts)
def test_each_text_alone_equals_the_batch(tokenizers, batch) -> None:
    tokenizer = tokenizers[0]
    together = tokenizer(batch)["input_ids"]
    assert together == [tokenizer(text)["input_ids"] for text in batch]


def test_real_text_equals_transformers(ours, fast, corpora) -> None:
    lines = []
    for name in ("en-1m.txt", "zh-2m.txt", "fr-3m.txt", "de-3m.txt"):
        with open(corpora / name, encoding="utf-8") as handle:
            lines += handle.read(200_000).splitlines()[:1500]
    for call in ({}, {"truncation": True, "max_length": 64, "padding": "max_length"}):
        for start in range(0, len(lines), 1000):
            batch = lines[start : start + 1000]
            got, expected = ours(batch, **call), fast(batch, **call)
            for key in expected:
                assert got[key] == expected[key], (key, start)


def test_real_offsets_and_word_ids_equal_transformers(ours, fast, corpora) -> None:
    lines = []
    for name in ("en-1m.txt", "zh-2m.txt", "fr-3m.txt", "de-3m.txt"):
        with open(corpora / name, encoding="utf-8") as handle:
            lines += handle.read(100_000).splitlines()[:500]
    lines += ["a [SEP] b", "Café[CLS] x"]  # special tokens: the word-by-word path, spliced
    call = {"return_offsets_mapping": True, "truncation": True, "max_length": 128}
    for start in range(0, len(lines), 400):
        batch = lines[start : start + 400]
        got, expected = ours(batch, **call), fast(batch, **call)
        for key in expected:
            assert got[key] == expected[key], (key, start)
        assert [got.word_ids(i) for i in range(len(batch))] == [
            expected.word_ids(i) for i in range(len(batch))
        ]


def test_special_tokens_in_the_text_take_the_mixed_path(ours, fast) -> None:
    batch = ["plain text here", "a [SEP] b [MASK]", "", "Café[CLS]", "more plain"]
    assert ours._texts.splitter.may_hold_tokens(batch) == [False, True, False, True, False]
    assert ours(batch)["input_ids"] == fast(batch)["input_ids"]
    assert_same(ours(batch, padding=True), row_path(ours, batch, padding=True))


def test_never_split_and_added_tokens_fall_back_to_the_row_path(bert_vocab_file) -> None:
    kept = BertTokenizer(bert_vocab_file, never_split=["Hello!"])
    assert kept._texts.encode_flat(["Hello! world"]) is None
    assert kept(["Hello! world"])["input_ids"] == [[101, kept.unk_token_id, 2088, 102]]
    added = BertTokenizer(bert_vocab_file)
    added.add_tokens(["covid-19"])
    assert added._texts.encode_flat(["COVID-19 cases"]) is None
    assert added(["COVID-19 cases"])["input_ids"][0][1] == len(added) - 1


def test_changing_the_normalization_options_empties_the_cache(bert_vocab_file) -> None:
    tokenizer = BertTokenizer(bert_vocab_file)
    before = tokenizer(["Hello World"])["input_ids"]
    assert len(tokenizer.chunk_cache) == 2
    tokenizer.basic_tokenizer.do_lower_case = False
    after = tokenizer(["Hello World"])["input_ids"]
    assert after != before  # "Hello" and "World" are not in the uncased vocab
    assert after == row_path(tokenizer, ["Hello World"])["input_ids"]


def test_the_bound_holds_and_results_do_not_depend_on_it(bert_vocab_file, corpora) -> None:
    lines = (corpora / "en-1m.txt").read_text(encoding="utf-8").splitlines()[:3000]
    unbounded = BertTokenizer(bert_vocab_file)
    small = BertTokenizer(bert_vocab_file)
    small.chunk_cache = ChunkCache(capacity=20_000)
    off = BertTokenizer(bert_vocab_file)
    off.chunk_cache = ChunkCache(0)
    for start in range(0, len(lines), 500):
        batch = lines[start : start + 500]
        expected = unbounded(batch)["input_ids"]
        assert small(batch)["input_ids"] == expected
        assert off(batch)["input_ids"] == expected
        assert small.chunk_cache.bytes <= 20_000
    assert len(off.chunk_cache) == 0
    assert len(unbounded.chunk_cache) > len(small.chunk_cache) > 0
    assert "ChunkCache(capacity=20000" in repr(small.chunk_cache)


def test_threads_sharing_a_tokenizer_get_the_same_results(bert_vocab_file, corpora) -> None:
    lines = (corpora / "fr-3m.txt").read_text(encoding="utf-8").splitlines()[:4000]
    batches = [lines[i : i + 250] for i in range(0, len(lines), 250)]
    expected = [BertTokenizer(bert_vocab_file)(b)["input_ids"] for b in batches]
    shared = BertTokenizer(bert_vocab_file)
    shared.chunk_cache = ChunkCache(capacity=200_000)  # emptied and refilled as they run
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            got = list(pool.map(lambda b: shared(b)["input_ids"], batches))
            assert got == expected


def test_a_normalizer_error_reaches_the_caller_unchanged() -> None:
    model = WordPieceModel(["[UNK]", "a"], unk_token="[UNK]")
    cache = ChunkCache()

    def failing(chunks):
        raise LookupError("from the normalizer")

    with pytest.raises(LookupError, match="from the normalizer"):
        cache.encode_texts(model, ["é"] * 600, True, failing)
    with pytest.raises(ValueError, match="gave 0 word lists for 1 chunks"):
        cache.encode_texts(model, ["é"], True, lambda chunks: [])
    with pytest.raises(TypeError):
        cache.encode_texts(model, ["é"], True, lambda chunks: [[1]])
    assert len(cache) == 0
    ids, lengths = cache.encode_texts(model, ["a é", "a"], True, lambda c: [["a"]] * len(c))
    assert (ids.tolist(), lengths.tolist()) == ([1, 1, 1], [2, 1])


def test_a_normalizer_runs_once_per_batch_with_the_distinct_missing_chunks() -> None:
    model = WordPieceModel(["[UNK]", "a", "é"], unk_token="[UNK]")
    cache, calls = ChunkCache(), []
    lock = threading.Lock()

    def normalize(chunks):
        with lock:
            calls.append(list(chunks))
        return [[chunk] for chunk in chunks]

    cache.encode_texts(model, ["é a é", "ü é"] * 300, True, normalize)
    cache.encode_texts(model, ["é ü"], True, normalize)
    assert calls == [["é", "ü"]]  # printable ASCII is split in Rust; the rest once
    assert len(cache) == 3


def test_capacity_is_checked() -> None:
    with pytest.raises((ValueError, OverflowError, TypeError)):
        ChunkCache(capacity=-1)
    assert ChunkCache().capacity == 32 << 20


int64s = st.integers(-(2**63), 2**63 - 1) | st.integers(0, 70_000)


@SETTINGS
@given(
    rows=st.integers(0, 5),
    width=st.integers(0, 6),
    values=st.lists(int64s, min_size=30, max_size=30),
    step=st.sampled_from([1, 2]),
)
def test_int_rows_equal_tolist(rows, width, values, step) -> None:
    from subword._core import int_rows

    array = np.array(values[: rows * width], dtype=np.int64).reshape(rows, width)[:, ::step]
    assert int_rows(array) == array.tolist()


@SETTINGS
@given(values=st.lists(int64s, max_size=20), cuts=st.lists(st.integers(0, 20), max_size=5))
def test_int_runs_equal_the_slices(values, cuts) -> None:
    from subword._core import int_runs

    array = np.array(values, dtype=np.int64)
    offsets = np.array([0, *sorted(min(c, len(values)) for c in cuts), len(values)])
    expected = [array[a:b].tolist() for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    assert int_runs(array, offsets) == expected
    with pytest.raises(ValueError, match="offsets must rise"):
        int_runs(array, offsets[::-1] + 1)


@SETTINGS
@given(value=st.integers(-(2**40), 2**40), lengths=st.lists(st.integers(0, 70), max_size=6))
def test_repeated_rows_equal_list_repetition(value, lengths) -> None:
    from subword._core import repeated_rows

    assert repeated_rows(value, np.array(lengths, dtype=np.int64)) == [[value] * n for n in lengths]


@SETTINGS
@given(lengths=st.lists(st.integers(0, 9), max_size=6), extra=st.integers(0, 3), left=st.booleans())
def test_mask_rows_equal_the_padded_masks(lengths, extra, left) -> None:
    from subword._core import mask_rows

    width = max(lengths, default=0) + extra
    got = mask_rows(np.array(lengths, dtype=np.int64), width, left)
    pads = [[0] * (width - n) for n in lengths]
    ones = [[1] * n for n in lengths]
    expected = [p + o if left else o + p for p, o in zip(pads, ones, strict=True)]
    assert got == expected
    if max(lengths, default=0) > 0:  # a row longer than the width is refused
        with pytest.raises(ValueError, match="a row of"):
            mask_rows(np.array(lengths, dtype=np.int64), max(lengths) - 1, left)


def test_returned_rows_are_not_walked_by_the_collector(ours) -> None:
    """The flat route's rows hold no cycle: the collector need not visit them (flat.rs)."""
    import gc

    for call in ({}, {"padding": "max_length", "max_length": 8}, {"truncation": True}):
        encoded = ours(["hello world", "a b c"] * 100, **call)
        for key, rows in encoded.items():
            assert gc.is_tracked(rows)  # the batch's list itself is an ordinary list
            assert not any(gc.is_tracked(row) for row in rows), (call, key)


def test_returned_spans_are_not_walked_by_the_collector(ours) -> None:
    """The aligned route's offset tuples hold two ints each: untracked as they are made."""
    import gc

    texts = ["Hello world, café!", "a b c"] * 100
    gc.disable()  # a collection would untrack them too, hiding how they were made
    try:
        segments = ours._texts._encode_aligned_chunks(texts, with_offsets=True, with_words=True)
        spans = [span for segment in segments for span in segment.offsets]
        assert spans and all(isinstance(span, tuple) and len(span) == 2 for span in spans)
        assert not any(gc.is_tracked(span) for span in spans)
    finally:
        gc.enable()
    expected = row_path(ours, texts[:1], return_offsets_mapping=True, add_special_tokens=False)
    assert segments[0].offsets == expected["offset_mapping"][0]


def test_building_lists_leaves_the_garbage_collector_as_it_was(ours) -> None:
    import gc

    from subword._core import int_rows

    assert gc.isenabled()
    assert ours(["hello world"] * 600, padding="max_length", max_length=8)["input_ids"]
    assert gc.isenabled()
    gc.disable()
    try:
        assert int_rows(np.ones((2, 2), dtype=np.int64)) == [[1, 1], [1, 1]]
        assert not gc.isenabled()
    finally:
        gc.enable()


@SETTINGS
@given(
    lengths=st.lists(st.integers(0, 6), max_size=6),
    side=st.sampled_from(["right", "left"]),
    pad_type_id=st.sampled_from([0, 7]),
    padded=st.booleans(),
    special=st.booleans(),
)
def test_flat_lists_equal_the_flat_arrays(lengths, side, pad_type_id, padded, special) -> None:
    """The lists of `flat_inputs` (some made as `[value] * n`) are the arrays' rows."""
    ids = np.arange(10, 10 + sum(lengths), dtype=np.uint32)
    flat = FlatBatch(ids, np.array(lengths, dtype=np.int64))
    call = {"padding_side": side, "with_special": special}
    width = 9 if padded else max(lengths, default=0) + 2
    pad = {"padding": "max_length", "max_length": width} if padded else {}
    made = flat_fields(flat, CallOptions(**call, **pad), (2, 3), (0, pad_type_id), True)
    assert made is not None
    lists = made[0]
    arrays, _ = pad_flat_of(flat, width, side, (0, pad_type_id), special)
    for key, rows in arrays.items():
        expected = rows.tolist()
        if not padded:  # the rows as they are: the padding cut off
            cuts = [slice(width - n - 2, None) if side == "left" else slice(n + 2) for n in lengths]
            expected = [row[cut] for row, cut in zip(expected, cuts, strict=True)]
        assert lists[key] == expected, key
    assert list(lists) == list(arrays)


def pad_flat_of(flat, width, side, pad_ids, special):
    """The same fields through `return_tensors="np"` at the padded width."""
    options = CallOptions(
        padding="max_length", max_length=width, padding_side=side, with_special=special,
        tensor_type="np",
    )  # fmt: skip
    made = flat_fields(flat, options, (2, 3), pad_ids, True)
    assert made is not None
    return made
