"""Word counting: every source and pre-tokenizer agrees with the plain definition."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from subword import BasicTokenizer
from subword.counting import count_words

# Characters where the two splitting rules differ: BERT deletes U+000B, U+000C, U+0085 and
# U+001C-U+001F but Python splits on them; NBSP is whitespace to both; U+2028 only to Python.
TRICKY = " \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\x00\ufffd\u0301\u00e9,.!中文ΣΑ"
texts = st.text(alphabet=st.sampled_from(TRICKY + "abcXYZ"), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8), st.booleans(), st.sampled_from([None, True, False]))
def test_bert_file_counts_equal_tokenizing_every_line(
    tmp_path_factory, lines: list[str], lowercase: bool, strip_accents: bool | None
) -> None:
    basic = BasicTokenizer(do_lower_case=lowercase, strip_accents=strip_accents)
    text = "\n".join(lines)
    expected = Counter(token for line in text.split("\n") for token in basic.tokenize(line))
    path = tmp_path_factory.mktemp("counting") / "corpus.txt"
    path.write_text(text, encoding="utf-8", newline="")
    options = {"pre_tokenizer": "bert", "lowercase": lowercase, "strip_accents": strip_accents}
    assert count_words(path, **options).to_dict() == dict(expected)
    assert count_words(texts=text.split("\n"), **options).to_dict() == dict(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_whitespace_counts_equal_str_split(tmp_path_factory, lines: list[str]) -> None:
    text = "\n".join(lines)
    expected = Counter(text.split())
    path = tmp_path_factory.mktemp("counting") / "corpus.txt"
    path.write_text(text, encoding="utf-8", newline="")
    assert count_words(path).to_dict() == dict(expected)
    assert count_words(texts=lines).to_dict() == dict(expected)


def test_real_corpus_counts_agree_across_sources(corpora: Path) -> None:
    path = corpora / "fr-3m.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    from_file = count_words(path, pre_tokenizer="bert").to_dict()
    assert from_file == count_words(texts=lines, pre_tokenizer="bert").to_dict()
    assert sum(from_file.values()) > 400_000


PRINTABLE_ASCII = [chr(c) for c in range(0x21, 0x7F)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=st.sampled_from(PRINTABLE_ASCII + ["é", "\x01"]), min_size=1,
                     max_size=12), min_size=1, max_size=6),
    st.booleans(),
)
def test_printable_ascii_chunks_split_in_rust_as_bert_does(
    chunks: list[str], lowercase: bool
) -> None:
    from subword._core import WordCounts

    table = WordCounts.from_dict(dict(Counter(chunks)))
    words, rest = table.split_bert_ascii(lowercase)
    basic = BasicTokenizer(do_lower_case=lowercase)
    ascii_chunks = [c for c in chunks if c.isascii() and c.isprintable()]
    expected = Counter(token for chunk in ascii_chunks for token in basic.tokenize(chunk))
    assert words.to_dict() == dict(expected)
    assert rest.to_dict() == dict(Counter(c for c in chunks if c not in ascii_chunks))


def test_english_file_counts_agree_with_tokenizing_every_line(corpora: Path) -> None:
    # Nearly every chunk of English text takes the Rust path for printable ASCII.
    path = corpora / "en-1m.txt"
    lines = path.read_text(encoding="utf-8").split("\n")
    for lowercase in (True, False):
        options = {"pre_tokenizer": "bert", "lowercase": lowercase}
        from_file = count_words(path, **options).to_dict()
        assert from_file == count_words(texts=lines, **options).to_dict()


# --- WordCounts across processes: compact bytes, not a dict ---------------------------------


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=12), st.integers(1, 2**64 - 1), max_size=30))
def test_word_counts_pickle_as_bytes_and_back(mapping: dict[str, int]) -> None:
    import pickle

    from subword._core import WordCounts

    counts = WordCounts.from_dict(mapping)
    assert pickle.loads(pickle.dumps(counts)).to_dict() == mapping
    assert WordCounts.from_bytes(counts.to_bytes()).to_dict() == mapping


def test_word_counts_pickle_smaller_than_a_dict(corpora: Path) -> None:
    import pickle

    counts = count_words([corpora / "en-1m.txt"])
    as_bytes, as_dict = pickle.dumps(counts), pickle.dumps(counts.to_dict())
    assert pickle.loads(as_bytes).to_dict() == counts.to_dict()
    assert len(as_bytes) < len(as_dict)


def test_bad_word_counts_bytes_are_a_value_error() -> None:
    import pytest
    from subword._core import WordCounts

    good = WordCounts.from_dict({"hello": 3}).to_bytes()
    for bad, why in [
        (b"", "does not start"),
        (good[:-1], "cut short"),
        (good + b"\0", "left over"),
        (good.replace(b"hello", b"h\xffllo"), "not UTF-8"),
    ]:
        with pytest.raises(ValueError, match=why):
            WordCounts.from_bytes(bad)
