"""`subword.BertTokenizer` against transformers 5's `BertTokenizer` and `BertTokenizerLegacy`.

Tokens follow the Python `BasicTokenizer` (so `BertTokenizerLegacy`); the fields of
`__call__` (truncation budgets, overflow windows, padding, offsets, errors) follow
`BertTokenizer`, the `tokenizers`-backed class. Every disagreement between the two
transformers classes met so far is a `test_disagreement_*` below.
"""

from __future__ import annotations

import itertools
import json
import pickle
import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.bert import bert_texts, transformers_fast, transformers_legacy
from subword.bert import BatchEncoding, BertTokenizer
from subword.normalization import BasicTokenizer

SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def lines(corpora: Path) -> list[str]:
    """Real English, Chinese and accented lines (non-empty), a few hundred of each."""
    picked = []
    for name, count in [
        ("en-1m.txt", 300),
        ("zh-2m.txt", 60),
        ("fr-3m.txt", 80),
        ("de-3m.txt", 80),
    ]:
        with open(corpora / name, encoding="utf-8") as handle:
            picked += [line for line in handle.read(120_000).splitlines() if line.strip()][:count]
    return picked


def comparable_with_tokenizers(fast, legacy, *texts: str) -> bool:
    """Whether transformers' two classes see the same words in ``texts``.

    They disagree where tokens differ, and on unassigned code points, which ``tokenizers``
    keeps (often hidden inside an ``[UNK]`` word) and the Python BasicTokenizer drops.
    """
    if any(unicodedata.category(char) == "Cn" for text in texts for char in text):
        return False
    return all(fast.tokenize(text) == legacy.tokenize(text) for text in texts)


def as_plain(encoding) -> dict:
    return {key: value for key, value in dict(encoding).items()}


def assert_same_fields(ours, reference, *args, **kwargs) -> None:
    expected = as_plain(reference(*args, **kwargs))
    got = as_plain(ours(*args, **kwargs))
    assert list(got) == list(expected)
    for key in expected:
        assert got[key] == expected[key], key


# ---------------------------------------------------------------------- tokens


def test_tokenize_encode_decode_real_text(ours, fast, legacy, lines) -> None:
    for line in lines:
        tokens = legacy.tokenize(line)
        assert ours.tokenize(line) == tokens
        if fast.tokenize(line) == tokens:  # where transformers' classes agree
            assert ours.encode(line) == fast.encode(line)
            ids = fast.encode(line)
            assert ours.decode(ids) == fast.decode(ids)
            assert ours.decode(ids, skip_special_tokens=True) == fast.decode(
                ids, skip_special_tokens=True
            )
        assert ours.convert_tokens_to_ids(tokens) == legacy.convert_tokens_to_ids(tokens)
        assert ours.convert_tokens_to_string(tokens) == legacy.convert_tokens_to_string(tokens)


@SETTINGS
@given(text=bert_texts())
def test_tokenize_hypothesis_text(ours, fast, legacy, text: str) -> None:
    tokens = legacy.tokenize(text)
    assert ours.tokenize(text) == tokens
    assert ours.encode(text, add_special_tokens=False) == legacy.encode(
        text, add_special_tokens=False
    )
    if comparable_with_tokenizers(fast, legacy, text):
        assert_same_fields(ours, fast, text, return_offsets_mapping=True)


def test_special_tokens_in_the_text_are_kept(ours, fast) -> None:
    text = "hello [SEP] world [UNK]x[MASK] [sep]"
    assert ours.tokenize(text) == fast.tokenize(text)
    assert_same_fields(
        ours, fast, text, return_offsets_mapping=True, return_special_tokens_mask=True
    )
    ids = fast.encode(text)
    assert ours.decode(ids, skip_special_tokens=True) == fast.decode(ids, skip_special_tokens=True)


def test_vocab_file_keyword_is_honoured(bert_vocab_file: Path, fast) -> None:
    """transformers 5's BertTokenizer(vocab_file=...) ignores the keyword (5-token vocab)."""
    from transformers import BertTokenizer as TransformersBertTokenizer

    assert TransformersBertTokenizer(vocab_file=str(bert_vocab_file)).vocab_size == 5
    ours = BertTokenizer(vocab_file=bert_vocab_file)
    assert ours.vocab_size == len(ours) == fast.vocab_size == 30522


def test_in_memory_vocab_equals_the_file(bert_vocab_file: Path, ours, lines) -> None:
    """A token list (id order) or a token -> id dict builds the same tokenizer as the file."""
    tokens = bert_vocab_file.read_text(encoding="utf-8").splitlines()
    shuffled = dict(sorted({token: i for i, token in enumerate(tokens)}.items()))
    for vocab in (tokens, shuffled):
        tokenizer = BertTokenizer(vocab)
        assert tokenizer.vocab_file is None and tokenizer.vocab == ours.vocab
        assert tokenizer(lines[:200]) == ours(lines[:200])
    with pytest.raises(ValueError, match="ids must be 0, 1"):
        BertTokenizer({"[UNK]": 0, "a": 2})
    with pytest.raises(ValueError, match='"a" twice'):
        BertTokenizer(["[UNK]", "a", "a"])


# ---------------------------------------------------------------------- __call__

CALL_GRID = list(
    itertools.product(
        [None, True, "longest_first", "only_first", "only_second"],  # truncation
        [8, 64, 512],  # max_length
        ["longest", "max_length"],  # padding
        [0, 16, 128],  # stride
    )
)


def call_or_error(tokenizer, *args, **kwargs):
    try:
        return as_plain(tokenizer(*args, **kwargs)), None
    except BaseException as error:  # tokenizers panics are BaseExceptions
        return None, error


@pytest.mark.parametrize("truncation,max_length,padding,stride", CALL_GRID)
def test_call_fields_equal_transformers(
    ours, fast, lines, truncation, max_length, padding, stride
) -> None:
    rng = random.Random(f"{truncation}{max_length}{padding}{stride}")
    batch = rng.sample(lines, 4)
    for overflow in (False, True):
        options = dict(
            truncation=truncation,
            max_length=max_length,
            padding=padding,
            stride=stride,
            return_overflowing_tokens=overflow,
            return_offsets_mapping=True,
            return_special_tokens_mask=True,
            return_length=True,
        )
        for args in [(batch[0],), (batch[0], batch[1]), (batch,), (batch[:2], batch[2:])]:
            expected, expected_error = call_or_error(fast, *args, **options)
            got, error = call_or_error(ours, *args, **options)
            if expected_error is not None:
                # transformers raises ValueError, Exception or a tokenizers panic; ours a
                # ValueError (see test_disagreement_errors)
                assert isinstance(error, ValueError), (options, expected_error)
                continue
            assert error is None, (options, error)
            assert list(got) == list(expected)
            for key in expected:
                assert got[key] == expected[key], (key, options, len(args))


@SETTINGS
@given(
    texts=st.lists(bert_texts(max_size=40), min_size=2, max_size=2),
    truncation=st.sampled_from(["longest_first", "only_first", "only_second"]),
    max_length=st.sampled_from([8, 64]),
    stride=st.sampled_from([0, 2]),
)
def test_call_hypothesis_pairs(ours, fast, legacy, texts, truncation, max_length, stride) -> None:
    if not comparable_with_tokenizers(fast, legacy, *texts):
        return
    options = dict(
        truncation=truncation,
        max_length=max_length,
        stride=stride,
        padding="max_length",
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
    )
    expected, expected_error = call_or_error(fast, texts[0], texts[1], **options)
    got, error = call_or_error(ours, texts[0], texts[1], **options)
    if expected_error is not None:
        assert isinstance(error, ValueError)
    else:
        assert got == expected


def test_single_text_without_overflow_is_unbatched(ours, fast) -> None:
    assert_same_fields(ours, fast, "Hello there", return_length=True)
    assert_same_fields(ours, fast, ["Hello there", "x"], return_length=True)
    assert_same_fields(ours, fast, "", return_special_tokens_mask=True)
    assert_same_fields(ours, fast, [("a b", "c"), ("d", "e f")])  # pairs as tuples
    assert_same_fields(ours, fast, "a b c d e f", max_length=4)  # max_length alone truncates
    assert_same_fields(ours, fast, ["a b c", "d"], padding=True, max_length=2)


def test_batch_equals_single_calls(ours, lines) -> None:
    batch = ours(lines[:50], return_offsets_mapping=True)
    for index, line in enumerate(lines[:50]):
        single = ours(line, return_offsets_mapping=True)
        assert all(batch[key][index] == single[key] for key in single)


def test_batch_encoding_is_a_dict_with_attributes(ours) -> None:
    encoding = ours("hello")
    assert isinstance(encoding, dict) and isinstance(encoding, BatchEncoding)
    assert encoding.input_ids == encoding["input_ids"] == [101, 7592, 102]
    with pytest.raises(AttributeError):
        encoding.nothing  # noqa: B018
    assert pickle.loads(pickle.dumps(encoding)) == encoding


@SETTINGS
@given(texts=st.lists(bert_texts(max_size=30), min_size=1, max_size=4), pairs=st.booleans())
def test_masks_and_segments_have_the_spec_shape(ours, texts, pairs) -> None:
    seconds = list(reversed(texts)) if pairs else None
    encoding = ours(texts, seconds, padding=True, return_special_tokens_mask=True)
    width = max(len(ids) for ids in encoding["input_ids"])
    for index, ids in enumerate(encoding["input_ids"]):
        assert len(ids) == width
        mask = encoding["attention_mask"][index]
        segments = encoding["token_type_ids"][index]
        real = sum(mask)
        assert mask == [1] * real + [0] * (width - real)
        assert ids[0] == ours.cls_token_id and ids[real - 1] == ours.sep_token_id
        assert ids[real:] == [ours.pad_token_id] * (width - real)
        first_sep = ids.index(ours.sep_token_id)
        assert segments[: first_sep + 1] == [0] * (first_sep + 1)
        if pairs:
            assert segments[first_sep + 1 : real] == [1] * (real - first_sep - 1)
        else:
            assert first_sep == real - 1
        assert segments[real:] == [0] * (width - real)


@SETTINGS
@given(text=bert_texts())
def test_tokens_to_string_is_the_basic_tokens_joined(ours, text: str) -> None:
    tokens = ours.tokenize(text)
    if ours.unk_token not in tokens:
        expected = " ".join(BasicTokenizer().tokenize(text))
        assert ours.convert_tokens_to_string(tokens) == expected


def test_offsets_point_at_the_pieces(ours, lines) -> None:
    basic = ours.basic_tokenizer
    for line in lines[:200]:
        encoding = ours(line, return_offsets_mapping=True, add_special_tokens=False)
        tokens = ours.convert_ids_to_tokens(encoding["input_ids"])
        for token, (start, end) in zip(tokens, encoding["offset_mapping"], strict=True):
            if token != ours.unk_token:
                assert basic.normalize(line[start:end]) == token.removeprefix("##")


# ---------------------------------------------------------------------- loading and saving


def test_from_pretrained_reads_the_config(tmp_path: Path, bert_vocab_file: Path) -> None:
    (tmp_path / "vocab.txt").write_bytes(bert_vocab_file.read_bytes())
    config = {"do_lower_case": False, "model_max_length": 128, "unk_token": {"content": "[UNK]"}}
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config))
    loaded = BertTokenizer.from_pretrained(tmp_path)
    assert not loaded.do_lower_case and loaded.model_max_length == 128
    assert loaded.tokenize("Hello") == ["[UNK]"]  # cased text, uncased vocab
    assert BertTokenizer.from_pretrained(tmp_path, do_lower_case=True).tokenize("Hello") == [
        "hello"
    ]


def test_save_pretrained_round_trips_through_transformers(tmp_path: Path, ours, lines) -> None:
    from transformers import BertTokenizer as TransformersBertTokenizer

    ours.save_pretrained(tmp_path)
    assert (tmp_path / "vocab.txt").read_bytes() == Path(ours.vocab_file).read_bytes()
    reloaded = BertTokenizer.from_pretrained(tmp_path)
    theirs = TransformersBertTokenizer.from_pretrained(str(tmp_path))
    for line in lines[:30]:
        assert reloaded(line) == ours(line)
        assert reloaded(line)["input_ids"] == theirs(line)["input_ids"]
    assert ours.save_vocabulary(tmp_path, "x") == (str(tmp_path / "x-vocab.txt"),)


def test_loading_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="never downloads"):
        BertTokenizer.from_pretrained("bert-base-uncased")
    with pytest.raises(FileNotFoundError, match="no vocab.txt"):
        BertTokenizer.from_pretrained(tmp_path)
    with pytest.raises(IsADirectoryError):
        BertTokenizer(tmp_path)
    cases = {
        "dup.txt": (b"[PAD]\n[UNK]\nhello\nhello\n", r"dup.txt:4: duplicate token"),
        "blank.txt": (b"[PAD]\n[UNK]\n\nhello\n", r"blank.txt:3: blank line"),
        "nounk.txt": (b"[PAD]\nhello\n", r"unk token .*\[UNK\].* not in the vocab"),
        "bad.txt": (b"[PAD]\n[UNK]\nh\xffllo\n", r"bad.txt: invalid UTF-8 at byte offset 13"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match=message):
            BertTokenizer(tmp_path / name)


def test_pickles(ours) -> None:
    clone = pickle.loads(pickle.dumps(ours))
    assert clone("Pickled, text!") == ours("Pickled, text!")


# ---------------------------------------------------------------------- bad input


def test_bad_input_errors_match_transformers(ours, fast) -> None:
    for args in [(5,), ([1, 2],), ("a", 5)]:
        with pytest.raises(ValueError):
            fast(*args)
        with pytest.raises(ValueError):
            ours(*args)
    for tokenizer in (ours, fast):  # a pre-tokenized (list of words) batch item
        with pytest.raises(TypeError):
            tokenizer([["a", "b", "c"]])
    for tokenizer in (ours, fast):
        with pytest.raises(ValueError, match="specify either"):
            tokenizer(None)
        with pytest.raises(TypeError, match="text_pair"):
            tokenizer(["a"], "b")
        with pytest.raises(ValueError, match="batch length"):
            tokenizer(["a"], ["b", "c"])
        with pytest.raises(ValueError, match="TruncationStrategy"):
            tokenizer("a", truncation="bogus")
        with pytest.raises(ValueError, match="PaddingStrategy"):
            tokenizer("a", padding="bogus")
        with pytest.raises(ValueError, match="stride"):
            tokenizer("a b c", truncation=True, max_length=8, stride=7)


def test_ids_out_of_range_raise_index_error(ours) -> None:
    for bad in (30522, 10**12, -1):
        with pytest.raises(IndexError):
            ours.decode([101, bad])
        with pytest.raises(IndexError):
            ours.convert_ids_to_tokens([bad])
        with pytest.raises(IndexError):
            ours.convert_ids_to_tokens(bad)


# ---------------------------------------------------------------------- disagreements


def test_disagreement_nfc(bert_vocab_file: Path) -> None:
    """The Python BasicTokenizer applies NFC, tokenizers does not: ours follows Python."""
    text = "Cafe\u0301 x"
    legacy = transformers_legacy(bert_vocab_file, do_lower_case=False)
    fast = transformers_fast(bert_vocab_file, do_lower_case=False)
    assert legacy.basic_tokenizer.tokenize(text) == ["Café", "x"]
    assert fast.backend_tokenizer.normalizer.normalize_str(text) == text  # no NFC
    ours = BertTokenizer(bert_vocab_file, do_lower_case=False)
    assert ours.basic_tokenizer.tokenize(text) == ["Café", "x"]
    assert ours.tokenize(text) == legacy.tokenize(text)


def test_disagreement_final_sigma(ours, fast, legacy) -> None:
    """Python's str.lower() writes a final sigma; tokenizers lowercases char by char."""
    assert legacy.tokenize("ΟΔΟΣ") == ours.tokenize("ΟΔΟΣ") == ["ο", "##δ", "##ος"]
    assert fast.tokenize("ΟΔΟΣ") == ["ο", "##δ", "##ο", "##σ"]


def test_disagreement_odd_longest_first_budget(ours, fast, legacy) -> None:
    """An odd budget: tokenizers gives the extra token to the second (longer) text."""
    first, second = "a b c d e f", "g h i j k l m"
    options = {"truncation": "longest_first", "max_length": 8}
    assert fast(first, second, **options)["input_ids"] == [
        101,
        1037,
        1038,
        102,
        1043,
        1044,
        1045,
        102,
    ]
    assert legacy(first, second, **options)["input_ids"] == [
        101,
        1037,
        1038,
        1039,
        102,
        1043,
        1044,
        102,
    ]
    assert (
        ours(first, second, **options)["input_ids"] == fast(first, second, **options)["input_ids"]
    )


def test_disagreement_default_fields(ours, fast, legacy) -> None:
    """BertTokenizerLegacy in transformers 5 returns no token_type_ids by default."""
    assert "token_type_ids" not in legacy("a")
    assert list(ours("a")) == list(fast("a")) == ["input_ids", "token_type_ids", "attention_mask"]


def test_disagreement_overflow_format(ours, fast, legacy) -> None:
    """Legacy returns `overflowing_tokens`; tokenizers returns extra rows (ours too), also for
    a pair with longest_first, which legacy refuses.
    """
    options = {"truncation": True, "max_length": 6, "stride": 2, "return_overflowing_tokens": True}
    assert "overflowing_tokens" in legacy("a b c d e f g h i j", **options)
    assert_same_fields(ours, fast, "a b c d e f g h i j", **options)
    with pytest.raises(ValueError, match="longest_first"):
        legacy("a b c d e f", "g h i j k l", **{**options, "max_length": 9, "stride": 1})
    assert_same_fields(
        ours, fast, "a b c d e f", "g h i j k l", **{**options, "max_length": 9, "stride": 1}
    )


def test_disagreement_errors(ours, fast, legacy) -> None:
    """Where transformers returns silently wrong answers or panics, ours raises ValueError."""
    # only_first that cannot fit: legacy returns the text untruncated, tokenizers raises a
    # bare Exception; ours a ValueError (an Exception too).
    args, options = ("a", "b c d e f g"), {"truncation": "only_first", "max_length": 5}
    assert len(legacy(*args, **options)["input_ids"]) == 9
    with pytest.raises(Exception, match="too short"):
        fast(*args, **options)
    with pytest.raises(ValueError, match="too short"):
        ours(*args, **options)
    # max_length below the special tokens: both transformers classes do not truncate at all.
    assert len(fast("a b c", truncation=True, max_length=1)["input_ids"]) == 5
    with pytest.raises(ValueError, match="special tokens"):
        ours("a b c", truncation=True, max_length=1)
    # stride >= a sequence's window: tokenizers panics (a BaseException, not an Exception).
    pair_options = {
        "truncation": True,
        "max_length": 9,
        "stride": 4,
        "return_overflowing_tokens": True,
    }
    with pytest.raises(BaseException, match="stride"):
        fast("a b c d e f g", "h i j k l m n", **pair_options)
    with pytest.raises(ValueError, match="stride=4"):
        ours("a b c d e f g", "h i j k l m n", **pair_options)
    # ids out of range: tokenizers skips them, legacy writes [UNK]; ours raises IndexError.
    assert fast.decode([101, 99999]) == "[CLS]"
    assert legacy.decode([101, 99999]) == "[CLS] [UNK]"
    assert fast.convert_ids_to_tokens([99999]) == [None]


def test_disagreement_decoding(ours, fast, legacy) -> None:
    """tokenizers' decoder glues `. , ! ?` but leaves `it ' s`; legacy cleans up spaces too."""
    ids = fast.encode("Hello, world! It's a \"test\" (ok) don't.")
    assert (
        ours.decode(ids)
        == fast.decode(ids)
        == ("[CLS] hello, world! it ' s a \" test \" ( ok ) don ' t. [SEP]")
    )
    assert ours.decode(ids, clean_up_tokenization_spaces=True) == legacy.decode(ids)
    tokens = ["hel", "##lo", ",", "world", "!"]
    assert fast.convert_tokens_to_string(tokens) == "hello, world!"
    assert (
        ours.convert_tokens_to_string(tokens)
        == legacy.convert_tokens_to_string(tokens)
        == ("hello , world !")
    )


def test_disagreement_empty_text_pair(ours, fast, legacy) -> None:
    """An empty text_pair is no pair for tokenizers-backed transformers (ours too)."""
    assert ours("abc", "")["input_ids"] == fast("abc", "")["input_ids"] == [101, 5925, 102]
    assert legacy("abc", "")["input_ids"] == [101, 5925, 102, 102]
    assert ours(["abc"], [""])["input_ids"] == fast(["abc"], [""])["input_ids"]


def test_disagreement_model_max_length(bert_vocab_file: Path) -> None:
    """transformers built from a bare vocab file has no length limit; ours defaults to 512."""
    from transformers import BertTokenizer as TransformersBertTokenizer

    unlimited = TransformersBertTokenizer(str(bert_vocab_file))
    long_text = " ".join(["word"] * 600)
    assert len(unlimited(long_text, truncation=True)["input_ids"]) == 602
    assert len(BertTokenizer(bert_vocab_file)(long_text, truncation=True)["input_ids"]) == 512
    no_limit = BertTokenizer(bert_vocab_file, model_max_length=int(1e30))
    assert len(no_limit(long_text, truncation=True)["input_ids"]) == 602


def test_never_split_follows_legacy(bert_vocab_file: Path) -> None:
    """tokenizers has no never_split; legacy keeps such words whole (unk id if unknown)."""
    legacy = transformers_legacy(bert_vocab_file, never_split=["hello!", "Zzq"])
    ours = BertTokenizer(bert_vocab_file, never_split=["hello!", "Zzq"])
    text = "hello! Zzq world. hello !"
    assert (
        ours.tokenize(text)
        == legacy.tokenize(text)
        == ["hello!", "Zzq", "world", ".", "hello", "!"]
    )
    assert ours.encode(text) == legacy.encode(text)
    offsets = ours(text, return_offsets_mapping=True)["offset_mapping"]
    assert offsets[1:3] == [(0, 6), (7, 10)]


def test_disagreement_unassigned_code_points(ours, fast, legacy) -> None:
    """tokenizers keeps unassigned code points (Cn); the Python BasicTokenizer drops them."""
    text = "a\u0378b \u20dd\U000191d3"
    assert fast.backend_tokenizer.normalizer.normalize_str(text) == text
    assert legacy.basic_tokenizer.tokenize(text) == ["ab", "\u20dd"]
    assert ours.basic_tokenizer.tokenize(text) == ["ab", "\u20dd"]
    # the [UNK] of the second word covers the unassigned character only in tokenizers
    assert fast(text, return_offsets_mapping=True)["offset_mapping"][-2] == (4, 6)
    assert ours(text, return_offsets_mapping=True)["offset_mapping"][-2] == (4, 5)
