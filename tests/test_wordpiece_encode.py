"""WordPiece encoding (`subword._core.WordPieceModel`) against the naive rule and BERT's.

The references are the naive greedy longest-match-first in `reference/wordpiece_encode.py`
and transformers' own `WordpieceTokenizer` (the pure-Python one of `BertTokenizerLegacy`),
fed single words.
"""

from __future__ import annotations

import copy
import pickle
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.wordpiece_encode import wordpiece_spans, wordpiece_tokenize
from subword._core import WordPieceModel
from transformers.models.bert.tokenization_bert_legacy import WordpieceTokenizer

# The extension may be a debug build: no deadlines, modest example counts.
SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def bert_vocab(bert_vocab_file: Path) -> list[str]:
    return bert_vocab_file.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def bert_vocab_set(bert_vocab: list[str]) -> frozenset[str]:
    return frozenset(bert_vocab)


@pytest.fixture(scope="module")
def encoder(bert_vocab_file: Path) -> WordPieceModel:
    return WordPieceModel.from_file(bert_vocab_file)


@pytest.fixture(scope="module")
def transformers_wordpiece(bert_vocab: list[str]) -> WordpieceTokenizer:
    return WordpieceTokenizer({t: i for i, t in enumerate(bert_vocab)}, "[UNK]")


def corpus_words(path: Path) -> list[str]:
    """Every distinct whitespace-split word of `path`, as is and lower-cased, sorted."""
    words = set(path.read_text(encoding="utf-8").split())
    return sorted(words | {w.lower() for w in words})


def tokens_of(encoder: WordPieceModel, ids: list[int]) -> list[str]:
    return encoder.convert_ids_to_tokens(ids)


def check_against_references(
    encoder: WordPieceModel,
    vocab: frozenset[str],
    transformers_wordpiece: WordpieceTokenizer,
    words: list[str],
) -> None:
    """Ours (batch call) == naive == transformers on every word, with spans checked too."""
    ours = encoder.encode_words(words)
    assert len(ours) == len(words)
    mismatches = []
    for word, ids in zip(words, ours, strict=False):
        got = tokens_of(encoder, ids)
        if got != wordpiece_tokenize(word, vocab) or got != transformers_wordpiece.tokenize(word):
            mismatches.append((word, got))
    assert not mismatches[:20], f"{len(mismatches)} mismatches"

    # The same words grouped into texts, with offsets, against the naive spans.
    texts = [words[i : i + 64] for i in range(0, len(words), 64)]
    for text, (ids, word_indices, spans) in zip(
        texts, encoder.encode_pretokenized_with_offsets(texts), strict=False
    ):
        expected = [
            (token, index, (start, end))
            for index, word in enumerate(text)
            for token, start, end in wordpiece_spans(word, vocab)
        ]
        got = list(zip(tokens_of(encoder, ids), word_indices, spans, strict=False))
        assert got == expected


# (a) Real vocab, real words.


def test_every_word_of_en_10m(
    corpora: Path, encoder, bert_vocab_set, transformers_wordpiece
) -> None:
    # All ~255k distinct words (as is and lower-cased) against both references: a few
    # seconds, so no sampling is needed.
    words = corpus_words(corpora / "en-10m.txt")
    assert len(words) > 200_000
    check_against_references(encoder, bert_vocab_set, transformers_wordpiece, words)


@pytest.mark.parametrize("name", ["zh-2m.txt", "fr-3m.txt", "de-3m.txt"])
def test_other_languages(
    corpora: Path, name: str, encoder, bert_vocab_set, transformers_wordpiece
) -> None:
    words = corpus_words(corpora / name)
    if name.startswith("zh"):
        # Whitespace-split Chinese is mostly whole phrases (many longer than 100 chars,
        # hence unk); BERT splits CJK into single chars, so test those and short runs too.
        text = (corpora / name).read_text(encoding="utf-8")
        words += sorted({c for c in text if not c.isspace()})
        words += sorted({w[i : i + 3] for w in words[:5000] for i in range(0, len(w), 3)})
    check_against_references(encoder, bert_vocab_set, transformers_wordpiece, words)


def test_batch_calls_agree(corpora: Path, encoder) -> None:
    words = corpus_words(corpora / "en-1m.txt")[:20_000]
    per_word = [encoder.encode_word(w) for w in words]
    assert encoder.encode_words(words) == per_word
    assert [encoder.tokenize_word(w) for w in words[:2000]] == [
        tokens_of(encoder, ids) for ids in per_word[:2000]
    ]
    texts = [words[i : i + 17] for i in range(0, len(words), 17)]
    flat = [[i for ids in per_word[j : j + 17] for i in ids] for j in range(0, len(words), 17)]
    assert encoder.encode_pretokenized(texts) == flat
    assert encoder.encode_batch([" ".join(text) for text in texts]) == flat
    assert [ids for ids, _, _ in encoder.encode_pretokenized_with_offsets(texts)] == flat
    for threads in (1, 2):
        ids, lengths = encoder.encode_pretokenized_flat(texts, threads=threads)
        assert ids.tolist() == [i for row in flat for i in row]
        assert lengths.tolist() == [len(row) for row in flat]
    assert encoder.encode_words([]) == []
    the = encoder.token_to_id("the")
    assert encoder.encode_pretokenized([[], [""], ["", "the"]]) == [[], [], [the]]
    ids, lengths = encoder.encode_pretokenized_flat([[], [""], ["", "the"]])
    assert (ids.tolist(), lengths.tolist()) == ([the], [0, 0, 1])
    ids, lengths = encoder.encode_pretokenized_flat([])
    assert (ids.dtype.name, len(ids), lengths.dtype.name, len(lengths)) == ("uint32", 0, "int64", 0)


def test_vocab_lookups(encoder, bert_vocab) -> None:
    assert encoder.vocab == bert_vocab
    assert len(encoder) == 30522
    assert all(encoder.token_to_id(t) == i for i, t in enumerate(bert_vocab))
    assert encoder.token_to_id("##") is None or bert_vocab[encoder.token_to_id("##")] == "##"
    assert encoder.token_to_id("definitely-not-a-token") is None
    assert encoder.token_to_id("") is None
    assert encoder.convert_ids_to_tokens(list(range(len(bert_vocab)))) == bert_vocab
    assert encoder.id_to_token(100) == "[UNK]"
    assert (encoder.unk_token, encoder.unk_id) == ("[UNK]", 100)
    assert encoder.continuing_subword_prefix == "##"
    assert encoder.max_input_chars_per_word == 100
    assert encoder.tokenize_word("unaffable") == ["una", "##ffa", "##ble"]


# (b) Generated words and vocabs.

SMALL_ALPHABET = "ab#é日"


def small_vocabs(prefix: str) -> st.SearchStrategy[list[str]]:
    token = st.text(SMALL_ALPHABET, min_size=1, max_size=5)
    entry = st.tuples(st.booleans(), token).map(lambda e: prefix + e[1] if e[0] else e[1])
    return st.lists(entry, max_size=40, unique=True).map(
        lambda tokens: ["[UNK]"] + [t for t in tokens if t != "[UNK]"]
    )


@st.composite
def vocab_and_words(draw):
    prefix = draw(st.sampled_from(["##", "", "#", "é", "@@"]))
    vocab = draw(small_vocabs(prefix))
    glued = st.lists(st.sampled_from(vocab), min_size=1, max_size=6).map("".join)
    # Random words, and words glued from entries (which cover far more often).
    words = draw(st.lists(st.text(SMALL_ALPHABET + "z", max_size=30) | glued, max_size=20))
    max_chars = draw(st.sampled_from([0, 1, 5, 12, 100]))
    return prefix, vocab, words, max_chars


@SETTINGS
@given(vocab_and_words())
def test_small_vocabs_match_naive(case) -> None:
    prefix, vocab, words, max_chars = case
    encoder = WordPieceModel(vocab, "[UNK]", prefix, max_chars)
    vocab_set = frozenset(vocab)
    expected = [wordpiece_tokenize(w, vocab_set, "[UNK]", prefix, max_chars) for w in words]
    assert [tokens_of(encoder, ids) for ids in encoder.encode_words(words)] == expected
    assert [encoder.tokenize_word(w) for w in words] == expected
    ((ids, word_indices, spans),) = encoder.encode_pretokenized_with_offsets([words])
    assert list(zip(tokens_of(encoder, ids), word_indices, spans, strict=False)) == [
        (token, index, (start, end))
        for index, word in enumerate(words)
        for token, start, end in wordpiece_spans(word, vocab_set, "[UNK]", prefix, max_chars)
    ]
    if prefix == "##":
        # transformers hard-codes "##".
        reference = WordpieceTokenizer(vocab_set, "[UNK]", max_chars)
        assert expected == [reference.tokenize(w) for w in words]


# Text the BERT vocab mostly covers, with some characters it does not know.
bert_words = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz") | st.characters(exclude_categories=("Z", "C")),
    max_size=120,
)


@SETTINGS
@given(words=st.lists(bert_words, max_size=30))
def test_bert_vocab_generated_words(words, encoder, bert_vocab_set, transformers_wordpiece):
    got = [tokens_of(encoder, ids) for ids in encoder.encode_words(words)]
    assert got == [wordpiece_tokenize(w, bert_vocab_set) for w in words]
    assert got == [transformers_wordpiece.tokenize(w) for w in words]


@pytest.mark.parametrize("unit", ["a", "é", "日", "ab", "\U0001f600"])
@pytest.mark.parametrize("length", [99, 100, 101, 200, 201])
def test_max_input_chars_counts_chars(encoder, bert_vocab_set, unit, length) -> None:
    word = (unit * length)[:length]
    assert len(word) == length
    got = encoder.tokenize_word(word)
    assert got == wordpiece_tokenize(word, bert_vocab_set)
    assert got == (["[UNK]"] if length > 100 else got)
    # A vocab covering every unit but the emoji: unk exactly when too long (by chars, not
    # bytes) or uncoverable. The limit is a parameter (Google's BERT uses 200).
    vocab = ["[UNK]", "a", "##a", "é", "##é", "日", "##日", "ab", "##ab", "##b"]
    for limit in (100, 200):
        small = WordPieceModel(vocab, max_input_chars_per_word=limit)
        got = small.tokenize_word(word)
        assert got == wordpiece_tokenize(word, set(vocab), max_input_chars_per_word=limit)
        assert (got == ["[UNK]"]) == (length > limit or unit == "\U0001f600")


def test_unk_covers_the_whole_word(encoder) -> None:
    # "\U0001f600" is not in the vocab: the whole word is one unk, not "hello" + unk.
    assert encoder.tokenize_word("hello\U0001f600") == ["[UNK]"]
    assert encoder.encode_pretokenized_with_offsets([["hi", "hello\U0001f600", "hi"]]) == [
        ([7632, 100, 7632], [0, 1, 2], [(0, 2), (0, 6), (0, 2)])
    ]


# (c) Spans.


@SETTINGS
@given(words=st.lists(bert_words, max_size=30))
def test_spans_cover_each_word(words, encoder) -> None:
    ((ids, word_indices, spans),) = encoder.encode_pretokenized_with_offsets([words])
    assert len(ids) == len(word_indices) == len(spans)
    for index, word in enumerate(words):
        pieces = [(i, s) for i, w, s in zip(ids, word_indices, spans, strict=False) if w == index]
        if not word:
            assert pieces == []
            continue
        if pieces == [(encoder.unk_id, (0, len(word)))]:
            continue
        assert pieces[0][1][0] == 0 and pieces[-1][1][1] == len(word)
        for (_, (_, end)), (_, (start, _)) in zip(pieces, pieces[1:], strict=False):
            assert end == start
        for k, (id_, (start, end)) in enumerate(pieces):
            token = encoder.id_to_token(id_)
            assert (token if k == 0 else token[2:]) == word[start:end]


# (d) Bad input.


def test_bad_vocab_lists() -> None:
    with pytest.raises(ValueError, match="empty"):
        WordPieceModel([])
    with pytest.raises(ValueError, match=r'"\[UNK\]" is not in the vocab'):
        WordPieceModel(["a", "b"])
    with pytest.raises(ValueError, match=r'"<unk>" is not in the vocab'):
        WordPieceModel(["[UNK]", "b"], unk_token="<unk>")
    with pytest.raises(ValueError, match=r'"b" twice: at index 1 and 3'):
        WordPieceModel(["[UNK]", "b", "c", "b"])
    with pytest.raises(ValueError, match="empty token at index 2"):
        WordPieceModel(["[UNK]", "b", ""])
    with pytest.raises(TypeError):
        WordPieceModel("[UNK]")  # a str is not a list of tokens
    with pytest.raises(TypeError):
        WordPieceModel(["[UNK]", 3])


def test_bad_vocab_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        WordPieceModel.from_file(tmp_path / "missing.txt")
    with pytest.raises(IsADirectoryError):
        WordPieceModel.from_file(tmp_path)
    path = tmp_path / "vocab.txt"
    path.write_text("[UNK]\na\n\nb\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"vocab.txt:3: blank line"):
        WordPieceModel.from_file(path)
    path.write_text("[UNK]\na\nb\na\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r":4: duplicate token \"a\""):
        WordPieceModel.from_file(str(path))
    path.write_bytes(b"[UNK]\na\xff\n")
    with pytest.raises(ValueError, match=r"byte offset 7 \(line 2\)"):
        WordPieceModel.from_file(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        WordPieceModel.from_file(path)
    path.write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(ValueError, match="not in the vocab"):
        WordPieceModel.from_file(path)
    path.write_text("<unk>\r\nb\r\n", encoding="utf-8")
    assert WordPieceModel.from_file(path, unk_token="<unk>").vocab == ["<unk>", "b"]


def test_bad_ids(encoder) -> None:
    for bad in (30522, -1, 2**40):
        with pytest.raises(IndexError, match="out of range"):
            encoder.id_to_token(bad)
    with pytest.raises(IndexError, match="id 30522 is out of range"):
        encoder.convert_ids_to_tokens([0, 30522])
    with pytest.raises(TypeError):
        encoder.encode_words("not a list of words")


# (e) Pickling.


def test_pickle_round_trip(encoder, bert_vocab_file: Path, corpora: Path) -> None:
    data = pickle.dumps(encoder)
    assert str(bert_vocab_file).encode() not in data
    words = corpus_words(corpora / "en-1m.txt")[:5000] + ["x" * 101, ""]
    for clone in (pickle.loads(data), copy.deepcopy(encoder), copy.copy(encoder)):
        assert isinstance(clone, WordPieceModel)
        assert clone.vocab == encoder.vocab
        assert clone.encode_words(words) == encoder.encode_words(words)
    custom = WordPieceModel(["<unk>", "a", "@@b"], "<unk>", "@@", 3)
    clone = pickle.loads(pickle.dumps(custom))
    assert (clone.unk_token, clone.continuing_subword_prefix, clone.max_input_chars_per_word) == (
        "<unk>",
        "@@",
        3,
    )
    assert clone.tokenize_word("abb") == ["a", "@@b", "@@b"]
    assert clone.tokenize_word("abbb") == ["<unk>"]
    assert repr(clone) == repr(custom)


# (f) Threads.


def test_threads_share_one_encoder(encoder, corpora: Path) -> None:
    words = corpus_words(corpora / "en-1m.txt")[:30_000]
    expected = encoder.encode_words(words)
    texts = [words[i : i + 50] for i in range(0, len(words), 50)]
    expected_batch = encoder.encode_pretokenized(texts)
    results: dict[int, tuple] = {}
    barrier = threading.Barrier(8)

    def work(n: int) -> None:
        barrier.wait()
        results[n] = (encoder.encode_words(words), encoder.encode_pretokenized(texts))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    for got_words, got_batch in results.values():
        assert got_words == expected
        assert got_batch == expected_batch
