"""WordPiece refining (``refine=True``) against the reference rule, and what it is for.

The reference is ``reference/wordpiece_refine.py``: the merge loop to 1.2 times the size,
then prune by usage under the greedy encoder, refill by joins of adjacent pieces, prune,
re-encoding every word with the naive encoder for every pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.wordpiece_refine import refine_vocab, seed_size, train_wordpiece_refined
from reference.wordpiece_train import DEFAULT_SPECIAL_TOKENS, initial_vocab, split_word
from subword import WordPiece
from subword._core import WordCounts
from subword._core import train_wordpiece as core_train
from subword.counting import count_words
from subword.evaluation import evaluate

# The extension may be a debug build: no deadlines, modest example counts.
SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
SCORINGS = ["likelihood", "pmi", "frequency"]

# Small alphabets make ties, repeated letters and shared pieces likely; "#" characters
# interact with the "##" prefix.
ALPHABETS = ["ab", "aab", "abc", "a#", "é€𝄞a"]


@st.composite
def refine_inputs(draw: st.DrawFn) -> tuple[dict[str, int], dict]:
    """Word counts and keyword arguments for one refined training run."""
    alphabet = draw(st.sampled_from(ALPHABETS))
    words = draw(st.lists(st.text(alphabet, min_size=1, max_size=9), min_size=1, max_size=14))
    words = list(dict.fromkeys(words))
    if draw(st.booleans()):
        counts = st.integers(1, 4)  # many ties
    else:
        counts = st.integers(1, 2**40)
    mapping = {w: draw(counts) for w in words}
    prefix = draw(st.sampled_from(["##", "##", "#", ""]))
    specials = draw(st.sampled_from([list(DEFAULT_SPECIAL_TOKENS), [], ["a", "##b", "ab"]]))
    start = len(initial_vocab([split_word(w, prefix) for w in words], specials))
    kwargs = {
        # Sizes near the alphabet, where nearly everything is protected, and beyond.
        "vocab_size": start + draw(st.one_of(st.integers(0, 3), st.integers(0, 40))),
        "min_frequency": draw(st.one_of(st.just(0), st.integers(0, 6))),
        "special_tokens": specials,
        "continuing_subword_prefix": prefix,
        "scoring": draw(st.sampled_from(SCORINGS)),
    }
    return mapping, kwargs


@settings(SETTINGS, max_examples=600)
@given(refine_inputs())
def test_matches_the_reference(inputs: tuple[dict[str, int], dict]) -> None:
    counts, kwargs = inputs
    vocab = core_train(WordCounts.from_dict(counts), **kwargs, refine=True)
    assert vocab == train_wordpiece_refined(counts, **kwargs)
    assert len(vocab) <= kwargs["vocab_size"]


def test_protected_tokens_survive_and_the_size_is_exact() -> None:
    counts = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    specials = list(DEFAULT_SPECIAL_TOKENS)
    start = initial_vocab([split_word(w) for w in counts], specials)
    for vocab_size in range(len(start), len(start) + 8):
        vocab = core_train(WordCounts.from_dict(counts), vocab_size, refine=True)
        assert vocab[: len(start)] == start
        assert len(vocab) == vocab_size
    with pytest.raises(ValueError, match="use at least 12"):
        core_train(WordCounts.from_dict(counts), 11, refine=True)


def test_an_unused_intermediate_merge_makes_room_for_a_whole_word() -> None:
    # The merge loop builds "abcd" as ##b ##c, then ##bc ##d; the encoder only uses
    # a ##bcd, so ##bc goes, the refill adds "abcd", and ##bcd goes in turn.
    counts = WordCounts.from_dict({"abcd": 10})
    options = {"special_tokens": [], "scoring": "frequency"}
    seed = core_train(counts, seed_size(5), **options)
    assert seed == ["a", "##b", "##c", "##d", "##bc", "##bcd"]
    refined = refine_vocab(seed, {"abcd": 10}, 5, special_tokens=[])
    assert refined == ["a", "##b", "##c", "##d", "abcd"]
    assert core_train(counts, 5, **options, refine=True) == refined


def test_refine_is_recorded_and_loaded_back(tmp_path: Path) -> None:
    counts = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    model = WordPiece.train_from_counts(counts, vocab_size=17, refine=True)
    assert model.refine is True
    assert WordPiece.load(model.save(tmp_path / "refined")).refine is True
    plain = WordPiece.train_from_counts(counts, vocab_size=17)
    assert plain.refine is False
    assert WordPiece.load(plain.save(tmp_path / "plain")).refine is False
    assert WordPiece(["[UNK]", "a"]).refine is None  # given, not trained
    text = "hug pug pun bun hugs"
    assert len(model.tokenize(text)) < len(plain.tokenize(text))


def test_progress_reports_refining_passes() -> None:
    reports: list[tuple[str, int, int]] = []
    counts = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    WordPiece.train_from_counts(
        counts, vocab_size=17, refine=True, progress=lambda *r: reports.append(r)
    )
    phases = [phase for phase, _, _ in reports]
    assert phases.index("refining") > phases.index("merging")
    refining = [(done, total) for phase, done, total in reports if phase == "refining"]
    assert all(done <= total for done, total in refining)


@pytest.fixture(scope="module")
def en_1m_counts(corpora: Path) -> dict[str, int]:
    """The words of en-1m as WordPiece sees them (BERT pre-tokenization, lowercased)."""
    return count_words(corpora / "en-1m.txt", pre_tokenizer="bert").to_dict()


@pytest.mark.parametrize("vocab_size", [2000, 4000])
def test_real_corpus_matches_the_reference(en_1m_counts: dict[str, int], vocab_size: int) -> None:
    counts = en_1m_counts
    options = {"min_frequency": 2}
    vocab = core_train(WordCounts.from_dict(counts), vocab_size, **options, refine=True)
    # The seed comes from the Rust merge loop, which test_wordpiece_train checks against
    # its own reference on this corpus; the refinement is all Python.
    seed = core_train(WordCounts.from_dict(counts), seed_size(vocab_size), **options)
    assert vocab == refine_vocab(seed, counts, vocab_size, **options)
    assert len(vocab) == vocab_size


def test_refine_lowers_held_out_tokens_per_word(corpora: Path, tmp_path: Path) -> None:
    # Held out: 200 KB of en-10m that en-1m (its first megabyte) does not hold.
    with open(corpora / "en-10m.txt", "rb") as file:
        file.seek(9_800_000)
        data = file.read(200_000)
    held_out = tmp_path / "held-out.txt"
    held_out.write_bytes(data[data.index(b"\n") + 1 : data.rindex(b"\n") + 1])
    train = corpora / "en-1m.txt"
    plain = evaluate(WordPiece.train(train, vocab_size=4000), held_out)
    refined = evaluate(WordPiece.train(train, vocab_size=4000, refine=True), held_out)
    assert refined.tokens_per_word < plain.tokens_per_word * 0.99
    assert refined.whole_word_share > plain.whole_word_share
