"""Vocabulary quality figures (`subword.evaluation`): hand-checked, and against encoding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from subword import BPE, BertTokenizer, WordPiece
from subword.errors import InvalidUtf8Error
from subword.evaluation import evaluate, evaluate_texts, format_reports, reports_to_json

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hug", "##s", "pun", "##g", "!"]
TEXT = "Hugs pun!\nhug ?\n\n"


def test_hand_computed_figures(tmp_path: Path) -> None:
    # Words: hugs -> hug ##s, pun, ! (line 1); hug, ? -> [UNK] (line 2); the empty line
    # holds no words. 5 words, 6 tokens, 1 unk, 3 words whole (pun, !, hug). With
    # [CLS] and [SEP], line 1 is 6 tokens and line 2 is 4: one line over max_length 5.
    path = tmp_path / "held-out.txt"
    path.write_text(TEXT, encoding="utf-8")
    report = evaluate(WordPiece(VOCAB), path, max_length=5, name="toy")
    assert (report.lines, report.words, report.tokens) == (2, 5, 6)
    assert (report.unk_tokens, report.whole_words, report.lines_over_max_length) == (1, 3, 1)
    assert report.tokens_per_word == pytest.approx(1.2)
    assert report.whole_word_share == pytest.approx(0.6)
    assert report.unk_rate == pytest.approx(1 / 6)
    assert report.over_max_length_share == pytest.approx(0.5)
    assert [(s.word, s.count, s.tokens) for s in report.most_split] == [
        ("hugs", 1, ("hug", "##s"))
    ]
    assert report.vocab_size == len(VOCAB)
    # At the default max_length nothing is over.
    assert evaluate(WordPiece(VOCAB), path).lines_over_max_length == 0


def test_most_split_ranks_by_extra_tokens() -> None:
    model = WordPiece(["[UNK]", "a", "##a", "b", "##b"])
    report = evaluate_texts(model, ["aaa bb bb bb a"], most_split=1)
    # "bb" costs 3 extra tokens (3 x 1), "aaa" 2 (1 x 2).
    assert [(s.word, s.extra_tokens) for s in report.most_split] == [("bb", 3)]


def test_bert_tokenizer_and_wordpiece_agree(bert_vocab_file: Path, corpora: Path) -> None:
    lines = (corpora / "en-1m.txt").read_text(encoding="utf-8").splitlines()[:3000]
    tokenizer = BertTokenizer(str(bert_vocab_file))
    model = WordPiece(bert_vocab_file.read_text(encoding="utf-8").splitlines())
    ours = evaluate_texts(tokenizer, lines)
    plain = evaluate_texts(model, lines)
    assert (ours.words, ours.tokens, ours.unk_tokens, ours.whole_words) == (
        plain.words,
        plain.tokens,
        plain.unk_tokens,
        plain.whole_words,
    )
    # The token count is what the tokenizer itself produces for these lines.
    encoded = tokenizer(lines, add_special_tokens=False)["input_ids"]
    assert ours.tokens == sum(len(ids) for ids in encoded)
    with_specials = [len(ids) + 2 for ids in encoded if ids]
    assert ours.lines_over_max_length == sum(n > 512 for n in with_specials)


def test_bpe_figures_match_its_encoding(corpora: Path) -> None:
    lines = (corpora / "en-1m.txt").read_text(encoding="utf-8").splitlines()
    model = BPE.train_from_iterator(lines[:2000], num_merges=300)
    held_out = lines[2000:3000]
    report = evaluate_texts(model, held_out, max_length=64)
    encoded = model.encode_batch(held_out)
    assert report.words == sum(len(line.split()) for line in held_out)
    assert report.tokens == sum(len(ids) for ids in encoded)
    assert report.lines_over_max_length == sum(len(ids) > 64 for ids in encoded)
    unk = model.token_to_id("<unk>")
    assert report.unk_tokens == sum(ids.count(unk) for ids in encoded)


def test_table_and_json_side_by_side() -> None:
    first = evaluate_texts(WordPiece(VOCAB), TEXT.splitlines(), name="first")
    second = evaluate_texts(WordPiece([*VOCAB, "hugs", "?"]), TEXT.splitlines(), name="second")
    table = format_reports([first, second])
    header, *rows = table.splitlines()
    assert header.split() == ["figure", "first", "second"]
    assert rows[2].split()[-2:] == ["1.200", "1.000"]
    data = json.loads(reports_to_json([first, second]))
    assert [d["name"] for d in data] == ["first", "second"]
    assert data[1]["tokens_per_word"] == 1.0 and data[1]["most_split"] == []


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    model = WordPiece(VOCAB)
    with pytest.raises(FileNotFoundError):
        evaluate(model, tmp_path / "missing.txt")
    with pytest.raises(IsADirectoryError):
        evaluate(model, tmp_path)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(ValueError, match="no words to evaluate on"):
        evaluate(model, empty)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"hug\npun \xff\n")
    message = r"bad.txt: invalid UTF-8 at byte offset 8 \(line 2\)"
    with pytest.raises(InvalidUtf8Error, match=message) as bad_byte:
        evaluate(model, bad)
    assert (bad_byte.value.offset, bad_byte.value.line) == (8, 2)
    assert evaluate(model, bad, errors="replace").words == 2  # U+FFFD is dropped, as BERT does
    with pytest.raises(ValueError, match="max_length"):
        evaluate_texts(model, ["hug"], max_length=0)
    with pytest.raises(TypeError, match="cannot evaluate a dict"):
        evaluate_texts({}, ["hug"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="texts must be str"):
        evaluate_texts(model, [b"hug"])  # type: ignore[list-item]
