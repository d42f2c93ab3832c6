"""BPE: differential tests against subword-nmt 0.3.8 and Hugging Face ``tokenizers``,
property tests, and bad input."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import bpe as reference
from subword import BPE, _core
from subword.errors import InvalidArgumentError
from subword_nmt.apply_bpe import BPE as NmtBPE
from subword_nmt.learn_bpe import learn_bpe


def space_only(text: str) -> str:
    """``text`` with every run of whitespace inside a line turned into one space: subword-nmt
    splits on spaces only, we split as ``str.split()`` does (the spec's documented
    difference), so the comparison feeds both the text on which the two rules agree."""
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def nmt_merges(text: str, num_merges: int, min_frequency: int = 2) -> list[tuple[str, str]]:
    out = io.StringIO()
    learn_bpe(io.StringIO(text), out, num_merges, min_frequency=min_frequency)
    lines = out.getvalue().split("\n")
    assert lines[0] == "#version: 0.2"
    return [tuple(line.split(" ")) for line in lines[1:] if line]


def nmt_segment(merges_file: Path, sentence: str) -> str:
    with open(merges_file, encoding="utf-8") as codes:
        return NmtBPE(codes).segment(sentence)


def as_nmt_segmentation(symbols: list[str]) -> str:
    """Our symbols (``</w>`` on a word's last piece) in apply-bpe's ``@@ `` notation."""
    return " ".join(s[:-4] if s.endswith("</w>") else s + "@@" for s in symbols)


@pytest.fixture(scope="module")
def english(corpora: Path) -> str:
    return space_only((corpora / "en-1m.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def trained(english: str, tmp_path_factory) -> tuple[BPE, Path]:
    lines = english.split("\n")
    train_file = tmp_path_factory.mktemp("bpe") / "train.txt"
    train_file.write_text("\n".join(lines[: len(lines) * 4 // 5]), encoding="utf-8")
    bpe = BPE.train(train_file, num_merges=5000)
    directory = bpe.save(train_file.parent / "model")
    return bpe, directory


@pytest.fixture(scope="module")
def held_apart(english: str) -> list[str]:
    lines = english.split("\n")
    return [line for line in lines[len(lines) * 4 // 5 :] if line.strip()][:3000]


# --- training ----------------------------------------------------------------------------


def test_merges_equal_subword_nmt_on_real_english(english: str, tmp_path: Path) -> None:
    corpus = tmp_path / "en-1m.txt"
    corpus.write_text(english, encoding="utf-8")
    ours = BPE.train(corpus, num_merges=5000).merges
    assert len(ours) == 5000
    assert ours == nmt_merges(english, 5000)


words = st.text(alphabet=st.sampled_from("abé語"), min_size=1, max_size=10)
repeats = st.builds(
    lambda unit, n: unit * n, st.sampled_from(["a", "ab", "aab", "aba"]), st.integers(1, 8)
)
corpus_words = st.lists(st.one_of(words, repeats), min_size=1, max_size=60)


@settings(max_examples=150, deadline=None)
@given(corpus_words, st.integers(1, 3))
def test_merges_equal_subword_nmt_and_reference_on_generated_corpora(
    tokens: list[str], min_frequency: int
) -> None:
    text = " ".join(tokens)
    counts: dict[str, int] = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    ours = BPE.train_from_iterator([text], num_merges=30, min_frequency=min_frequency).merges
    assert ours == reference.learn(counts, 30, min_frequency)
    if any(len(token) > 1 for token in tokens):  # subword-nmt crashes when no pair exists
        assert ours == nmt_merges(text, 30, min_frequency)


def test_counts_beyond_32_bits_pick_the_right_first_merge() -> None:
    # (x, y</w>) occurs 2**32 + 2 times; (a, b</w>) 2**32 - 1 + 2 = 2**32 + 1 times, and
    # (q, q</w>) exactly 2**33. A 32-bit counter wraps the first two to 2 and 1.
    counts = {"xy": 2**32 + 2, "ab": 2**32 - 1, "zab": 2, "qq": 2**33, "qqq": 0}
    bpe = BPE.train_from_counts(counts, num_merges=3)
    assert bpe.merges[:3] == [("q", "q</w>"), ("x", "y</w>"), ("a", "b</w>")]
    huge = {"ab": 2**64 - 1, "cd": 2**64 - 1, "xcd": 1}
    assert BPE.train_from_counts(huge, num_merges=1).merges == [("c", "d</w>")]


def test_vocab_size_counts_specials_alphabet_and_merges(corpora: Path) -> None:
    bpe = BPE.train(corpora / "en-1m.txt", vocab_size=2000, special_tokens=["<unk>", "<pad>"])
    assert len(bpe) == 2000
    assert list(bpe.vocab)[:2] == ["<unk>", "<pad>"]


def test_train_sources_agree(tmp_path: Path) -> None:
    text = "the cat sat on the mat\nthe cat ate the rat\n"
    corpus = tmp_path / "c.txt"
    corpus.write_text(text, encoding="utf-8")
    from_file = BPE.train(corpus, num_merges=10, min_frequency=1)
    from_lines = BPE.train_from_iterator(text.splitlines(), num_merges=10, min_frequency=1)
    counts = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    from_counts = BPE.train_from_counts(counts, num_merges=10, min_frequency=1)
    assert from_file.merges == from_lines.merges == from_counts.merges
    assert from_file.vocab == from_lines.vocab == from_counts.vocab


# --- encoding ----------------------------------------------------------------------------


def test_segmentations_equal_subword_nmt_apply_bpe(trained, held_apart) -> None:
    bpe, directory = trained
    for sentence in held_apart:
        assert as_nmt_segmentation(bpe.tokenize(sentence)) == nmt_segment(
            directory / "merges.txt", sentence
        ), sentence


def test_segmentations_equal_reference_apply(trained, held_apart) -> None:
    bpe, _ = trained
    for sentence in held_apart[:500]:
        expected = [s for word in sentence.split() for s in reference.apply(word, bpe.merges)]
        assert bpe.tokenize(sentence) == expected


def test_ids_equal_hugging_face_loading_our_files(trained, held_apart) -> None:
    bpe, directory = trained
    theirs = [e.ids for e in hugging_face(directory).encode_batch(held_apart)]
    assert bpe.encode_batch(held_apart) == theirs
    assert [bpe.encode(s) for s in held_apart[:200]] == theirs[:200]


def hugging_face(directory: Path):
    """Hugging Face's BPE loading our saved files, splitting words as we do."""
    from tokenizers import Tokenizer, models, pre_tokenizers

    hf = Tokenizer(
        models.BPE.from_file(
            str(directory / "vocab.json"),
            str(directory / "merges.txt"),
            unk_token="<unk>",
            end_of_word_suffix="</w>",
        )
    )
    hf.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    return hf


def rows_of(flat: tuple[np.ndarray, np.ndarray]) -> list[list[int]]:
    ids, lengths = flat
    assert ids.dtype == np.uint32 and lengths.dtype == np.int64
    assert lengths.sum() == len(ids)
    return [row.tolist() for row in np.split(ids, np.cumsum(lengths)[:-1])] if len(lengths) else []


@pytest.mark.parametrize("threads", [1, 2])
def test_flat_batch_equals_lists_and_hugging_face_on_real_text(trained, held_apart, threads):
    bpe, directory = trained
    batch = ["", *held_apart[:1000], "   ", "", *held_apart[1000:]]
    theirs = [e.ids for e in hugging_face(directory).encode_batch(batch)]
    assert rows_of(bpe.encode_batch_flat(batch, threads=threads)) == theirs
    assert bpe.encode_batch(batch, threads=threads) == theirs


# Python's str.split() also splits at U+001C..U+001F, Hugging Face's WhitespaceSplit not;
# lone surrogates are not text (neither library takes them).
SPLIT_ALIKE = st.characters(blacklist_characters="\x1c\x1d\x1e\x1f", blacklist_categories=["Cs"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(SPLIT_ALIKE, max_size=40), max_size=300))
def test_flat_batch_equals_lists_and_hugging_face_on_any_text(trained, texts) -> None:
    bpe, directory = trained
    lists = bpe.encode_batch(texts)
    assert rows_of(bpe.encode_batch_flat(texts)) == lists == [bpe.encode(t) for t in texts]
    assert lists == [e.ids for e in hugging_face(directory).encode_batch(texts)]


def test_empty_batches_and_texts_give_empty_results(trained) -> None:
    bpe, _ = trained
    assert bpe.encode_batch([]) == []
    ids, lengths = bpe.encode_batch_flat([])
    assert (ids.dtype, ids.shape, lengths.dtype, lengths.shape) == (
        np.uint32, (0,), np.int64, (0,)
    )
    assert bpe.encode_batch(["", " \t\n"] * 300) == [[]] * 600
    assert rows_of(bpe.encode_batch_flat(["", " \t\n"] * 200)) == [[]] * 400
    with pytest.raises(TypeError):
        bpe.encode_batch_flat(["ok", 3])  # type: ignore[list-item]


@pytest.mark.parametrize("form", [list, tuple, iter])
def test_a_batch_with_a_non_str_names_it_in_any_form_of_batch(trained, form) -> None:
    bpe, _ = trained
    assert bpe.encode_batch(form(["low", "lower"])) == bpe.encode_batch(["low", "lower"])
    for encode in (bpe.encode_batch, bpe.encode_batch_flat):
        with pytest.raises(TypeError, match=r"must be a str, not bytes \(texts\[2\]\)"):
            encode(form(["ok", "fine", b"bytes", 4]))  # type: ignore[arg-type]


def test_flat_arrays_are_writable_and_outlive_the_model(trained, held_apart) -> None:
    bpe, directory = trained
    ids, lengths = BPE.load(directory).encode_batch_flat(held_apart[:500])
    ids[0] = ids[0]  # owned by numpy: writable, and alive after the model is gone
    assert rows_of((ids, lengths)) == bpe.encode_batch(held_apart[:500])


def test_saved_files_load_back_identically(trained, held_apart, tmp_path: Path) -> None:
    bpe, directory = trained
    loaded = BPE.load(directory)
    codes = BPE.from_codes(directory / "merges.txt")
    files = BPE.from_files(directory / "vocab.json", directory / "merges.txt")
    assert loaded.vocab == bpe.vocab == files.vocab
    batch = held_apart[:300]
    assert loaded.encode_batch(batch) == bpe.encode_batch(batch)
    assert [codes.tokenize(s) for s in batch] == [bpe.tokenize(s) for s in batch]
    assert json.loads((directory / "vocab.json").read_text(encoding="utf-8")) == bpe.vocab
    clone = pickle.loads(pickle.dumps(bpe))
    assert clone.encode_batch(batch) == bpe.encode_batch(batch)


def test_unknown_characters_are_single_symbols_and_unk_ids(trained) -> None:
    bpe, _ = trained
    assert bpe.tokenize("the ☃x") == ["the</w>", "☃", "x</w>"]
    unk = bpe.token_to_id("<unk>")
    assert bpe.encode("☃☃")[:2] == [unk, unk]


def test_batch_results_do_not_depend_on_the_number_of_threads(trained, held_apart) -> None:
    # (Many Python threads sharing one model: test_reliability.py.)
    bpe, _ = trained
    one = bpe.encode_batch(held_apart, threads=1)
    assert bpe.encode_batch(held_apart, threads=2) == one
    assert bpe.encode_batch(held_apart, threads=7) == one
    assert one == [bpe.encode(text) for text in held_apart]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_byte_fallback_round_trips_any_text(text: str) -> None:
    assert BYTE_MODEL.decode(BYTE_MODEL.encode(text)) == " ".join(text.split())


BYTE_MODEL = BPE.train_from_iterator(
    ["hello world, the quick brown fox jumps over the lazy dog"] * 3,
    num_merges=40,
    byte_fallback=True,
)


# --- bad input -----------------------------------------------------------------------------


def test_missing_file_directory_and_empty_corpus(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="missing.txt"):
        BPE.train(tmp_path / "missing.txt", num_merges=10)
    with pytest.raises(IsADirectoryError, match="directory"):
        BPE.train(tmp_path, num_merges=10)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        BPE.train(empty, num_merges=10)
    with pytest.raises(ValueError, match="empty"):
        BPE.train_from_counts({}, num_merges=10)


def test_invalid_utf8_names_file_offset_and_replace_works(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine words here\nmore \xff\xfe bytes\n")
    with pytest.raises(ValueError, match=r"bad.txt: invalid UTF-8 at byte offset 21 \(line 2\)"):
        BPE.train(bad, num_merges=5)
    bpe = BPE.train(bad, num_merges=5, min_frequency=1, errors="replace")
    assert "\ufffd" in bpe.vocab or "\ufffd</w>" in bpe.vocab


def test_vocab_size_below_alphabet(corpora: Path) -> None:
    with pytest.raises(
        ValueError, match=r"vocab_size 10 is smaller than the \d+ symbols of the alphabet"
    ):
        BPE.train(corpora / "en-1m.txt", vocab_size=10)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="exactly one of"):
        BPE.train_from_iterator(["a b"], num_merges=3, vocab_size=10)
    with pytest.raises(TypeError, match="texts must be str"):
        BPE.train_from_iterator(["a", 3], num_merges=3)  # type: ignore[list-item]
    with pytest.raises(ValueError, match='count of "a" must be an integer'):
        BPE.train_from_counts({"a": -1}, num_merges=3)


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("num_merges", lambda c: _core.train_bpe(c, num_merges=-1)),
        ("vocab_size", lambda c: _core.train_bpe(c, vocab_size=2**64)),
        ("min_frequency", lambda c: _core.train_bpe(c, num_merges=3, min_frequency=-1)),
        ("threads", lambda c: _core.train_bpe(c, num_merges=3, threads=-1)),
        ("threads", lambda c: _core.count_files([], threads=-1)),
        ("threads", lambda c: _core.WordCounter(-1)),
        ("weights", lambda c: _core.WordCounter().add_weighted_texts(["a"], [-1])),
        ("threads", lambda c: _core.BpeModel(["<unk>"], []).encode_batch(["a"], threads=-1)),
        ("threads", lambda c: _core.WordPieceModel(["[UNK]"]).encode_batch(["a"], threads=-1)),
        ("max_input_chars_per_word", lambda c: _core.WordPieceModel(["[UNK]"], "[UNK]", "##", -1)),
    ],
)
def test_count_arguments_out_of_range_name_the_argument(name, call) -> None:
    counts = _core.WordCounts.from_dict({"low": 3, "lower": 2})
    message = rf"^{name} must be an integer in \[0, 2\*\*64\)"
    with pytest.raises(InvalidArgumentError, match=message) as info:
        call(counts)
    assert info.value.argument == name


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("#version: 0.2\na b\nab\n", 3, "expected two symbols"),
        ("#version: 0.2\na b\n\nc d\n", 3, "expected two symbols"),
        ("a b c\n", 1, "expected two symbols"),
    ],
)
def test_corrupt_codes_name_the_line(tmp_path: Path, content: str, line: int, message: str) -> None:
    codes = tmp_path / "codes.txt"
    codes.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"codes.txt:{line}: {message}"):
        BPE.from_codes(codes)


@pytest.mark.parametrize(("content", "message"), [("{", "Expecting"),
                                                  ("[]", "expected a JSON object")])
def test_broken_subword_json_names_the_file(trained, tmp_path: Path, content, message) -> None:
    _, directory = trained
    broken = tmp_path / "model"
    shutil.copytree(directory, broken)
    (broken / "subword.json").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=f"subword.json: not a valid config.*{message}"):
        BPE.load(broken)


def test_merges_outside_vocab_json_name_the_line(trained, tmp_path: Path) -> None:
    bpe, directory = trained
    vocab = dict(bpe.vocab)
    (tmp_path / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    merges = (directory / "merges.txt").read_text(encoding="utf-8").splitlines()
    merges.insert(5, "zz☃ q")
    (tmp_path / "merges.txt").write_text("\n".join(merges) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"merges.txt:6: \"zz☃\" is not in"):
        BPE.from_files(tmp_path / "vocab.json", tmp_path / "merges.txt")
    (tmp_path / "vocab.json").write_text('{"a": 0, "b": 5}', encoding="utf-8")
    with pytest.raises(ValueError, match="out of range"):
        BPE.from_files(tmp_path / "vocab.json", tmp_path / "merges.txt")
    (tmp_path / "vocab.json").write_text('{"a": 0, ', encoding="utf-8")
    with pytest.raises(ValueError, match=r"vocab.json:1: not a JSON object"):
        BPE.from_files(tmp_path / "vocab.json", tmp_path / "merges.txt")


def test_ids_out_of_range(trained) -> None:
    bpe, _ = trained
    with pytest.raises(IndexError, match=f"out of range for a vocabulary of {len(bpe)}"):
        bpe.decode([0, len(bpe)])
    with pytest.raises(IndexError):
        bpe.id_to_token(10**12)
    with pytest.raises(IndexError, match="id -1 is out of range"):
        bpe.decode([-1])
    with pytest.raises(IndexError, match="id -3 is out of range"):
        bpe.id_to_token(-3)


def test_failed_save_leaves_no_partial_files(trained, tmp_path: Path) -> None:
    bpe, _ = trained
    target = tmp_path / "model"
    target.mkdir()
    (target / "merges.txt").mkdir()  # renaming a file over a directory fails
    with pytest.raises(OSError):
        bpe.save(target)
    leftovers = [p.name for p in target.iterdir() if p.name not in ("merges.txt", "vocab.json")]
    assert leftovers == []


def test_encoding_after_fork_works_in_the_child(trained, held_apart) -> None:
    bpe, _ = trained
    expected = bpe.encode_batch(held_apart)  # starts the parent's thread pool
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a pool inherited without threads would hang here
        os.close(read)
        ok = bpe.encode_batch(held_apart) == expected
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("encoding in a forked child hung")
    assert os.read(read, 1) == b"1"


def test_bert_pre_tokenizer_trains_on_basic_tokens(corpora: Path, tmp_path: Path) -> None:
    from subword import BasicTokenizer

    lines = (corpora / "fr-3m.txt").read_text(encoding="utf-8").splitlines()[:3000]
    basic = BasicTokenizer()
    joined = [" ".join(basic.tokenize(line)) for line in lines]
    expected = BPE.train_from_iterator(joined, num_merges=300)
    from_lines = BPE.train_from_iterator(lines, num_merges=300, pre_tokenizer="bert")
    corpus = tmp_path / "fr.txt"
    corpus.write_text("\n".join(lines), encoding="utf-8")
    from_file = BPE.train(corpus, num_merges=300, pre_tokenizer="bert")
    assert from_lines.merges == from_file.merges == expected.merges
    sentence = lines[7]
    assert from_file.tokenize(sentence) == expected.tokenize(joined[7])
    assert from_file.encode_batch([sentence]) == [expected.encode(joined[7])]
    reloaded = BPE.load(from_file.save(tmp_path / "model"))
    assert reloaded.pre_tokenizer == "bert" and reloaded.tokenize(sentence) == from_file.tokenize(
        sentence
    )
    bad = tmp_path / "bad.txt"
    bad.write_bytes("é\n".encode() + b"ok \xc3\x28\n")
    with pytest.raises(ValueError, match=r"byte offset 6 \(line 2\)"):
        BPE.train(bad, num_merges=3, pre_tokenizer="bert")


def test_lowercasing_is_saved_as_do_lower_case_and_the_old_key_still_loads(tmp_path: Path) -> None:
    bpe = BPE.train_from_iterator(["Low lower"] * 3, num_merges=2, lowercase=False)
    config = json.loads((bpe.save(tmp_path) / "subword.json").read_text())
    assert config["do_lower_case"] is False and "lowercase" not in config
    # A directory written before the key was renamed.
    del config["do_lower_case"]
    (tmp_path / "subword.json").write_text(json.dumps({**config, "lowercase": False}))
    assert BPE.load(tmp_path).lowercase is False
    (tmp_path / "subword.json").write_text(json.dumps(config))
    assert BPE.load(tmp_path).lowercase is True
