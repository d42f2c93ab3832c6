"""WordPiece training (`subword._core.train_wordpiece`) against the reference rule.

The references are in `reference/wordpiece_train.py`: a full recount per merge (the
definition) and a faster version that re-counts only changed words; the fast one is
checked against the full one here, and the Rust trainer against both.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.wordpiece_train import (
    DEFAULT_SPECIAL_TOKENS,
    SCORINGS,
    initial_vocab,
    merge_word,
    split_word,
    train_wordpiece,
    train_wordpiece_naive,
)
from subword._core import WordCounts
from subword._core import train_wordpiece as core_train
from subword.errors import InvalidArgumentError

# The extension may be a debug build: no deadlines, modest example counts.
SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
U64_MAX = 2**64 - 1

# Small alphabets make ties and repeated letters likely; the others add multi-byte and
# astral characters, and "#" characters that interact with the "##" prefix.
ALPHABETS = ["ab", "aab", "abc", "xyz", "a#", "é€𝄞a", "日本語"]


@st.composite
def training_inputs(draw: st.DrawFn) -> tuple[dict[str, int], dict]:
    """Word counts and keyword arguments for one training run."""
    alphabet = draw(st.sampled_from(ALPHABETS))
    words = draw(st.lists(st.text(alphabet, min_size=1, max_size=8), min_size=1, max_size=10))
    words = list(dict.fromkeys(words))
    if draw(st.booleans()):
        counts = st.integers(1, 4)  # many ties
    else:
        # As large as possible while every count still fits in 64 bits.
        limit = min(2**63, U64_MAX // sum(len(w) for w in words))
        counts = st.one_of(st.just(limit), st.integers(1, limit))
    mapping = {w: draw(counts) for w in words}
    prefix = draw(st.sampled_from(["##", "##", "#", ""]))
    specials = draw(
        st.sampled_from([list(DEFAULT_SPECIAL_TOKENS), [], ["a", "##b", "ab", "[UNK]"]])
    )
    start = len(initial_vocab([split_word(w, prefix) for w in words], specials))
    kwargs = {
        "vocab_size": start + draw(st.integers(0, 30)),
        "min_frequency": draw(st.one_of(st.just(0), st.integers(0, 5), st.integers(0, 2**64 - 1))),
        "special_tokens": specials,
        "continuing_subword_prefix": prefix,
        "scoring": draw(st.sampled_from(SCORINGS)),
    }
    return mapping, kwargs


@settings(SETTINGS, max_examples=1000)
@given(training_inputs())
def test_matches_the_full_recount(inputs: tuple[dict[str, int], dict]) -> None:
    counts, kwargs = inputs
    expected = train_wordpiece_naive(counts, **kwargs)
    assert core_train(WordCounts.from_dict(counts), **kwargs) == expected


@settings(SETTINGS, max_examples=1000)
@given(training_inputs())
def test_fast_reference_matches_the_full_recount(inputs: tuple[dict[str, int], dict]) -> None:
    counts, kwargs = inputs
    assert train_wordpiece(counts, **kwargs) == train_wordpiece_naive(counts, **kwargs)


def test_hand_checked_pmi_example() -> None:
    counts = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    vocab = core_train(WordCounts.from_dict(counts), 12, special_tokens=["[UNK]"], scoring="pmi")
    # ##g ##s scores 5 / (20 * 5) = 1/20, every other pair 1/36; then all pairs score
    # 1/36 and p ##u has the highest count (17); then h ##u (15) beats ##u ##g (15) as
    # the smaller pair.
    assert vocab == ["[UNK]", "b", "h", "p", "##g", "##n", "##s", "##u", "##gs", "pu", "hu", "bu"]


def test_huge_counts_compare_exactly() -> None:
    # Scores that differ only beyond 128 bits of the cross products: ab scores
    # n / (n * (n + 1)) and cd scores (n - 1) / ((n - 1) * n) = 1 / n, which is higher.
    n = 2**61
    counts = {"ab": n, "b": 1, "cd": n - 1, "c": 1}
    kwargs = {"vocab_size": 7, "special_tokens": [], "scoring": "pmi"}
    vocab = core_train(WordCounts.from_dict(counts), **kwargs)
    assert vocab == train_wordpiece_naive(counts, **kwargs)
    assert vocab[-1] == "cd"


@pytest.fixture(scope="module")
def en_1m_counts(corpora: Path) -> Counter[str]:
    return Counter((corpora / "en-1m.txt").read_text(encoding="utf-8").split())


@pytest.fixture(scope="module", params=SCORINGS)
def en_1m_reference(request: pytest.FixtureRequest, en_1m_counts: Counter[str]) -> tuple:
    """A rule and its reference vocab at 8,000 tokens (a smaller size gives a prefix)."""
    return request.param, train_wordpiece(en_1m_counts, 8000, scoring=request.param)


@pytest.mark.parametrize("vocab_size", [500, 2000, 8000])
def test_real_corpus_matches_the_reference(
    en_1m_counts: Counter[str], en_1m_reference: tuple, vocab_size: int
) -> None:
    scoring, reference = en_1m_reference
    vocab = core_train(WordCounts.from_dict(dict(en_1m_counts)), vocab_size, scoring=scoring)
    assert vocab == reference[:vocab_size]


@pytest.mark.parametrize("scoring", SCORINGS)
def test_real_words_match_the_full_recount(en_1m_counts: Counter[str], scoring: str) -> None:
    counts = dict(en_1m_counts.most_common(400))
    kwargs = {"vocab_size": 250, "min_frequency": 2, "scoring": scoring}
    assert core_train(WordCounts.from_dict(counts), **kwargs) == train_wordpiece_naive(
        counts, **kwargs
    )


def _frequency_merges_before_a_tie(counts: dict[str, int]) -> int:
    """How many merges the frequency rule makes before two pairs first share the top count."""
    words = [split_word(w) for w in counts]
    weights = list(counts.values())
    for step in range(10_000):
        pairs: Counter[tuple[str, str]] = Counter()
        for word, weight in zip(words, weights, strict=True):
            for pair in zip(word, word[1:], strict=False):
                pairs[pair] += weight
        top = pairs.most_common(2)
        if not top or (len(top) == 2 and top[0][1] == top[1][1]):
            return step
        pair = top[0][0]
        merged = pair[0] + pair[1].removeprefix("##")
        words = [merge_word(w, pair, merged) for w in words]
    return step


@settings(SETTINGS, max_examples=150)
@given(
    st.dictionaries(
        st.text("abcdé", min_size=1, max_size=7), st.integers(1, 60), min_size=1, max_size=12
    )
)
def test_frequency_rule_is_hugging_faces_where_no_tie_decides(counts: dict[str, int]) -> None:
    _assert_frequency_merges_are_hugging_faces(counts)


def test_frequency_rule_is_hugging_faces_on_real_words(en_1m_counts: Counter[str]) -> None:
    # The 3,000 most frequent words of en-1m: the first tie comes after 29 merges.
    assert _assert_frequency_merges_are_hugging_faces(dict(en_1m_counts.most_common(3000))) > 20


def _assert_frequency_merges_are_hugging_faces(counts: dict[str, int]) -> int:
    """Ours and HF's WordPieceTrainer agree until the first tie; returns that many merges."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    untied = _frequency_merges_before_a_tie(counts)
    ours = core_train(
        WordCounts.from_dict(counts), 10_000, special_tokens=[], scoring="frequency"
    )
    alphabet = len(initial_vocab([split_word(w) for w in counts], []))
    hf = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    hf.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.WordPieceTrainer(
        vocab_size=10_000, min_frequency=0, special_tokens=[], show_progress=False
    )
    hf.train_from_iterator([" ".join([w] * c) for w, c in counts.items()], trainer)
    theirs = sorted(hf.get_vocab(), key=hf.get_vocab().__getitem__)
    # HF's alphabet holds every character in both forms; the merged tokens follow it.
    theirs = [t for t in theirs if len(t.removeprefix("##")) > 1]
    # HF breaks ties by its own symbol ids; before the first tie both follow the counts.
    assert ours[alphabet : alphabet + untied] == theirs[:untied]
    return untied


def test_the_three_rules_pick_differently() -> None:
    # x ##y is rare but its symbols occur nowhere else (PMI: 2 / (2 * 2)); t ##h is the
    # most frequent pair (30) but t and ##h are common; the likelihood gain weighs both:
    # e ##r occurs 25 times and its symbols nowhere else.
    counts = {"xy": 2, "th": 30, "ta": 20, "bh": 20, "er": 25}
    firsts = {}
    for scoring in SCORINGS:
        kwargs = {"vocab_size": 100, "special_tokens": [], "scoring": scoring}
        vocab = core_train(WordCounts.from_dict(counts), **kwargs)
        assert vocab == train_wordpiece_naive(counts, **kwargs)
        firsts[scoring] = vocab[len(initial_vocab([split_word(w) for w in counts], []))]
    assert firsts == {"pmi": "xy", "frequency": "th", "likelihood": "er"}


def test_likelihood_gain_by_hand() -> None:
    # "aaab" x 2 and "ab" x 1 are the symbols a ##a ##a ##b (twice) and a ##b: n(a) = 3,
    # n(##a) = 4, n(##b) = 3, N0 = 10. With F(x) = x ln x the gains are
    #   a ##a:   F(2) + F(1) + F(2) - F(3) - F(4) + F(10) - F(8) = 0.32
    #   ##a ##a: F(2) + F(max(4 - 4, 0)) - F(4) + F(10) - F(8)  = 2.23 (the best)
    #   ##a ##b: F(2) + F(2) + F(1) - F(4) - F(3) + F(10) - F(8) = 0.32
    #   a ##b:   F(1) + F(2) + F(2) - F(3) - F(3) + F(10) - F(9) = -0.57
    # so "##aa" comes first; then ##aa ##b and a ##aa both occur twice.
    def f(x: int) -> float:
        return x * math.log(x) if x else 0.0

    gains = {
        ("a", "##a"): f(2) + f(1) + f(2) - f(3) - f(4) + (f(10) - f(8)),
        ("##a", "##a"): f(2) + f(0) - f(4) + (f(10) - f(8)),
        ("##a", "##b"): f(2) + f(2) + f(1) - f(4) - f(3) + (f(10) - f(8)),
        ("a", "##b"): f(1) + f(2) + f(2) - f(3) - f(3) + (f(10) - f(9)),
    }
    assert max(gains, key=gains.__getitem__) == ("##a", "##a")
    counts = {"aaab": 2, "ab": 1}
    vocab = core_train(WordCounts.from_dict(counts), 100, special_tokens=[])
    # Then ##aa ##b and a ##aa tie (equal gains and counts): the smaller pair wins.
    assert vocab == ["a", "##a", "##b", "##aa", "##aab", "aaab", "ab"]
    assert vocab == train_wordpiece_naive(counts, 100, special_tokens=[])


def test_unknown_scoring_is_a_clear_error() -> None:
    with pytest.raises(InvalidArgumentError, match='scoring must be .*got "gain"'):
        core_train(WordCounts.from_dict({"ab": 1}), 10, scoring="gain")


def test_deterministic_across_runs_threads_and_insertion_order(
    en_1m_counts: Counter[str],
) -> None:
    forward = WordCounts.from_dict(dict(en_1m_counts))
    backward = WordCounts.from_dict(dict(reversed(list(en_1m_counts.items()))))
    first = core_train(forward, 3000, threads=1)
    assert core_train(forward, 3000, threads=2) == first
    assert core_train(backward, 3000, threads=2) == first
    assert core_train(forward, 3000) == first


def test_training_stops_when_no_pair_is_left() -> None:
    counts = WordCounts.from_dict({"abc": 2, "ab": 1})
    vocab = core_train(counts, U64_MAX, special_tokens=[])
    assert vocab == ["a", "##b", "##c", "ab", "abc"]
    # A min_frequency no pair reaches leaves the alphabet.
    assert core_train(counts, 100, min_frequency=4, special_tokens=[]) == ["a", "##b", "##c"]
    assert core_train(counts, 100, min_frequency=3, special_tokens=[]) == ["a", "##b", "##c", "ab"]


def test_a_merge_reaching_an_existing_token_adds_nothing() -> None:
    # With prefix "#", "#" + "#x" merges into "#x", already in the vocab; a special
    # token equal to a merged string is not repeated either.
    counts = {"#x": 2, "yx": 1}
    kwargs = {"vocab_size": 10, "special_tokens": ["yx"], "continuing_subword_prefix": "#"}
    vocab = core_train(WordCounts.from_dict(counts), **kwargs)
    assert vocab == train_wordpiece_naive(counts, **kwargs) == ["yx", "#", "y", "#x"]


def test_bad_input_gives_clear_errors() -> None:
    counts = WordCounts.from_dict({"abc": 1})
    with pytest.raises(
        ValueError,
        match=r"vocab_size 7 is smaller than the 8 tokens .*\(5 special tokens \+ 3 alphabet",
    ):
        core_train(counts, 7)
    for empty in [{}, {"abc": 0}, {"": 5}]:
        with pytest.raises(ValueError, match="empty corpus"):
            core_train(WordCounts.from_dict(empty), 100)
    with pytest.raises(ValueError, match=r"2\*\*64 - 1"):
        core_train(WordCounts.from_dict({"ab": 2**63}), 100)
    for count in [-1, 2**64, 1.5]:
        with pytest.raises(ValueError, match="must be an integer"):
            WordCounts.from_dict({"ab": count})
    for value in [-1, 2**64]:
        with pytest.raises(ValueError, match=f"vocab_size must be an integer .* got {value}"):
            core_train(counts, value)
        with pytest.raises(ValueError, match=f"min_frequency must be an integer .* got {value}"):
            core_train(counts, 100, min_frequency=value)
    with pytest.raises(TypeError):
        core_train(counts, "100")
    with pytest.raises(TypeError):
        core_train(counts, 100, special_tokens="[UNK]")
    with pytest.raises(TypeError):
        core_train({"abc": 1}, 100)
    with pytest.raises(ValueError, match="special token 1 is empty"):
        core_train(counts, 100, special_tokens=["[UNK]", ""])
    with pytest.raises(ValueError, match="threads"):
        core_train(counts, 100, threads=0)
