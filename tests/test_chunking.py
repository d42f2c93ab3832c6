"""`BertTokenizer.chunk` and the window arithmetic of `subword.chunking` and `subword.truncation`.

Every strategy is checked against the full token list of a real text, and
`sliding_window` against the overflow windows of transformers' `BertTokenizer`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from subword.bert import BertTokenizer
from subword.chunking import plan_chunks
from subword.truncation import overflow_windows


@pytest.fixture(scope="module")
def long_text(corpora: Path) -> str:
    """About 2,000 tokens of real English (with some accents and CJK mixed in)."""
    with open(corpora / "en-1m.txt", encoding="utf-8") as handle:
        english = handle.read(8_000)
    return english + " Ça, c'est Zürich — 東京 and Москва."


@pytest.fixture(scope="module")
def content(ours: BertTokenizer, long_text: str) -> tuple[list[int], list[tuple[int, int]]]:
    encoding = ours(long_text, add_special_tokens=False, return_offsets_mapping=True)
    return encoding["input_ids"], encoding["offset_mapping"]


def with_specials(ours: BertTokenizer, ids: list[int]) -> list[int]:
    return [ours.cls_token_id, *ids, ours.sep_token_id]


def test_head_and_tail(ours, long_text, content) -> None:
    ids, offsets = content
    (head,) = ours.chunk(long_text, strategy="head", max_length=512)
    (tail,) = ours.chunk(long_text, strategy="tail", max_length=512)
    assert head["input_ids"] == with_specials(ours, ids[:510])
    assert head["offset_mapping"] == [(0, 0), *offsets[:510], (0, 0)]
    assert tail["input_ids"] == with_specials(ours, ids[-510:])
    assert tail["offset_mapping"] == [(0, 0), *offsets[-510:], (0, 0)]
    assert head["token_type_ids"] == [0] * 512 and head["attention_mask"] == [1] * 512
    assert ours(long_text, truncation=True, max_length=512)["input_ids"] == head["input_ids"]


def test_head_tail_is_128_plus_382(ours, long_text, content) -> None:
    ids, offsets = content
    (chunk,) = ours.chunk(long_text, strategy="head_tail", max_length=512)
    assert chunk["input_ids"] == with_specials(ours, ids[:128] + ids[-382:])
    assert chunk["offset_mapping"][1:-1] == offsets[:128] + offsets[-382:]
    (custom,) = ours.chunk(long_text, strategy="head_tail", max_length=64, head=10)
    assert custom["input_ids"] == with_specials(ours, ids[:10] + ids[-52:])


def test_short_text_is_one_whole_chunk(ours) -> None:
    for strategy in ("head", "tail", "head_tail", "sliding_window"):
        (chunk,) = ours.chunk("Short text.", strategy=strategy, max_length=512)
        assert chunk["input_ids"] == ours("Short text.")["input_ids"]
    (empty,) = ours.chunk("", max_length=16, stride=4)
    assert empty["input_ids"] == [ours.cls_token_id, ours.sep_token_id]


@pytest.mark.parametrize("max_length,stride", [(512, 128), (64, 16), (32, 0), (8, 3)])
def test_sliding_window_covers_and_overlaps_by_stride(
    ours, long_text, content, max_length, stride
) -> None:
    ids, offsets = content
    chunks = ours.chunk(long_text, max_length=max_length, stride=stride)
    window = max_length - 2
    position = 0
    covered = set()
    for index, chunk in enumerate(chunks):
        assert len(chunk["input_ids"]) <= max_length
        body = chunk["input_ids"][1:-1]
        start = position if index == 0 else position - stride
        assert body == ids[start : start + len(body)]
        assert chunk["offset_mapping"][1:-1] == offsets[start : start + len(body)]
        covered.update(range(start, start + len(body)))
        assert len(body) == window or start + len(body) == len(ids)
        position = start + len(body)
    assert covered == set(range(len(ids)))
    assert position == len(ids)


@pytest.mark.parametrize("max_length,stride", [(512, 128), (64, 16), (32, 0)])
def test_sliding_window_equals_transformers_overflow(ours, fast, long_text, max_length, stride):
    chunks = ours.chunk(long_text, max_length=max_length, stride=stride)
    expected = fast(
        long_text,
        truncation=True,
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    for key in ("input_ids", "token_type_ids", "attention_mask", "offset_mapping"):
        assert [chunk[key] for chunk in chunks] == expected[key]


@pytest.mark.parametrize("max_length,stride", [(384, 128), (64, 8)])
def test_question_kept_whole_in_every_window(ours, fast, long_text, max_length, stride) -> None:
    question = "What is this text about, and who wrote it?"
    chunks = ours.chunk(question, long_text, max_length=max_length, stride=stride)
    expected = fast(
        question,
        long_text,
        truncation="only_second",
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    for key in ("input_ids", "token_type_ids", "attention_mask", "offset_mapping"):
        assert [chunk[key] for chunk in chunks] == expected[key]
    question_ids = ours(question)["input_ids"][:-1]
    assert all(chunk["input_ids"][: len(question_ids)] == question_ids for chunk in chunks)


def test_doc_stride_is_the_step(ours, long_text) -> None:
    by_step = ours.chunk(long_text, max_length=64, doc_stride=40)
    by_overlap = ours.chunk(long_text, max_length=64, stride=62 - 40)
    assert by_step == by_overlap


def test_offsets_point_at_the_right_characters(ours, long_text) -> None:
    basic = ours.basic_tokenizer
    for chunk in ours.chunk(long_text, max_length=128, stride=32):
        tokens = ours.convert_ids_to_tokens(chunk["input_ids"])
        for token, (start, end) in zip(tokens, chunk["offset_mapping"], strict=True):
            if token in (ours.cls_token, ours.sep_token, ours.unk_token):
                continue
            assert basic.normalize(long_text[start:end]) == token.removeprefix("##")


def test_padding_to_max_length(ours, long_text) -> None:
    chunks = ours.chunk(long_text, max_length=64, stride=8, padding="max_length")
    assert all(len(chunk["input_ids"]) == 64 for chunk in chunks)
    last = chunks[-1]
    real = sum(last["attention_mask"])
    assert last["input_ids"][real:] == [ours.pad_token_id] * (64 - real)
    assert last["offset_mapping"][real:] == [(0, 0)] * (64 - real)


def test_bad_values_raise_value_error_naming_them(ours, long_text) -> None:
    with pytest.raises(ValueError, match="max_length=2"):
        ours.chunk(long_text, max_length=2)
    with pytest.raises(ValueError, match="stride=62"):
        ours.chunk(long_text, max_length=64, stride=62)
    with pytest.raises(ValueError, match="stride=128"):  # the default overlap, too big here
        ours.chunk(long_text, max_length=64)
    with pytest.raises(ValueError, match="head=62"):
        ours.chunk(long_text, strategy="head_tail", max_length=64, head=62)
    with pytest.raises(ValueError, match="doc_stride=0"):
        ours.chunk(long_text, max_length=64, doc_stride=0)
    with pytest.raises(ValueError, match="not both"):
        ours.chunk(long_text, max_length=64, stride=8, doc_stride=8)
    with pytest.raises(ValueError, match="strategy='middle'"):
        ours.chunk(long_text, strategy="middle")
    with pytest.raises(ValueError, match="question of"):
        ours.chunk("a " * 70, long_text, max_length=64, stride=0)
    with pytest.raises(ValueError):
        ours.chunk(b"bytes")


@settings(deadline=None, max_examples=300)
@given(
    length=st.integers(0, 400),
    max_length=st.integers(3, 80),
    data=st.data(),
)
def test_windows_cover_everything_with_exact_overlap(length, max_length, data) -> None:
    window = max_length - 2
    stride = data.draw(st.integers(0, window - 1))
    chunks = plan_chunks(length, "sliding_window", max_length=max_length, stride=stride).chunks
    spans = [ranges[0] for ranges in chunks]
    assert spans == overflow_windows(length, window, stride)
    assert spans[0][0] == 0 and spans[-1][1] == length
    for (start, stop), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert stop - start == window
        assert stop - next_start == stride
    assert all(stop - start <= window for start, stop in spans)


@pytest.mark.parametrize("threads", [1, 2])
def test_a_large_batch_in_background_parts_equals_one_call(ours, corpora, monkeypatch, threads):
    """Past two parts, a batch is encoded on a background thread while windows are made."""
    from subword import chunking

    lines = (corpora / "en-1m.txt").read_text(encoding="utf-8").splitlines()[:3 * 64 * 5]
    contexts = [" ".join(lines[i : i + 5]) for i in range(0, len(lines), 5)]
    questions = [context.split()[0] if i % 3 else None for i, context in enumerate(contexts)]
    samples = [(q, c) for q, c in zip(questions, contexts, strict=True)]
    answers = [{"answer_start": [0], "text": [c[:5]]} for c in contexts]
    monkeypatch.setattr(chunking, "default_threads", lambda: threads)
    batch = ours.chunk(
        [q or "" for q in questions], contexts, max_length=64, stride=16, answers=answers
    )
    alone = [
        window
        for (question, context), answer in zip(samples, answers, strict=True)
        for window in ours.chunk(question or "", context, max_length=64, stride=16,
                                 answers=answer)
    ]  # fmt: skip
    assert len(batch) == len(alone)
    for got, expected in zip(batch, alone, strict=True):
        for key in expected:
            assert got[key] == expected[key], key
        assert got.word_ids() == expected.word_ids()
        assert got.source_texts == expected.source_texts


def test_an_error_in_a_background_part_reaches_the_caller(ours, monkeypatch) -> None:
    from subword import chunking

    monkeypatch.setattr(chunking, "default_threads", lambda: 2)
    calls = []
    encode = ours._texts.encode

    def failing(texts, with_offsets=False, with_words=False):
        calls.append(len(texts))
        if len(calls) == 2:
            raise LookupError("in the second part")
        return encode(texts, with_offsets, with_words)

    monkeypatch.setattr(ours._texts, "encode", failing)
    with pytest.raises(LookupError, match="in the second part"):
        ours.chunk(["a long text here"] * 300, max_length=8, stride=2)
    assert calls[:2] == [64, 64]
