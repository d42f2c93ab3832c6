"""Adapting a pretrained vocabulary to a domain (``WordPiece.adapt``, ``subword adapt``).

The reference is ``reference/wordpiece_adapt.py``: every step tries every substring of
every word as the new token and re-encodes every word with the naive encoder. The
checkpoint's contract (every non-``[unused]`` id keeps its token) and the saving contract
(never more tokens than the base on the training words) are properties over random bases
and corpora.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference.wordpiece_adapt import adapt_wordpiece as reference_adapt
from reference.wordpiece_encode import wordpiece_tokenize
from subword import BertTokenizer, WordPiece
from subword._core import WordCounts, adapt_wordpiece
from subword.adaptation import unused_slots
from subword.cli import main
from subword.errors import InvalidArgumentError
from subword.evaluation import evaluate_texts

SETTINGS = settings(deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])
# Small alphabets make shared pieces and ties likely; "#" meets the "##" prefix.
ALPHABETS = ["ab", "abc", "aab", "a#", "é€a"]


@st.composite
def domains(draw: st.DrawFn) -> tuple[list[str], dict[str, int]]:
    """A base vocab (its alphabet partly missing, some longer tokens, [unused] slots
    among them) and domain word counts."""
    alphabet = draw(st.sampled_from(ALPHABETS))
    chars = sorted(set(alphabet))
    singles = [c for c in chars if draw(st.integers(0, 5))] + [
        "##" + c for c in chars if draw(st.integers(0, 5))
    ]
    longer = draw(st.lists(st.text(alphabet, min_size=2, max_size=4), max_size=6))
    longer += [
        "##" + t for t in draw(st.lists(st.text(alphabet, min_size=2, max_size=3), max_size=4))
    ]
    unused = [f"[unused{i}]" for i in range(draw(st.integers(0, 6)))]
    tokens = list(dict.fromkeys(["[UNK]", *unused, *singles, *longer]))
    order = draw(st.permutations(tokens))
    words = draw(st.lists(st.text(alphabet, min_size=1, max_size=9), min_size=1, max_size=12))
    counts = {w: draw(st.integers(1, 6)) for w in dict.fromkeys(words)}
    return list(order), counts


@SETTINGS
@given(domains(), st.integers(0, 6), st.integers(1, 3), st.booleans(), st.booleans())
def test_the_tokens_are_the_reference_rules(domain, budget, min_frequency, pieces, loo):
    vocab, counts = domain
    options = {"min_frequency": min_frequency, "pieces": pieces, "leave_one_out": loo}
    found = adapt_wordpiece(WordCounts.from_dict(counts), vocab, budget, **options)
    assert found == reference_adapt(counts, vocab, budget, **options)


@SETTINGS
@given(domains(), st.integers(0, 6), st.integers(1, 3))
def test_whole_words_are_the_reference_naive_filling(domain, budget, min_frequency):
    vocab, counts = domain
    found = adapt_wordpiece(
        WordCounts.from_dict(counts), vocab, budget, min_frequency, scoring="whole-words"
    )
    assert found == reference_adapt(counts, vocab, budget, min_frequency, "whole-words")


def _tokens(vocab: list[str], counts: dict[str, int]) -> dict[str, int | None]:
    """The pieces of each word, None when the vocab cannot encode it."""
    known = set(vocab)
    pieces = {w: wordpiece_tokenize(w, known, "\0unk") for w in counts}
    return {w: None if p == ["\0unk"] else len(p) for w, p in pieces.items()}


@SETTINGS
@given(domains(), st.sampled_from(["saving", "whole-words"]))
def test_every_base_id_keeps_its_token_and_the_training_words_never_cost_more(domain, scoring):
    vocab, counts = domain
    base = WordPiece(vocab)
    slots = unused_slots(vocab)
    if not slots:
        with pytest.raises(InvalidArgumentError, match="0 \\[unused\\] slots"):
            WordPiece.adapt(base, counts=counts, scoring=scoring)
        return
    adapted = WordPiece.adapt(base, counts=counts, scoring=scoring, min_frequency=1)
    new_vocab = sorted(adapted.vocab, key=adapted.vocab.__getitem__)
    assert len(new_vocab) == len(vocab)
    for index, token in enumerate(vocab):
        if index not in slots:
            assert new_vocab[index] == token
    assert not {t.token for t in adapted.new_tokens} & set(vocab)
    assert [t.id for t in adapted.new_tokens] == slots[: len(adapted.new_tokens)]
    before, after = _tokens(vocab, counts), _tokens(new_vocab, counts)
    known = [w for w in counts if before[w] is not None]
    assert all(after[w] is not None for w in known), "a new token made a word unk"
    total_before = sum(counts[w] * before[w] for w in known)  # type: ignore[operator]
    total_after = sum(counts[w] * after[w] for w in known)  # type: ignore[operator]
    assert total_after <= total_before
    if scoring == "saving":  # each saving is exactly what the encoder saves
        assert total_before - total_after == sum(t.saving for t in adapted.new_tokens)


@SETTINGS
@given(domains(), st.integers(0, 5))
def test_appending_keeps_the_base_and_adds_after_it(domain, budget):
    vocab, counts = domain
    adapted = WordPiece.adapt(
        WordPiece(vocab), counts=counts, slots="append", max_new_tokens=budget
    )
    new_vocab = sorted(adapted.vocab, key=adapted.vocab.__getitem__)
    assert new_vocab[: len(vocab)] == vocab
    assert new_vocab[len(vocab) :] == [t.token for t in adapted.new_tokens]
    assert len(adapted.new_tokens) <= budget


# --- real data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def domain_counts(en_slice: Path) -> WordCounts:
    from subword.counting import count_words

    return count_words([en_slice], pre_tokenizer="bert")


def test_adapting_bert_keeps_every_id_and_saves_what_it_says(bert_vocab_file, domain_counts):
    base = BertTokenizer(bert_vocab_file)
    vocab = sorted(base.vocab, key=base.vocab.__getitem__)
    adapted = WordPiece.adapt(base, counts=domain_counts)
    assert 100 < len(adapted.new_tokens) <= len(unused_slots(vocab)) == 994
    new_vocab = sorted(adapted.vocab, key=adapted.vocab.__getitem__)
    changed = [i for i, (a, b) in enumerate(zip(vocab, new_vocab, strict=True)) if a != b]
    assert changed == [t.id for t in adapted.new_tokens]
    assert all(vocab[i].startswith("[unused") for i in changed)
    counts = domain_counts.to_dict()
    words = [w for w in counts if len(w) <= 100]
    lengths = [
        [len(ids) for ids in model._inner.encode_pretokenized([[w] for w in words])]
        for model in (WordPiece(vocab), adapted)
    ]
    saved = sum(counts[w] * (b - a) for w, b, a in zip(words, *lengths, strict=True))
    assert saved == sum(t.saving for t in adapted.new_tokens)


def test_the_result_does_not_depend_on_the_number_of_threads(bert_vocab_file, domain_counts):
    vocab = [line.rstrip("\n") for line in bert_vocab_file.open(encoding="utf-8")]
    runs = [adapt_wordpiece(domain_counts, vocab, 994, threads=t) for t in (1, 2, 3)]
    assert runs[0] == runs[1] == runs[2]
    naive = [
        adapt_wordpiece(domain_counts, vocab, 994, scoring="whole-words", threads=t) for t in (1, 2)
    ]
    assert naive[0] == naive[1]


def test_the_new_tokens_survive_pickling_and_saving(tmp_path):
    base = WordPiece(["[PAD]", "[UNK]", "[unused0]", "[unused1]", "q", "##u", "##e", "##r", "##y"])
    adapted = WordPiece.adapt(base, counts={"query": 5, "queue": 3})
    assert adapted.new_tokens
    assert pickle.loads(pickle.dumps(adapted)).new_tokens == adapted.new_tokens
    saved = adapted.save(tmp_path / "adapted")
    loaded = WordPiece.load(saved)
    assert loaded.new_tokens == adapted.new_tokens
    assert loaded.vocab == adapted.vocab
    config = json.loads((saved / "subword.json").read_text())
    (saved / "subword.json").write_text(json.dumps({**config, "new_tokens": [{"token": "q"}]}))
    with pytest.raises(ValueError, match="subword.json: new_tokens must be a list of"):
        WordPiece.load(saved)
    # A model that was not adapted has none, and saves as it always did.
    plain = base.save(tmp_path / "plain")
    assert WordPiece.load(plain).new_tokens == ()
    assert not (plain / "tokenizer_config.json").exists()


def test_a_saved_adapted_bert_loads_in_both_bert_tokenizers_with_the_base_ids(
    bert_vocab_file, domain_counts, en_slice, tmp_path
):
    transformers = pytest.importorskip("transformers")
    base = BertTokenizer(bert_vocab_file)
    out = WordPiece.adapt(base, counts=domain_counts).save(tmp_path / "adapted")
    assert (out / "tokenizer_config.json").is_file()
    ours = BertTokenizer.from_pretrained(out)
    theirs = transformers.BertTokenizer.from_pretrained(out)
    # Words the base keeps whole, special tokens and punctuation: the base's ids.
    plain = "[CLS] The quick brown fox, jumping over a lazy dog! [MASK] café [SEP]"
    assert ours(plain)["input_ids"] == theirs(plain)["input_ids"] == base(plain)["input_ids"]
    lines = en_slice.read_text(encoding="utf-8").splitlines()[:200]
    assert ours(lines)["input_ids"] == theirs(lines)["input_ids"]
    assert ours(lines)["input_ids"] != base(lines)["input_ids"]  # the new tokens are used


def test_choosing_by_saving_beats_the_whole_word_filling_on_held_out_text(bert_vocab_file, corpora):
    """Django and Google API text from en-1m: train on the first 80%, measure the rest."""
    lines = (corpora / "en-1m.txt").read_text(encoding="utf-8").splitlines()
    domain = [line for line in lines if "django" in line.lower() or "``" in line]
    cut = len(domain) * 4 // 5
    base = BertTokenizer(bert_vocab_file)
    ours = WordPiece.adapt(base, texts=domain[:cut])
    naive = WordPiece.adapt(base, texts=domain[:cut], scoring="whole-words")
    held_out = domain[cut:]
    base_tpw, naive_tpw, ours_tpw = (
        evaluate_texts(model, held_out).tokens_per_word for model in (base, naive, ours)
    )
    assert ours_tpw < naive_tpw < base_tpw


# --- bad input ------------------------------------------------------------------------


def test_bad_input_is_a_clear_error():
    base = WordPiece(["[UNK]", "[unused0]", "[unused1]", "a", "##b"])
    counts = {"ab": 5}
    with pytest.raises(InvalidArgumentError, match="only 2 \\[unused\\] slots; ask for at most 2"):
        WordPiece.adapt(base, counts=counts, max_new_tokens=3)
    no_slots = WordPiece(["[UNK]", "a", "##b"])
    with pytest.raises(InvalidArgumentError, match="0 \\[unused\\] slots"):
        WordPiece.adapt(no_slots, counts=counts)
    assert (
        WordPiece.adapt(no_slots, counts=counts, slots="append", max_new_tokens=1).vocab["ab"] == 3
    )
    with pytest.raises(InvalidArgumentError, match="must be given with slots='append'"):
        WordPiece.adapt(base, counts=counts, slots="append")
    with pytest.raises(InvalidArgumentError, match="slots must be one of"):
        WordPiece.adapt(base, counts=counts, slots="end")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="scoring must be one of"):
        WordPiece.adapt(base, counts=counts, scoring="likelihood")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="max_new_tokens must be 0 or more"):
        WordPiece.adapt(base, counts=counts, max_new_tokens=-1)
    with pytest.raises(ValueError, match="the corpus is empty"):
        WordPiece.adapt(base, counts={})
    with pytest.raises(ValueError, match="exactly one"):
        WordPiece.adapt(base, ["x.txt"], counts=counts)
    with pytest.raises(FileNotFoundError):
        WordPiece.adapt(base, "no-such-file.txt")
    with pytest.raises(TypeError, match="base must be"):
        WordPiece.adapt(42, counts=counts)  # type: ignore[arg-type]


# --- the command ----------------------------------------------------------------------


def test_the_command_writes_a_bert_folder_and_its_report(
    bert_vocab_file, en_slice, tmp_path, capsys
):
    out = tmp_path / "adapted"
    assert main(["adapt", "--vocab", str(bert_vocab_file), str(en_slice), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "new tokens in [unused] slots" in printed and "cut in tokens per word" in printed
    names = {p.name for p in out.iterdir()}
    assert {"vocab.txt", "tokenizer.json", "tokenizer_config.json", "adaptation.json"} <= names
    report = json.loads((out / "adaptation.json").read_text())
    assert report["after"]["tokens_per_word"] < report["before"]["tokens_per_word"]
    adapted = BertTokenizer.from_pretrained(out)
    base = BertTokenizer(bert_vocab_file)
    assert adapted.vocab_size == base.vocab_size
    first = report["new_tokens"][0]
    assert adapted.convert_ids_to_tokens(first["id"]) == first["token"]
    assert adapted.convert_tokens_to_ids("[CLS]") == base.convert_tokens_to_ids("[CLS]")


def test_the_command_refuses_more_tokens_than_slots(bert_vocab_file, en_slice, tmp_path, capsys):
    args = ["adapt", "--vocab", str(bert_vocab_file), str(en_slice), "-o", str(tmp_path / "o")]
    assert main([*args, "--max-new-tokens", "2000"]) == 2
    error = capsys.readouterr().err
    assert "--max-new-tokens is 2000 but the base has only 994 [unused] slots" in error
    assert not (tmp_path / "o").exists()
    assert main([*args, "--slots", "append", "--max-new-tokens", "5", "-q"]) == 0
    assert BertTokenizer.from_pretrained(tmp_path / "o").vocab_size == 30522 + 5
