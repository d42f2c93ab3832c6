"""`subword.normalization.BasicTokenizer` against transformers' Python `BasicTokenizer`.

Equal tokens for every combination of `do_lower_case`, `strip_accents` and
`tokenize_chinese_chars`, on real English, Chinese, French, German and Spanish text and on
hypothesis text whose characters have the same Unicode properties in Python 3.11's
`unicodedata` (Unicode 14) and `unicodedata2`. Offsets are checked for consistency here
and against transformers' `BertTokenizer` in test_bert_tokenizer.py.
"""

from __future__ import annotations

import itertools
import pickle
import unicodedata
from pathlib import Path

import pytest
import unicodedata2
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reference.bert import BasicTokenizer as TransformersBasicTokenizer
from reference.bert import bert_texts, is_stable
from subword.normalization import BasicTokenizer, pre_tokenize_for_training

SETTINGS = settings(deadline=None, max_examples=250, suppress_health_check=[HealthCheck.too_slow])

OPTIONS = [
    {"do_lower_case": lower, "strip_accents": strip, "tokenize_chinese_chars": cjk}
    for lower, strip, cjk in itertools.product([True, False], [None, True, False], [True, False])
]
OPTION_IDS = [
    f"lower={o['do_lower_case']}-strip={o['strip_accents']}-cjk={o['tokenize_chinese_chars']}"
    for o in OPTIONS
]
LANGUAGES = ["en-1m.txt", "zh-2m.txt", "fr-3m.txt", "de-3m.txt", "es-2m.txt"]


@pytest.fixture(scope="module")
def corpus_lines(corpora: Path) -> dict[str, list[str]]:
    """A slice (~40k characters) of each language, as lines."""
    slices = {}
    for name in LANGUAGES:
        with open(corpora / name, encoding="utf-8") as handle:
            slices[name] = handle.read(40_000).splitlines()
    return slices


def assert_same_tokens(ours: BasicTokenizer, reference, texts: list[str]) -> None:
    expected = [reference.tokenize(text) for text in texts]
    assert [ours.tokenize(text) for text in texts] == expected
    assert ours.tokenize_batch(texts) == expected
    assert [[token for token, _ in ours.tokenize_with_offsets(t)] for t in texts] == expected


@pytest.mark.parametrize("options", OPTIONS, ids=OPTION_IDS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_real_text_equals_transformers(corpus_lines, language: str, options: dict) -> None:
    lines = corpus_lines[language]
    assert_same_tokens(BasicTokenizer(**options), TransformersBasicTokenizer(**options), lines)


@SETTINGS
@given(texts=st.lists(bert_texts(), min_size=1, max_size=4), options=st.sampled_from(OPTIONS))
def test_hypothesis_text_equals_transformers(texts: list[str], options: dict) -> None:
    assert_same_tokens(BasicTokenizer(**options), TransformersBasicTokenizer(**options), texts)


EDGE_CASES = [
    "",
    " ",
    " \t\n\r\u3000\xa0 ",
    "\x00",
    "\ufffd",
    "\x00\ufffd\x01",
    "a\x00b\ufffdc\x01d",
    "word\u200bjoined\u00adsoft",
    "\u0301",
    "!\u0301",
    "e\u0301 E\u0301 cafe\u0301 café",
    "ΟΔΟΣ ΟΔΟΣ. σς Σ",
    "İstanbul ﬁ ǅ ß ẞ",
    "a" * 101 + " " + "é" * 200,
    "中文字abc漢字\uf900\U0002f800",
    "😀👍🏽 👨‍👩‍👧 ❤️",
    "\u037e\u0387\u1fef",
    "a\u2028b\u2029c\x1cd\x1fe\x85f\x0bg\x0ch",
    "$100 x^2 `code` ~tilde~ ¿qué? ¡sí!",
]


@pytest.mark.parametrize("options", OPTIONS, ids=OPTION_IDS)
def test_edge_cases_equal_transformers(options: dict) -> None:
    assert_same_tokens(BasicTokenizer(**options), TransformersBasicTokenizer(**options), EDGE_CASES)


@pytest.mark.parametrize("lower", [True, False])
def test_never_split_keeps_words_whole(lower: bool) -> None:
    never_split = ["[CLS]", "Don't", "e\u0301t\u00e9", "中国"]
    ours = BasicTokenizer(do_lower_case=lower, never_split=never_split)
    reference = TransformersBasicTokenizer(do_lower_case=lower, never_split=never_split)
    texts = [
        "[CLS] Don't stop [CLS]x",
        "Don't don't DON'T",
        "\x00[CLS]\x00 é\u0301t\u00e9",
        "中国 abc中国",
        "plain text with nothing kept",
    ]
    assert_same_tokens(ours, reference, texts)
    for text in texts:
        assert ours.tokenize(text, never_split=["stop"]) == reference.tokenize(
            text, never_split=["stop"]
        )


def test_offsets_point_into_the_original_text() -> None:
    basic = BasicTokenizer()
    text = "Héllo,\x00 WÖRLD!\tcafe\u0301 İx 中文 a\u200bb"
    spans = basic.tokenize_with_offsets(text)
    assert [token for token, _ in spans] == basic.tokenize(text)
    assert spans == [
        ("hello", (0, 5)),
        (",", (5, 6)),
        ("world", (8, 13)),
        ("!", (13, 14)),
        ("cafe", (15, 19)),  # the stripped accent after the last letter is not covered
        ("ix", (21, 23)),
        ("中", (24, 25)),
        ("文", (25, 26)),
        ("ab", (27, 30)),  # a dropped character inside a word is covered
    ]


@SETTINGS
@given(text=bert_texts(), options=st.sampled_from(OPTIONS))
# Found by hypothesis: once the NUL is dropped the accent composes with the "a".
@example(
    text="a\x00\u0300!",
    options={"do_lower_case": True, "strip_accents": False, "tokenize_chinese_chars": True},
)
def test_offsets_are_ordered_spans_of_each_token(text: str, options: dict) -> None:
    basic = BasicTokenizer(**options)
    aligned = basic.aligned_tokens(text, offset=7)
    assert [token.text for token in aligned] == basic.tokenize(text)
    previous_end = 7
    for token in aligned:
        assert previous_end <= token.start < token.end <= len(text) + 7
        previous_end = token.end
        if token.char_spans is None:
            assert basic.normalize(text[token.start - 7 : token.end - 7]) == token.text
        else:
            assert len(token.char_spans) == len(token.text)
            assert token.char_spans[0][0] == token.start
            assert token.char_spans[-1][1] == token.end


@SETTINGS
@given(
    texts=st.lists(
        # Plain ASCII words (which skip the normalizer) mixed with adversarial text.
        st.one_of(bert_texts(), st.from_regex(r"[A-Za-z0-9]{1,6}", fullmatch=True)),
        max_size=8,
    ),
    options=st.sampled_from(OPTIONS),
)
def test_pre_tokenize_for_training_joins_the_tokens(texts: list[str], options: dict) -> None:
    joined = pre_tokenize_for_training(texts, **options)
    assert [line.split() for line in joined] == BasicTokenizer(**options).tokenize_batch(texts)
    assert all("  " not in line and line == line.strip() for line in joined)


def test_batch_separators_inside_texts_do_not_split_texts() -> None:
    basic = BasicTokenizer()
    texts = ["a\x1eb", "c\u2029d", "é\x1ef", ""]
    assert basic.tokenize_batch(texts) == [basic.tokenize(text) for text in texts]
    assert basic.tokenize_batch(["x\x1ey", "z"]) == [["xy"], ["z"]]


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        BasicTokenizer().tokenize(b"bytes")
    with pytest.raises(TypeError):
        BasicTokenizer().tokenize_batch(["ok", None])


def test_pickles() -> None:
    basic = BasicTokenizer(do_lower_case=False, never_split=["X"], strip_accents=True)
    clone = pickle.loads(pickle.dumps(basic))
    assert clone.tokenize("X Ünï") == basic.tokenize("X Ünï") == ["X", "Uni"]


def test_characters_new_since_unicode_14_are_exempt() -> None:
    """U+1F6DC (WIRELESS, Unicode 15) is unassigned (Cn) in Python 3.11's tables: transformers
    drops it as a control character; with unicodedata2 it is a symbol and stays.
    """
    wireless = "\U0001f6dc"
    assert not is_stable(wireless)
    assert unicodedata.category(wireless) == "Cn" and unicodedata2.category(wireless) == "So"
    assert TransformersBasicTokenizer().tokenize(f"a {wireless} b") == ["a", "b"]
    assert BasicTokenizer().tokenize(f"a {wireless} b") == ["a", wireless, "b"]


def test_the_offset_tables_skip_only_planes_without_assigned_characters() -> None:
    """``normalization._offset_tables`` scans planes 0-3 and 14 only; the others must hold
    nothing it looks for (punctuation, spaces, combining marks, decompositions)."""
    import itertools

    import unicodedata2
    from subword.normalization import SCANNED_PLANES

    scanned = set(itertools.chain(*SCANNED_PLANES))
    for cp in range(0x110000):
        if cp in scanned:
            continue
        char = chr(cp)
        assert unicodedata2.category(char) in ("Cn", "Co"), hex(cp)
        assert not unicodedata2.combining(char) and not unicodedata2.decomposition(char)
