"""What the training stack asks of a tokenizer, against transformers 5's ``BertTokenizer``.

Tensors, padding side and multiples, left truncation, ``pad()`` (what data collators
call), alignment (``word_ids()``, ``char_to_token()``, ...) and ``is_split_into_words``:
each compared field by field with the ``tokenizers``-backed class on real text (the grid
of ``test_bert_tokenizer.py``) and on hypothesis text.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.bert import bert_texts, transformers_fast
from subword.bert import BertTokenizer
from test_bert_tokenizer import call_or_error, comparable_with_tokenizers

SETTINGS = settings(deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def lines(corpora: Path) -> list[str]:
    """Real English, Chinese and accented lines: a few hundred."""
    picked = []
    for name, count in [("en-1m.txt", 200), ("zh-2m.txt", 40), ("fr-3m.txt", 40)]:
        with open(corpora / name, encoding="utf-8") as handle:
            picked += [line for line in handle.read(80_000).splitlines() if line.strip()][:count]
    return picked


@pytest.fixture(scope="module")
def sided(bert_vocab_file: Path) -> dict:
    """Ours and transformers' tokenizers for each (padding_side, truncation_side)."""
    pairs = {}
    for padding_side, truncation_side in itertools.product(["right", "left"], repeat=2):
        options = dict(padding_side=padding_side, truncation_side=truncation_side)
        pairs[padding_side, truncation_side] = (
            BertTokenizer(bert_vocab_file, **options),
            transformers_fast(bert_vocab_file, **options),
        )
    return pairs


def same_result(ours, reference, *args, **kwargs) -> None:
    """Equal fields, or both refuse (transformers' error types vary; ours is a ValueError)."""
    expected, expected_error = call_or_error(reference, *args, **kwargs)
    got, error = call_or_error(ours, *args, **kwargs)
    if expected_error is not None:
        assert isinstance(error, ValueError), (kwargs, expected_error, error)
        return
    assert error is None, (kwargs, error)
    assert list(got) == list(expected), kwargs
    for key in expected:
        if isinstance(expected[key], np.ndarray):
            assert got[key].dtype == expected[key].dtype, key
            np.testing.assert_array_equal(got[key], expected[key], err_msg=f"{key} {kwargs}")
        else:
            assert got[key] == expected[key], (key, kwargs)


# ---------------------------------------------------------------------- sides and multiples


SIDE_GRID = list(
    itertools.product(
        ["right", "left"],  # padding_side
        ["right", "left"],  # truncation_side
        [None, "longest_first", "only_first", "only_second"],  # truncation
        [False, "longest", "max_length"],  # padding
        [None, 8],  # pad_to_multiple_of
    )
)


@pytest.mark.parametrize("padding_side,truncation_side,truncation,padding,multiple", SIDE_GRID)
def test_sides_and_multiples_equal_transformers(
    sided, lines, padding_side, truncation_side, truncation, padding, multiple
) -> None:
    ours, reference = sided[padding_side, truncation_side]
    rng = random.Random(f"{padding_side}{truncation_side}{truncation}{padding}{multiple}")
    batch = rng.sample(lines, 4)
    for max_length, stride, overflow in [(20, 0, False), (20, 4, True), (64, 8, True)]:
        options = dict(
            truncation=truncation,
            max_length=max_length,
            padding=padding,
            pad_to_multiple_of=multiple,
            stride=stride,
            return_overflowing_tokens=overflow,
            return_offsets_mapping=True,
            return_special_tokens_mask=True,
            return_length=True,
        )
        for args in [(batch[0],), (batch[0], batch[1]), (batch,), (batch[:2], batch[2:])]:
            same_result(ours, reference, *args, **options)


def test_padding_side_per_call_and_as_attribute(bert_vocab_file: Path, lines) -> None:
    ours, reference = BertTokenizer(bert_vocab_file), transformers_fast(bert_vocab_file)
    batch = lines[:3]
    same_result(ours, reference, batch, padding=True, padding_side="left")
    ours.padding_side = reference.padding_side = "left"
    ours.truncation_side = reference.truncation_side = "left"
    same_result(ours, reference, batch, padding=True, truncation=True, max_length=10)
    with pytest.raises(ValueError, match="padding_side must be 'right' or 'left'"):
        ours(batch, padding=True, padding_side="middle")
    with pytest.raises(ValueError, match="truncation_side"):
        BertTokenizer(bert_vocab_file, truncation_side="both")


# ---------------------------------------------------------------------- tensors


@pytest.mark.parametrize("padding", [True, "max_length"])
def test_numpy_tensors_equal_transformers(ours, fast, lines, padding) -> None:
    options = dict(padding=padding, truncation=True, max_length=32, return_tensors="np")
    same_result(ours, fast, lines[:8], **options)
    same_result(ours, fast, lines[0], **options)  # a single text gets a batch axis
    same_result(ours, fast, lines[:4], lines[4:8], **options, return_offsets_mapping=True)
    same_result(
        ours, fast, lines[:4], **options, return_overflowing_tokens=True, stride=4,
        return_special_tokens_mask=True, return_length=True,
    )  # fmt: skip


def test_ragged_numpy_rows_are_arrays_of_arrays_as_transformers(ours, fast, lines) -> None:
    expected, got = fast(lines[:3], return_tensors="np"), ours(lines[:3], return_tensors="np")
    for key in expected:
        assert got[key].dtype == expected[key].dtype == object
        assert len(got[key]) == len(expected[key])
        for row, expected_row in zip(got[key], expected[key], strict=True):
            assert row.dtype == expected_row.dtype
            np.testing.assert_array_equal(row, expected_row)


def test_unsupported_tensor_types_are_refused(ours) -> None:
    with pytest.raises(ValueError, match="return_tensors='tf' is not supported"):
        ours("hello", return_tensors="tf")


def test_torch_tensors_or_a_clear_error(ours, lines) -> None:
    try:
        import torch
    except ImportError:
        with pytest.raises(ImportError, match="pip install torch"):
            ours(lines[:2], padding=True, return_tensors="pt")
        return
    with pytest.raises(ValueError, match="activate truncation and/or padding"):
        ours(lines[:2], return_tensors="pt")
    batch = ours(lines[:2], padding=True, return_tensors="pt")
    assert batch["input_ids"].dtype == torch.int64
    assert batch["input_ids"].tolist() == ours(lines[:2], padding=True)["input_ids"]


# ---------------------------------------------------------------------- pad()


def as_nested(value):
    """Arrays (object arrays of rows too) as nested lists, to compare ragged results."""
    if isinstance(value, np.ndarray):
        assert value.dtype in (np.int64, object), value.dtype
        return [as_nested(row) for row in value] if value.dtype == object else value.tolist()
    if isinstance(value, list):
        return [as_nested(item) for item in value]
    return value


def test_pad_equals_transformers(sided, lines) -> None:
    for (padding_side, _), (ours, reference) in sided.items():
        unpadded = ours(lines[:5], return_special_tokens_mask=True)
        examples = [{key: unpadded[key][i] for key in unpadded} for i in range(5)]
        for padding, max_length, multiple, tensors in itertools.product(
            [True, "longest", "max_length", False], [None, 200], [None, 8], [None, "np"]
        ):
            if padding == "max_length" and max_length is None:
                continue
            options = dict(
                padding=padding,
                max_length=max_length,
                pad_to_multiple_of=multiple,
                return_tensors=tensors,
            )
            for features in (examples, dict(unpadded), examples[0]):
                expected = reference.pad(features, **options)
                got = ours.pad(features, **options)
                assert list(got) == list(expected), (padding_side, options)
                for key in expected:
                    assert as_nested(got[key]) == as_nested(expected[key]), (key, options)
                    assert type(got[key]) is type(expected[key]), key


def test_pad_keeps_other_fields_and_reads_arrays(ours, fast) -> None:
    features = [
        {"input_ids": np.array([101, 7592, 102]), "labels": 1},
        {"input_ids": np.array([101, 102]), "labels": 0},
    ]
    got, expected = ours.pad(features), fast.pad(features)
    assert list(got) == list(expected) == ["input_ids", "labels", "attention_mask"]
    for key in expected:
        assert type(got[key]) is type(expected[key]), key
        assert as_nested(got[key]) == as_nested(expected[key]), key
    assert as_nested(got["labels"]) == [1, 0]
    with pytest.raises(ValueError, match="input_ids"):
        ours.pad([{"labels": 1}])


def test_special_tokens_mask_of_a_formatted_input(ours, fast, lines) -> None:
    for line in lines[:20]:
        ids = ours(line, "a second text")["input_ids"]
        assert ours.get_special_tokens_mask(
            ids, already_has_special_tokens=True
        ) == fast.get_special_tokens_mask(ids, already_has_special_tokens=True)


# ---------------------------------------------------------------------- alignment


def alignment_of(batch, i: int) -> dict:
    """Every alignment answer for input ``i`` of a batch (words, chars, tokens).

    Words are asked of the sequence that has them (transformers' ``word_to_chars`` raises
    a ``TypeError`` for a word a sequence does not have; ours returns ``None``). Tokens are
    compared stripped: ``tokenizers`` shows an ``lstrip``/``rstrip`` added token with the
    whitespace it took (``" [l] "``), ours as the token (``"[l]"``, as
    ``convert_ids_to_tokens`` gives it in both).
    """
    tokens = [token.strip() for token in batch.tokens(i)]
    word_ids, sequence_ids = batch.word_ids(i), batch.sequence_ids(i)
    sequences = [0, 1] if 1 in sequence_ids else [0]
    words = {
        s: sorted(
            {w for w, seq in zip(word_ids, sequence_ids, strict=True) if seq == s and w is not None}
        )
        for s in sequences
    }
    chars = range(max((end for _, end in batch.encodings[i].offsets), default=0) + 1)
    return {
        "tokens": tokens,
        "word_ids": word_ids,
        "sequence_ids": sequence_ids,
        "token_to_word": [batch.token_to_word(i, t) for t in range(len(tokens))],
        "token_to_sequence": [batch.token_to_sequence(i, t) for t in range(len(tokens))],
        "token_to_chars": [batch.token_to_chars(i, t) for t in range(len(tokens))],
        "word_to_tokens": [
            batch.word_to_tokens(i, w, s) for s in sequences for w in words[s] + [10_000]
        ],
        "word_to_chars": [batch.word_to_chars(i, w, s) for s in sequences for w in words[s]],
        "char_to_token": [batch.char_to_token(i, c, s) for s in sequences for c in chars],
        "char_to_word": [batch.char_to_word(i, c, s) for s in sequences for c in chars],
    }


def same_alignment(ours, reference, *args, **kwargs) -> None:
    kwargs = dict(kwargs, return_offsets_mapping=True)
    got, expected = ours(*args, **kwargs), reference(*args, **kwargs)
    assert got["input_ids"] == expected["input_ids"]
    rows = len(expected.encodings)
    assert len(got.encodings) == rows
    assert got.n_sequences == expected.n_sequences
    for i in range(rows):
        assert alignment_of(got, i) == alignment_of(expected, i), (i, kwargs)


@pytest.mark.parametrize(
    "truncation,padding_side", list(itertools.product([None, True], ["right", "left"]))
)
def test_alignment_equals_transformers(sided, lines, truncation, padding_side) -> None:
    ours, reference = sided[padding_side, "right"]
    batch = lines[:6]
    options = dict(truncation=truncation, max_length=24, padding=True)
    same_alignment(ours, reference, batch, **options)
    same_alignment(ours, reference, batch[:3], batch[3:], **options)
    same_alignment(ours, reference, batch, **options, return_overflowing_tokens=True, stride=4)
    single = ours(batch[0])
    assert single.word_ids() == reference(batch[0]).word_ids()
    assert single.char_to_token(0) == reference(batch[0]).char_to_token(0)
    last = len(single["input_ids"]) - 2
    assert single.token_to_word(last) == reference(batch[0]).token_to_word(last)
    # negative indices count back (transformers 5 means to, and fails on ``_seq_len``)
    assert single.token_to_word(-2) == single.token_to_word(last)


@SETTINGS
@given(texts=st.lists(bert_texts(max_size=30), min_size=2, max_size=2))
def test_alignment_hypothesis_text(ours, fast, legacy, texts) -> None:
    if not comparable_with_tokenizers(fast, legacy, *texts):
        return
    same_alignment(ours, fast, texts)
    same_alignment(ours, fast, texts[0], texts[1])


def test_alignment_of_special_tokens_in_the_text(ours, fast) -> None:
    same_alignment(ours, fast, ["a [SEP] b [MASK]c", "[CLS]"], padding=True)


# ---------------------------------------------------------------------- is_split_into_words


def test_split_into_words_equals_transformers(ours, fast, lines) -> None:
    words = [line.split() for line in lines[:40]]
    options = dict(is_split_into_words=True, return_offsets_mapping=True)
    for sample in words[:10]:
        same_result(ours, fast, sample, **options)
        same_alignment(ours, fast, sample, is_split_into_words=True)
    same_result(ours, fast, words[:8], padding=True, **options)
    same_result(ours, fast, words[:4], words[4:8], truncation=True, max_length=30, **options)
    same_alignment(ours, fast, words[:4], words[4:8], is_split_into_words=True, padding=True)
    same_result(ours, fast, ["Hello,", "world!", "[SEP]"], **options)
    same_result(ours, fast, [], **options)


# ---------------------------------------------------------------------- unsupported


@pytest.mark.parametrize(
    "argument", ["text_target", "text_pair_target", "return_tensors_as", "split_special_token"]
)
def test_unsupported_call_arguments_are_refused_by_name(ours, argument) -> None:
    with pytest.raises(TypeError, match=f"got {argument}, which subword does not support"):
        ours("hello", **{argument: "x"})


# ---------------------------------------------------------------------- added tokens

ADDED = ["COVID-19", "[E1]", "[/E1]", "hello", "Café", "new_tok", "中文词"]
ADDED_SPECIAL = ["<ent>", "<X>"]


def with_added_tokens(tokenizer, options: list) -> tuple[int, int, int]:
    """The same additions made to either tokenizer; what each call returned."""
    from tokenizers import AddedToken

    first = tokenizer.add_tokens(ADDED)
    second = tokenizer.add_tokens([AddedToken(**option) for option in options])
    third = tokenizer.add_special_tokens({"extra_special_tokens": ADDED_SPECIAL})
    return first, second, third


OPTIONED = [
    dict(content="Foo", normalized=False),
    dict(content="bar", single_word=True),
    dict(content="[L]", lstrip=True, rstrip=True),
    dict(content="<sp>", special=True, normalized=False),
]


@pytest.fixture(scope="module")
def added_pair(bert_vocab_file: Path):
    ours, reference = BertTokenizer(bert_vocab_file), transformers_fast(bert_vocab_file)
    assert with_added_tokens(ours, OPTIONED) == with_added_tokens(reference, OPTIONED)
    return ours, reference


ADDED_TEXTS = [
    "covid-19 and COVID-19 x[E1]y [e1] Hello café CAFE <ent> <ENT> <X>",
    "precovid-19s new_tok new_toks 我们的中文词汇",
    "Foo foo xbar bar barx bar_ a [L] b [L]c",
    "[CLS] one [SEP] two <sp> three [MASK]",
]


def test_added_tokens_equal_transformers(added_pair, lines) -> None:
    ours, reference = added_pair
    assert len(ours) == len(reference)
    assert ours.vocab_size == reference.vocab_size
    assert ours.all_special_tokens == reference.all_special_tokens
    assert ours.all_special_ids == reference.all_special_ids
    assert ours.get_added_vocab() == reference.get_added_vocab()
    options = dict(return_offsets_mapping=True, return_special_tokens_mask=True)
    texts = ADDED_TEXTS + [f"{line} [E1] {line[:20]}COVID-19" for line in lines[:50]]
    for text in texts:
        same_result(ours, reference, text, **options)
        same_alignment(ours, reference, text)
        # stripped: see alignment_of on lstrip/rstrip tokens
        stripped = [[token.strip() for token in t.tokenize(text)] for t in (ours, reference)]
        assert stripped[0] == stripped[1]
        ids = ours(text)["input_ids"]
        for skip in (False, True):
            assert ours.decode(ids, skip_special_tokens=skip) == reference.decode(
                ids, skip_special_tokens=skip
            )
    same_result(ours, reference, texts[:4], texts[4:8], padding=True, **options)


@SETTINGS
@given(
    parts=st.lists(
        st.one_of(bert_texts(max_size=8), st.sampled_from(ADDED + ADDED_SPECIAL + ["[SEP]"])),
        max_size=8,
    )
)
def test_added_tokens_hypothesis_text(added_pair, legacy, parts) -> None:
    ours, reference = added_pair
    text = " ".join(parts)
    if not comparable_with_tokenizers(reference, legacy, text):
        return
    got, expected = (
        ours(text, return_offsets_mapping=True),
        reference(text, return_offsets_mapping=True),
    )
    assert got["input_ids"] == expected["input_ids"]
    assert got["offset_mapping"] == expected["offset_mapping"]


def test_added_tokens_are_saved_and_loaded(added_pair, tmp_path: Path, lines) -> None:
    from tokenizers import Tokenizer
    from transformers import AutoTokenizer
    from transformers import BertTokenizer as TransformersBertTokenizer

    ours, reference = added_pair
    ours.save_pretrained(tmp_path)
    ours_again = BertTokenizer.from_pretrained(tmp_path)
    raw = Tokenizer.from_file(str(tmp_path / "tokenizer.json"))  # the added tokens are in it
    theirs = TransformersBertTokenizer.from_pretrained(tmp_path)
    auto = AutoTokenizer.from_pretrained(tmp_path)
    for text in ADDED_TEXTS + lines[:20]:
        expected = reference(text)["input_ids"]
        assert ours_again(text)["input_ids"] == expected
        assert theirs(text)["input_ids"] == expected
        assert auto(text)["input_ids"] == expected
        assert raw.encode(text).ids == expected
    assert len(ours_again) == len(theirs) == len(reference)


def test_split_special_tokens_equals_transformers(bert_vocab_file: Path) -> None:
    ours = BertTokenizer(bert_vocab_file, split_special_tokens=True)
    reference = transformers_fast(bert_vocab_file, split_special_tokens=True)
    for text in ["a [SEP] b [MASK] c", "[CLS][PAD]"]:
        same_result(ours, reference, text, return_offsets_mapping=True)


def test_added_token_errors(bert_vocab_file: Path) -> None:
    ours = BertTokenizer(bert_vocab_file)
    with pytest.raises(ValueError, match="non-empty string"):
        ours.add_tokens([""])
    with pytest.raises(ValueError, match="unknown key 'foo_token'"):
        ours.add_special_tokens({"foo_token": "<f>"})
    bad_config = {"30600": {"content": "[E1]"}}
    with pytest.raises(ValueError, match="does not continue the vocab"):
        BertTokenizer(bert_vocab_file, added_tokens_decoder=bad_config)


# ---------------------------------------------------------------------- chunk() alignment


@pytest.mark.parametrize("strategy", ["sliding_window", "head_tail"])
def test_chunk_windows_carry_the_words_of_the_whole_text(ours, lines, strategy) -> None:
    text = " ".join(lines[:30])
    whole = ours(text, return_offsets_mapping=True)
    word_of_span = {
        span: word
        for span, word in zip(whole["offset_mapping"], whole.word_ids(), strict=True)
        if word is not None
    }
    chunks = ours.chunk(text, strategy=strategy, max_length=64, stride=16, head=20)
    assert len(chunks) > 1 or strategy == "head_tail"  # head_tail: one input, two ranges
    for chunk in chunks:
        words = chunk.word_ids()
        assert words[0] is None and words[-1] is None
        for span, word in zip(chunk["offset_mapping"][1:-1], words[1:-1], strict=True):
            assert word == word_of_span[span]
        assert chunk.tokens() == ours.convert_ids_to_tokens(chunk["input_ids"])


def test_added_tokens_that_normalize_alike_or_to_nothing(bert_vocab_file: Path) -> None:
    """Two tokens one text after lowercasing, and one that normalizes to nothing.

    Both libraries register the two alike tokens; which of them ``tokenizers`` finds is
    not stable (it changes with the other tokens added), so ours is pinned to its rule,
    the first one, and compared with transformers on text without them. A token that
    normalizes to nothing (``"\u0000"``) is registered and never found; transformers is
    not asked about it, as ``tokenizers`` then tries to allocate gigabytes on any text.
    """
    ours, reference = BertTokenizer(bert_vocab_file), transformers_fast(bert_vocab_file)
    for tokenizer in (ours, reference):
        assert tokenizer.add_tokens(["NewTok", "newtok"]) == 2
    assert len(ours) == len(reference)
    assert ours.get_added_vocab() == reference.get_added_vocab()
    for text in ["a plain line", "x [SEP] y"]:
        assert ours(text)["input_ids"] == reference(text)["input_ids"]
    assert ours.add_tokens("\u0000") == 1
    first = ours.convert_tokens_to_ids("NewTok")
    assert ours("newtok NEWTOK a\u0000b")["input_ids"][1:3] == [first, first]
