"""`subword.pretraining`: masked-LM masking, NSP / SOP pairs, and `subword pretrain-data`.

The statistical tests run on more than a million positions of real English (en-10m.txt).
Bounds: the chosen share must be 15% +- 0.2% and the split 80/10/10 +- 0.5% (over ~170k
chosen positions one standard deviation of a share is ~0.1%, of the split ~0.1%), and a
chi-square goodness-of-fit statistic must stay under its 0.1% critical value. Seeds are
fixed, so the tests are deterministic.

transformers 5's `DataCollatorForLanguageModeling(return_tensors="np")` runs without torch
(checked here: torch is not installed); `DataCollatorForWholeWordMask` no longer exists in
transformers 5, whole-word masking is `DataCollatorForLanguageModeling(whole_word_mask=True)`,
which finds words from `offset_mapping` (a token touching the previous one continues its
word) and forces `mask_replace_prob=1`. We give it offsets that encode our `##` words.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from subword.bert import BertTokenizer
from subword.pretraining import IGNORE_INDEX, make_pairs, mask_tokens

SUBWORD = shutil.which("subword")
ROW = 128
# chi-square critical values at p = 0.001 by degrees of freedom (no scipy here)
CHI2_CRITICAL = {1: 10.828, 2: 13.816, 3: 16.266, 4: 18.467, 5: 20.515}


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def rows(corpora: Path, ours: BertTokenizer) -> list[list[int]]:
    """~1.2M positions of en-10m.txt as ragged `[CLS] ... [SEP]` rows of 8..128 tokens."""
    data = (corpora / "en-10m.txt").read_bytes()[:5_000_000]
    lines = [line for line in data[: data.rfind(b"\n")].decode().splitlines() if line.strip()]
    ids = ours(
        lines, add_special_tokens=False, return_token_type_ids=False, return_attention_mask=False
    )["input_ids"]
    stream = np.fromiter((i for line in ids for i in line), dtype=np.int64)
    lengths = np.random.default_rng(1).integers(6, ROW - 1, size=stream.size // 6)
    cuts = np.cumsum(lengths)
    cuts = cuts[cuts < stream.size]
    out = [
        [ours.cls_token_id, *piece.tolist(), ours.sep_token_id] for piece in np.split(stream, cuts)
    ]
    assert sum(map(len, out)) > 1_100_000
    return out


@pytest.fixture(scope="module")
def padded(rows: list[list[int]], ours: BertTokenizer) -> np.ndarray:
    array = np.full((len(rows), ROW), ours.pad_token_id, dtype=np.int64)
    for index, row in enumerate(rows):
        array[index, : len(row)] = row
    return array


def chi_square(observed, expected) -> float:
    observed, expected = np.asarray(observed, float), np.asarray(expected, float)
    return float(((observed - expected) ** 2 / expected).sum())


def chi_square_2xk(a, b) -> tuple[float, int]:
    """Two-sample chi-square homogeneity statistic and its degrees of freedom."""
    table = np.array([a, b], dtype=float)
    table = table[:, table.sum(axis=0) > 0]
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0) / table.sum()
    return float(((table - expected) ** 2 / expected).sum()), table.shape[1] - 1


def outcome(before: np.ndarray, after: np.ndarray, labels: np.ndarray, mask_id: int):
    """Counts of (not chosen, [MASK], random, unchanged) among maskable positions."""
    chosen = labels != IGNORE_INDEX
    masked = chosen & (after == mask_id)
    kept = chosen & (after == before)
    replaced = chosen & ~masked & ~kept
    return np.array([(~chosen).sum(), masked.sum(), replaced.sum(), kept.sum()])


def word_ids(ids: np.ndarray, ours: BertTokenizer) -> np.ndarray:
    """Word index of every token (-1 for specials), from the token strings, row by row."""
    vocab = ours.convert_ids_to_tokens(list(range(len(ours))))
    special = set(ours.all_special_ids)
    out = np.full(ids.shape, -1)
    word = -1
    for r, row in enumerate(ids.tolist()):
        previous_special = True
        for c, i in enumerate(row):
            if i in special:
                previous_special = True
                continue
            if previous_special or not vocab[i].startswith("##"):
                word += 1
            out[r, c] = word
            previous_special = False
    return out


# ---------------------------------------------------------------------- shares


def test_shares_on_a_million_positions(padded: np.ndarray, ours: BertTokenizer):
    out = mask_tokens(padded, ours, seed=0)
    maskable = ~np.isin(padded, ours.all_special_ids)
    assert maskable.sum() >= 1_000_000
    counts = outcome(
        padded[maskable], out["input_ids"][maskable], out["labels"][maskable], ours.mask_token_id
    )
    chosen = counts[1:].sum()
    assert abs(chosen / maskable.sum() - 0.15) < 0.002
    split = counts[1:] / chosen
    assert np.all(np.abs(split - [0.8, 0.1, 0.1]) < 0.005), split
    # goodness of fit of the chosen share and of the split
    n = maskable.sum()
    assert chi_square([n - chosen, chosen], [0.85 * n, 0.15 * n]) < CHI2_CRITICAL[1]
    assert chi_square(counts[1:], chosen * np.array([0.8, 0.1, 0.1])) < CHI2_CRITICAL[2]


def test_other_fractions(padded: np.ndarray, ours: BertTokenizer):
    out = mask_tokens(
        padded, ours, mlm_probability=0.3, mask_fraction=0.5, random_fraction=0.4, seed=1
    )
    maskable = ~np.isin(padded, ours.all_special_ids)
    counts = outcome(
        padded[maskable], out["input_ids"][maskable], out["labels"][maskable], ours.mask_token_id
    )
    assert abs(counts[1:].sum() / maskable.sum() - 0.3) < 0.002
    split = counts[1:] / counts[1:].sum()
    assert np.all(np.abs(split - [0.5, 0.4, 0.1]) < 0.005), split


def test_whole_word_shares_and_words_never_split(padded: np.ndarray, ours: BertTokenizer):
    out = mask_tokens(padded, ours, whole_word=True, seed=2)
    words = word_ids(padded, ours)
    chosen = out["labels"] != IGNORE_INDEX
    valid = words >= 0
    # per word: how many of its tokens were chosen, against its length
    size = np.bincount(words[valid])
    hits = np.bincount(words[valid], weights=chosen[valid])
    assert np.all((hits == 0) | (hits == size)), "a word was split"
    assert np.all(~chosen[~valid]), "a special token or padding was chosen"
    assert abs((hits > 0).mean() - 0.15) < 0.002  # share of words
    assert abs(chosen[valid].mean() - 0.15) < 0.002  # share of positions
    counts = outcome(
        padded[valid], out["input_ids"][valid], out["labels"][valid], ours.mask_token_id
    )
    split = counts[1:] / counts[1:].sum()
    assert np.all(np.abs(split - [0.8, 0.1, 0.1]) < 0.005), split


# ---------------------------------------------------------------------- never chosen


def test_specials_and_padding_never_chosen(padded: np.ndarray, ours: BertTokenizer):
    # every chosen position becomes a random token: the worst case for specials
    out = mask_tokens(
        padded, ours, mlm_probability=1.0, mask_fraction=0.0, random_fraction=1.0, seed=3
    )
    special = np.isin(padded, ours.all_special_ids)
    assert np.all(out["labels"][special] == IGNORE_INDEX)
    assert np.array_equal(out["input_ids"][special], padded[special])
    assert np.all(out["labels"][~special] == padded[~special])  # probability 1: all chosen
    assert not np.isin(out["input_ids"][~special], ours.all_special_ids).any()
    # the draws are uniform over the non-special tokens: chi-square over ~30,500 bins
    # (df ~ 30,500, standard deviation ~ 247) stays within 5 standard deviations of df
    drawn = np.bincount(out["input_ids"][~special], minlength=len(ours))
    candidates = np.setdiff1d(np.arange(len(ours)), ours.all_special_ids)
    expected = np.full(candidates.size, drawn.sum() / candidates.size)
    df = candidates.size - 1
    assert abs(chi_square(drawn[candidates], expected) - df) < 5 * (2 * df) ** 0.5


def test_attention_mask_zero_is_never_chosen(ours: BertTokenizer):
    ids = np.array([[101, 2023, 2003, 102, 2023, 2003]] * 200)
    attention = np.array([[1, 1, 1, 1, 0, 0]] * 200)
    out = mask_tokens(
        {"input_ids": ids, "attention_mask": attention}, ours, mlm_probability=1.0, seed=0
    )
    assert np.all(out["labels"][:, 4:] == IGNORE_INDEX)
    assert np.all(out["labels"][:, 1:3] != IGNORE_INDEX)
    assert np.array_equal(out["attention_mask"], attention)  # passed through


# ---------------------------------------------------------------------- layouts, seeds


def test_lists_ragged_and_arrays(rows: list[list[int]], padded: np.ndarray, ours: BertTokenizer):
    sample = rows[:50]
    out = mask_tokens(sample, ours, seed=5)
    assert [len(r) for r in out["input_ids"]] == [len(r) for r in sample]
    assert all(isinstance(r, list) for r in out["labels"])
    array = mask_tokens(padded[:50], ours, seed=5)
    assert array["input_ids"].shape == array["labels"].shape == (50, ROW)
    small = mask_tokens(padded[:50].astype(np.int32), ours, seed=5)
    assert small["input_ids"].dtype == small["labels"].dtype == np.int32
    assert np.array_equal(small["labels"], array["labels"])  # same draws, whatever the dtype
    assert mask_tokens(padded[:50].astype(np.uint16), ours, seed=5)["labels"].dtype == np.int64
    single = mask_tokens(sample[0], ours, seed=5)
    assert len(single["input_ids"]) == len(sample[0]) and isinstance(single["labels"][0], int)
    assert mask_tokens([], ours, seed=0)["input_ids"] == []
    # a list of arrays and a list of tuples work as a list of lists
    assert mask_tokens([np.array(r) for r in sample], ours, seed=5)["labels"] == out["labels"]
    assert mask_tokens([tuple(r) for r in sample], ours, seed=5)["labels"] == out["labels"]


def test_seed_reproduces(rows, padded, ours: BertTokenizer):
    for whole_word in (False, True):
        first = mask_tokens(rows[:500], ours, whole_word=whole_word, seed=7)
        assert first == mask_tokens(rows[:500], ours, whole_word=whole_word, seed=7)
        assert first != mask_tokens(rows[:500], ours, whole_word=whole_word, seed=8)
    a, b = mask_tokens(padded[:500], ours, seed=7), mask_tokens(padded[:500], ours, seed=7)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(padded[:500], a["input_ids"])


def test_input_not_modified(padded, ours: BertTokenizer):
    before = padded[:100].copy()
    mask_tokens(padded[:100], ours, seed=0)
    assert np.array_equal(before, padded[:100])


# ---------------------------------------------------------------------- vs transformers


def _hf_collate(
    fast, ids: np.ndarray, ours: BertTokenizer, seed: int, whole_word=False, offsets=None
):
    from transformers import DataCollatorForLanguageModeling

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # whole word: "setting mask_replace_prob to 1"
        collator = DataCollatorForLanguageModeling(
            tokenizer=fast, return_tensors="np", seed=seed, whole_word_mask=whole_word
        )
    special = np.isin(ids, ours.all_special_ids).astype(np.int64)
    outs = []
    for start in range(0, len(ids), 1000):  # whole word builds [batch, L, L] arrays
        examples = [
            {"input_ids": r, "special_tokens_mask": s}
            for r, s in zip(ids[start : start + 1000], special[start : start + 1000], strict=True)
        ]
        if offsets is not None:
            for example, o in zip(examples, offsets[start : start + 1000], strict=True):
                example["offset_mapping"] = o
        outs.append(collator(examples))
    return (
        np.concatenate([o["input_ids"] for o in outs]),
        np.concatenate([o["labels"] for o in outs]),
    )


def test_same_distribution_as_transformers_collator(padded, ours, fast):
    theirs_ids, theirs_labels = _hf_collate(fast, padded.copy(), ours, seed=0)
    masked = mask_tokens(padded, ours, seed=0)
    maskable = ~np.isin(padded, ours.all_special_ids)
    a = outcome(
        padded[maskable],
        masked["input_ids"][maskable],
        masked["labels"][maskable],
        ours.mask_token_id,
    )
    b = outcome(padded[maskable], theirs_ids[maskable], theirs_labels[maskable], ours.mask_token_id)
    statistic, df = chi_square_2xk(a, b)
    assert statistic < CHI2_CRITICAL[df], (a, b)
    assert np.all(np.abs(a / a.sum() - b / b.sum()) < 0.002)
    # both: chosen count per row is binomial(maskable, p) -> same mean and variance
    per_row = [((lab != IGNORE_INDEX).sum(axis=1)) for lab in (masked["labels"], theirs_labels)]
    assert abs(per_row[0].mean() - per_row[1].mean()) < 0.05 * per_row[1].mean()
    assert abs(per_row[0].var() - per_row[1].var()) < 0.05 * per_row[1].var()


def test_same_whole_word_distribution_as_transformers(padded, ours, fast):
    ids = padded[:4000]
    words = word_ids(ids, ours)
    # offsets that make transformers see our words: a piece touches the previous piece of
    # its word, and a gap opens before every new word
    new_word = (words >= 0) & (np.diff(words, axis=1, prepend=-1) != 0)
    starts = np.cumsum(1 + new_word, axis=1)
    offsets = np.stack([starts, starts + 1], axis=-1)
    offsets[words < 0] = 0
    theirs_ids, theirs_labels = _hf_collate(
        fast, ids.copy(), ours, seed=0, whole_word=True, offsets=offsets
    )
    # transformers forces mask_replace_prob=1 with whole words: compare like with like
    masked = mask_tokens(ids, ours, whole_word=True, mask_fraction=1.0, random_fraction=0.0, seed=0)
    valid = words >= 0
    size = np.bincount(words[valid])
    lengths = []
    for labels in (masked["labels"], theirs_labels):
        hits = np.bincount(words[valid], weights=(labels != IGNORE_INDEX)[valid])
        assert np.all((hits == 0) | (hits == size))
        assert abs((hits > 0).mean() - 0.15) < 0.004
        lengths.append(np.bincount(np.minimum(size[hits > 0], 4), minlength=5)[1:])
    statistic, df = chi_square_2xk(*lengths)  # the lengths of the chosen words
    assert statistic < CHI2_CRITICAL[df], lengths
    assert np.all(masked["input_ids"][masked["labels"] != IGNORE_INDEX] == ours.mask_token_id)


# ---------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "options, message",
    [
        ({"mlm_probability": -0.1}, "mlm_probability=-0.1 is not a probability"),
        ({"mlm_probability": 1.5}, "mlm_probability=1.5"),
        ({"mlm_probability": float("nan")}, "mlm_probability=nan"),
        ({"mask_fraction": 1.2}, "mask_fraction=1.2"),
        ({"random_fraction": -0.5}, "random_fraction=-0.5"),
        ({"mask_fraction": 0.8, "random_fraction": 0.3}, "exceeds 1"),
    ],
)
def test_bad_probabilities(ours, options, message):
    with pytest.raises(ValueError, match=message):
        mask_tokens([[101, 2023, 102]], ours, **options)


def test_fractions_summing_to_one_are_fine(ours):
    mask_tokens([[101, 2023, 102]], ours, mask_fraction=0.7, random_fraction=0.3)
    mask_tokens([[101, 2023, 102]], ours, mask_fraction=0.9, random_fraction=0.1)


def test_vocab_without_mask(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\ncat\n##s\n")
    tokenizer = BertTokenizer(vocab)
    with pytest.raises(ValueError, match=r"no mask token '\[MASK\]'"):
        mask_tokens([[2, 4, 5, 3]], tokenizer)


def test_bad_ids(ours):
    with pytest.raises(IndexError, match="token id 99999 is out of range"):
        mask_tokens([[101, 99999, 102]], ours)
    with pytest.raises(IndexError, match="token id -100"):
        mask_tokens(np.array([[101, -100]]), ours)
    with pytest.raises(TypeError, match="integers"):
        mask_tokens([["a", "b"]], ours)
    with pytest.raises(TypeError):
        mask_tokens(np.zeros((2, 2), dtype=float), ours)
    with pytest.raises(ValueError, match="input_ids"):
        mask_tokens({"ids": [[1]]}, ours)


# ---------------------------------------------------------------------- pairs


@pytest.fixture(scope="module")
def documents(corpora: Path) -> list[list[str]]:
    """Documents of en-1m.txt with at least 2 lines (one sentence a line)."""
    text = (corpora / "en-1m.txt").read_text(encoding="utf-8")
    docs = [[s for s in block.split("\n") if s.strip()] for block in text.split("\n\n")]
    return [d for d in docs if len(d) >= 2]


def _segments(pairs, index):
    ids, types = pairs["input_ids"][index], pairs["token_type_ids"][index]
    first = [i for i, t in zip(ids, types, strict=True) if t == 0][1:-1]
    second = [i for i, t in zip(ids, types, strict=True) if t == 1][:-1]
    return first, second


class _Streams:
    """Every document's ids as one stream with its sentence starts, to locate segments."""

    def __init__(self, documents, ours):
        self.streams, self.starts = [], []
        self.by_head: dict[tuple, list[tuple[int, int]]] = {}  # first id -> locations
        for d, doc in enumerate(documents):
            ids = ours(doc, add_special_tokens=False)["input_ids"]
            stream = [i for s in ids for i in s]
            starts = np.cumsum([0] + [len(s) for s in ids])[:-1].tolist()
            self.streams.append(stream)
            self.starts.append(starts)
            for p in starts:
                self.by_head.setdefault(tuple(stream[p : p + 1]), []).append((d, p))

    def find(self, segment):
        """``(document, start)`` pairs where segment begins at a sentence start."""
        return [
            (d, p)
            for d, p in self.by_head.get(tuple(segment[:1]), [])
            if self.streams[d][p : p + len(segment)] == segment
        ]


def test_pair_structure_and_length(documents, ours):
    pairs = make_pairs(documents, ours, task="nsp", max_length=64, seed=0)
    assert len(pairs["input_ids"]) > 1000
    for ids, types, mask in zip(
        pairs["input_ids"], pairs["token_type_ids"], pairs["attention_mask"], strict=True
    ):
        assert len(ids) <= 64 and ids[0] == ours.cls_token_id and ids[-1] == ours.sep_token_id
        assert (
            ids.count(ours.sep_token_id) == 2 and ids.index(ours.sep_token_id) == types.index(1) - 1
        )
        assert types == sorted(types) and mask == [1] * len(ids)
    long = make_pairs(documents, ours, task="nsp", max_length=512, short_seq_prob=0.0, seed=0)
    lengths = np.array([len(ids) for ids in long["input_ids"]])
    assert lengths.max() == 512  # the corpus' documents are short: most pairs are too


def test_truncation_is_the_tokenizers_longest_first(ours):
    first = "the quick brown fox jumps over the lazy dog " * 3
    second = "a stitch in time saves nine"
    for seed in range(6):
        pairs = make_pairs([[first, second]], ours, task="sop", max_length=20, seed=seed)
        label = pairs["sentence_order_label"][0]
        a, b = (second, first) if label else (first, second)
        expected = ours(a, b, truncation="longest_first", max_length=20)
        assert pairs["input_ids"][0] == expected["input_ids"]
        assert pairs["token_type_ids"][0] == expected["token_type_ids"]


def test_nsp_labels_balanced_and_sources(documents, ours):
    pairs = make_pairs(documents, ours, task="nsp", max_length=128, seed=1)
    labels = np.array(pairs["next_sentence_label"])
    n = labels.size
    assert n > 1500
    assert abs(labels.mean() - 0.5) < 3.5 * (0.25 / n) ** 0.5  # binomial, 3.5 sigma
    streams = _Streams(documents, ours)
    for index in range(0, n, 7):  # a sample: each lookup scans the corpus
        a, b = _segments(pairs, index)
        where_a = streams.find(a)
        assert where_a, "A is not whole sentences of a document"
        if labels[index] == 0:
            assert _consecutive(streams, a, b, budget=125), f"example {index}: B does not follow A"
        else:  # B starts at a sentence of a document A is not from
            docs_a = {d for d, _ in where_a}
            assert any(d not in docs_a for d, _ in streams.find(b)), f"example {index}"


def _consecutive(streams: _Streams, first, second, budget: int) -> bool:
    """Whether `second` starts where the sentences of `first` end, in one document.

    `first` may be shorter than its sentences only when truncation cut its end (the pair
    then fills the budget). Some sentences repeat in the corpus: any location will do.
    """
    return any(
        streams.streams[d][q : q + len(second)] == second
        and (q - p == len(first) or (q - p > len(first) and len(first) + len(second) == budget))
        for d, p in streams.find(first)
        for q in streams.starts[d]
        if q >= p + len(first)
    )


def test_sop_negatives_are_exactly_swapped(documents, ours):
    pairs = make_pairs(documents, ours, task="sop", max_length=128, seed=2)
    labels = np.array(pairs["sentence_order_label"])
    n = labels.size
    assert abs(labels.mean() - 0.5) < 3.5 * (0.25 / n) ** 0.5
    streams = _Streams(documents, ours)
    for index in range(0, n, 5):
        a, b = _segments(pairs, index)
        first, second = (b, a) if labels[index] else (a, b)
        found = _consecutive(streams, first, second, budget=125)
        assert found, f"example {index}: the segments are not consecutive in a document"


def test_pairs_seed_reproduces(documents, ours):
    a = make_pairs(documents[:300], ours, task="nsp", max_length=128, seed=3)
    assert a == make_pairs(documents[:300], ours, task="nsp", max_length=128, seed=3)
    assert a != make_pairs(documents[:300], ours, task="nsp", max_length=128, seed=4)


def test_pairs_then_masking(documents, ours):
    pairs = make_pairs(documents[:200], ours, task="sop", max_length=128, seed=0)
    batch = mask_tokens(pairs, ours, whole_word=True, seed=0)
    assert list(batch) == [
        "input_ids",
        "token_type_ids",
        "attention_mask",
        "sentence_order_label",
        "labels",
    ]
    assert [len(r) for r in batch["labels"]] == [len(r) for r in pairs["input_ids"]]


@pytest.mark.parametrize("task", ["nsp", "sop"])
def test_one_sentence_documents(ours, task):
    docs = [["One sentence. Another.", "More."], ["Only one sentence here."]]
    with pytest.raises(ValueError, match="document 1 has 1 non-empty sentence"):
        make_pairs(docs, ours, task=task)
    with pytest.raises(ValueError, match="document 0 has 1"):
        make_pairs([["x", ""], ["a", "b"]], ours, task=task)  # an empty sentence does not count
    pairs = make_pairs(docs, ours, task=task, skip_short=True, seed=0)
    assert len(pairs["input_ids"]) == 1
    with pytest.raises(ValueError, match="no document has the 2 sentences"):
        make_pairs([["a"], ["b"]], ours, task=task, skip_short=True)


def test_bad_pair_arguments(ours):
    docs = [["a b", "c d"], ["e f", "g h"]]
    with pytest.raises(ValueError, match="task='mlm'"):
        make_pairs(docs, ours, task="mlm")
    with pytest.raises(ValueError, match="max_length=4"):
        make_pairs(docs, ours, max_length=4)
    with pytest.raises(ValueError, match="short_seq_prob=2"):
        make_pairs(docs, ours, short_seq_prob=2)
    with pytest.raises(ValueError, match="NSP needs at least 2 documents"):
        make_pairs(docs[:1], ours, task="nsp")
    make_pairs(docs[:1], ours, task="sop")  # SOP needs one document only
    with pytest.raises(TypeError, match="document 0 is a str"):
        make_pairs(["a b", "c d"], ours)
    with pytest.raises(ValueError, match="every document is empty"):
        make_pairs([], ours)


# ---------------------------------------------------------------------- command


def run(*args) -> subprocess.CompletedProcess:
    assert SUBWORD, "the subword command is not installed"
    return subprocess.run(
        [SUBWORD, "pretrain-data", *map(str, args)], capture_output=True, timeout=300
    )


def error_line(result) -> str:
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("subword: error: "), err
    return lines[0]


@pytest.fixture(scope="module")
def corpus_file(en_slice: Path) -> Path:
    return en_slice


def test_command_jsonl(corpus_file, bert_vocab_file, tmp_path):
    out = tmp_path / "train.jsonl"
    result = run(
        "-m",
        bert_vocab_file,
        corpus_file,
        "--task",
        "nsp",
        "--seed",
        "0",
        "--max-length",
        "128",
        "--skip-short-documents",
        "-o",
        out,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert "examples" in result.stderr.decode()  # the summary (no bar: not a terminal)
    examples = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(examples) > 100
    assert set(examples[0]) == {
        "input_ids",
        "token_type_ids",
        "attention_mask",
        "labels",
        "next_sentence_label",
    }
    labels = np.array([e["next_sentence_label"] for e in examples])
    assert 0.35 < labels.mean() < 0.65
    chosen = sum(sum(x != -100 for x in e["labels"]) for e in examples)
    assert 0.12 < chosen / sum(len(e["input_ids"]) for e in examples) < 0.16
    again = tmp_path / "again.jsonl"
    run(
        "-m",
        bert_vocab_file,
        corpus_file,
        "--seed",
        "0",
        "--max-length",
        "128",
        "--skip-short-documents",
        "-o",
        again,
        "-q",
    )
    assert again.read_bytes() == out.read_bytes()  # the seed reproduces the file
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


def test_command_npz_shards(corpus_file, bert_vocab_file, tmp_path):
    out = tmp_path / "shards"
    result = run(
        "-m",
        bert_vocab_file,
        corpus_file,
        "--task",
        "sop",
        "--whole-word",
        "--format",
        "npz",
        "--shard-size",
        "100",
        "--max-length",
        "64",
        "--skip-short-documents",
        "--seed",
        "1",
        "-q",
        "-o",
        out,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    shards = sorted(out.iterdir())
    assert len(shards) > 1 and shards[0].name == "shard-00000.npz"
    with np.load(shards[0]) as shard:
        assert shard["input_ids"].shape == (100, 64) and shard["labels"].shape == (100, 64)
        assert shard["sentence_order_label"].shape == (100,)
        padding = shard["attention_mask"] == 0
        assert np.all(shard["input_ids"][padding] == 0) and np.all(shard["labels"][padding] == -100)
    # The finished set is marked, last, with every shard and its examples.
    marker = json.loads((out / "shards.json").read_text())
    assert sorted(marker["shards"]) == [p.name for p in shards if p.suffix == ".npz"]
    for name, examples in marker["shards"].items():
        with np.load(out / name) as shard:
            assert shard["input_ids"].shape == (examples, 64)
    assert marker["examples"] == sum(marker["shards"].values())
    assert marker["max_length"] == 64


def test_npz_shards_cut_off_midway_have_no_marker(tmp_path):
    import argparse

    from subword.cli import pretrain_data

    example = {
        "input_ids": [2, 5, 3],
        "token_type_ids": [0, 0, 0],
        "attention_mask": [1, 1, 1],
        "labels": [-100, 5, -100],
        "next_sentence_label": 0,
    }

    def examples():
        yield from [example] * 3
        raise KeyboardInterrupt  # Ctrl-C, or a crash, after the first shard

    args = argparse.Namespace(output=str(tmp_path / "out"), shard_size=2, max_length=8, task="nsp")
    with pytest.raises(KeyboardInterrupt):
        pretrain_data._write_npz(examples(), args, pad_id=0)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["shard-00000.npz"]
    args.output = str(tmp_path / "whole")
    pretrain_data._write_npz(iter([example] * 3), args, pad_id=0)
    marker = json.loads((tmp_path / "whole" / "shards.json").read_text())
    assert marker == {
        "shards": {"shard-00000.npz": 2, "shard-00001.npz": 1},
        "examples": 3,
        "max_length": 8,
    }


def test_command_npz_pads_with_the_vocab_pad_id(corpus_file, bert_vocab_file, tmp_path):
    """A vocab whose [PAD] is not id 0: padding must use its id, not a fixed 0."""
    tokens = Path(bert_vocab_file).read_text(encoding="utf-8").splitlines()
    tokens.remove("[PAD]")
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join([*tokens, "[PAD]"]) + "\n", encoding="utf-8")
    out = tmp_path / "shards"
    result = run("-m", vocab, corpus_file, "--format", "npz", "--max-length", "64",
                 "--skip-short-documents", "--seed", "1", "-q", "-o", out)
    assert result.returncode == 0, result.stderr.decode()
    with np.load(sorted(out.iterdir())[0]) as shard:
        padding = shard["attention_mask"] == 0
        assert padding.any()
        assert np.all(shard["input_ids"][padding] == len(tokens))
        assert not np.any(shard["input_ids"][~padding] == len(tokens))


def test_command_errors(corpus_file, bert_vocab_file, tmp_path):
    out = tmp_path / "out.jsonl"
    line = error_line(run("-m", bert_vocab_file, corpus_file, "-o", out))
    assert f"{corpus_file}:" in line and "one sentence" in line and "--skip-short" in line
    assert not out.exists()
    assert "no such file" in error_line(
        run("-m", bert_vocab_file, tmp_path / "nope.txt", "-o", out)
    )
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine line\nanother\n\nbad \xff byte\n")
    assert "not UTF-8 at byte 23 (line 4)" in error_line(run("-m", bert_vocab_file, bad, "-o", out))
    line = error_line(
        run("-m", bert_vocab_file, corpus_file, "--mlm-probability", "1.5", "-o", out)
    )
    assert "mlm_probability=1.5" in line
    no_mask = tmp_path / "vocab.txt"
    no_mask.write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\nthe\n")
    assert "no mask token" in error_line(run("-m", no_mask, corpus_file, "-o", out))
    assert not out.exists()


def test_command_stdout_and_small_pools(bert_vocab_file, tmp_path):
    docs = [f"doc {d} opens here.\ndoc {d} goes on.\ndoc {d} ends." for d in range(5)]
    text = tmp_path / "docs.txt"
    text.write_text("\n\n\n".join(docs) + "\n")  # several blank lines are one separator
    # pools of 2 documents: the fifth document joins the last pool (NSP needs another one)
    result = run("-m", bert_vocab_file, text, "--pool", "2", "--seed", "0", "-q", "-o", "-")
    assert result.returncode == 0, result.stderr.decode()
    examples = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(examples) >= 5
    assert all(e["input_ids"][0] == 101 and e["input_ids"][-1] == 102 for e in examples)


def test_run_called_directly(bert_vocab_file, corpus_file, tmp_path):
    import argparse

    from subword.cli.pretrain_data import add_arguments
    from subword.cli.pretrain_data import run as run_command

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    out = tmp_path / "direct.jsonl"
    args = parser.parse_args(
        ["-m", str(bert_vocab_file), str(corpus_file), "--skip-short-documents", "-q"]
        + ["--max-length", "64", "--seed", "0", "-o", str(out)]
    )
    assert run_command(args) == 0 and out.stat().st_size > 0
    args.mlm_probability = -1.0
    with pytest.raises(ValueError, match="mlm_probability=-1.0"):
        run_command(args)
