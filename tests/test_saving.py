"""Saving: atomic files, whole models under concurrent saves, and load(save(m)) == m.

Two saves into one folder at once, from threads or processes, must leave one complete
model (never the vocab of one and the merges of the other, never an invalid file), and a
load running beside them must read one whole model. Every string a constructor or
trainer accepts must survive its saved format; what cannot is refused up front.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from subword import BPE, BertTokenizer, WordPiece

CORPORA = [
    "low lower lowest newest widest " * 3,
    "hugging huggers hug pug pun bun buns " * 3,
]
ROUNDS = 50


def _bpe(corpus: str) -> BPE:
    return BPE.train_from_iterator([corpus], num_merges=12, min_frequency=1)


def _wordpiece(corpus: str) -> WordPiece:
    return WordPiece.train_from_iterator([corpus], vocab_size=40, min_frequency=1)


def _state(model: BPE | WordPiece) -> tuple:
    merges = model.merges if isinstance(model, BPE) else None
    return model.vocab, merges


def _leftovers(directory: Path) -> list[str]:
    return [path.name for path in directory.iterdir() if path.name.endswith(".tmp")]


@pytest.mark.parametrize("train", [_bpe, _wordpiece], ids=["bpe", "wordpiece"])
def test_two_threads_saving_into_one_folder_leave_one_whole_model(tmp_path, train) -> None:
    models = [train(corpus) for corpus in CORPORA]
    states = [_state(model) for model in models]
    assert states[0] != states[1]
    load = type(models[0]).load
    errors: list[BaseException] = []
    seen: set[int] = set()

    def save(model: BPE | WordPiece) -> None:
        try:
            model.save(tmp_path)
        except BaseException as err:  # reported below, with the round
            errors.append(err)

    def watch(stop: threading.Event) -> None:
        # A load beside the saves reads one whole model, whichever.
        while not stop.is_set():
            try:
                seen.add(states.index(_state(load(tmp_path))))
            except FileNotFoundError:
                pass  # before the first save
            except BaseException as err:
                errors.append(err)
                return

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(stop,))
    watcher.start()
    try:
        for round_ in range(ROUNDS):
            savers = [threading.Thread(target=save, args=(model,)) for model in models]
            for thread in savers:
                thread.start()
            for thread in savers:
                thread.join()
            assert not errors, (round_, errors)
            assert _state(load(tmp_path)) in states, round_
            assert not _leftovers(tmp_path), round_
    finally:
        stop.set()
        watcher.join()
    assert not errors, errors
    assert seen


SAVER = """
import sys
from subword import BPE
model = BPE.train_from_iterator([sys.argv[2]], num_merges=12, min_frequency=1)
for _ in range(int(sys.argv[3])):
    model.save(sys.argv[1])
"""


def test_two_processes_saving_into_one_folder_leave_one_whole_model(tmp_path) -> None:
    states = [_state(_bpe(corpus)) for corpus in CORPORA]
    for round_ in range(5):
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", SAVER, str(tmp_path), corpus, str(ROUNDS // 5)],
                stderr=subprocess.PIPE,
            )
            for corpus in CORPORA
        ]
        for process in processes:
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr.decode()
        assert _state(BPE.load(tmp_path)) in states, round_
        assert not _leftovers(tmp_path)


INTERRUPTED_SAVES = """
import os, random, signal, sys, threading, time
from subword import BPE
random.seed(3)
words = ["".join(random.choices("abcdefghijkl", k=10)) for _ in range(100000)]
models = [BPE.train_from_iterator(half, num_merges=20000, min_frequency=1, lowercase=flag)
          for half, flag in ((words[::2], True), (words[1::2], False))]
states = [(m.vocab, m.merges, m.lowercase) for m in models]
folder = sys.argv[1]
start = time.perf_counter()
models[1].save(folder)
took = time.perf_counter() - start  # the signals land anywhere in a save like this one
interrupted = 0
for i in range(40):
    timer = threading.Timer(random.uniform(0, took), os.kill, (os.getpid(), signal.SIGINT))
    try:
        timer.start()
        models[i % 2].save(folder)
        time.sleep(0.03)  # a late signal lands here, after the save
        timer.join()
    except KeyboardInterrupt:
        interrupted += 1
        timer.join()
    loaded = BPE.load(folder)
    assert (loaded.vocab, loaded.merges, loaded.lowercase) in states, f"a mix after round {i}"
print("interrupted", interrupted)
"""


def test_ctrl_c_during_saves_never_leaves_a_mix(tmp_path) -> None:
    # The two models differ in every file (vocab.json, merges.txt, and subword.json's
    # do_lower_case), so a save stopped between two files would load as neither.
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_SAVES, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.split()[-1]) >= 20  # the signals did arrive, mid-save or after


def test_saved_files_get_the_usual_permissions(tmp_path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    _bpe(CORPORA[0]).save(tmp_path / "bpe")
    BertTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"]).save_pretrained(
        tmp_path / "bert"
    )
    written = [*(tmp_path / "bpe").iterdir(), *(tmp_path / "bert").iterdir()]
    assert len(written) == 8  # bpe: 4 files; bert: 4
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name


def test_save_pretrained_leaves_the_other_files_of_the_folder(tmp_path) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"\x00weights")
    (tmp_path / "config.json").write_text('{"hidden_size": 8}')
    tokenizer = BertTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"])
    tokenizer.save_pretrained(tmp_path)
    assert weights.read_bytes() == b"\x00weights"
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [
        "config.json",
        "model.safetensors",
        "special_tokens_map.json",
        "tokenizer.json",
        "tokenizer_config.json",
        "vocab.txt",
    ]


# --- what a format cannot hold is refused up front -----------------------------------------


@pytest.mark.parametrize("token", ["a\nb", "x\r", "\r", "a\r\nb"])
def test_a_vocab_txt_token_with_a_line_break_is_refused(token) -> None:
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", token, "hello"]
    for build in (BertTokenizer, WordPiece):
        with pytest.raises(ValueError, match="line break") as info:
            build(vocab)
        assert repr(token) in str(info.value) or json.dumps(token) in str(info.value)


@pytest.mark.parametrize("symbol", ["a b", "a\nb", "b\r"])
def test_a_merge_symbol_merges_txt_cannot_hold_is_refused(symbol) -> None:
    with pytest.raises(ValueError, match="merges.txt"):
        BPE(["<unk>", "x", symbol, "x" + symbol], [("x", symbol)])


@pytest.mark.parametrize("model", [BPE, WordPiece])
@pytest.mark.parametrize("word", ["a b", "a\nb", "x\r", " lead"])
def test_a_training_word_with_a_space_or_line_break_is_refused_before_training(
    tmp_path, model, word
) -> None:
    size = {"num_merges": 10} if model is BPE else {"vocab_size": 30}
    with pytest.raises(ValueError, match="holds a space or line break"):
        model.train_from_counts({"low": 5, word: 5}, **size)


@pytest.mark.parametrize("token", ["[E\n1]", "x\r"])
def test_a_wordpiece_special_token_with_a_line_break_is_refused(token) -> None:
    with pytest.raises(ValueError, match="line break"):
        WordPiece.train_from_counts({"low": 5}, vocab_size=30, special_tokens=["[UNK]", token])


def test_a_bpe_folder_without_subword_json_loads_as_hugging_face_does(tmp_path) -> None:
    (tmp_path / "vocab.json").write_text('{"a": 0, "b": 1, "ab</w>": 2, "b</w>": 3}')
    (tmp_path / "merges.txt").write_text("#version: 0.2\na b</w>\n")
    model = BPE.load(tmp_path)
    assert model.unk_token is None and model.tokenize("ab") == ["ab</w>"]
    (tmp_path / "vocab.json").write_text('{"<unk>": 0, "a": 1, "b</w>": 2, "ab</w>": 3}')
    model = BPE.load(tmp_path)
    assert model.unk_token == "<unk>" and model.encode("zab") == [0, 3]


# --- load(save(m)) == m for every constructor and trainer that takes strings -----------

#: Any text: line breaks of every kind, spaces, controls, astral characters.
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=6)
ROUND_TRIP = settings(
    max_examples=int(os.environ.get("SUBWORD_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _saves_back_or_refuses(build, save_and_load, probe: list[str]) -> None:
    """Either ``build()`` refuses (ValueError) or the saved model loads back the same."""
    try:
        model = build()
    except ValueError:
        return
    loaded = save_and_load(model)
    assert loaded.vocab == model.vocab
    assert getattr(loaded, "merges", None) == getattr(model, "merges", None)
    for text in probe:
        assert loaded.tokenize(text) == model.tokenize(text)


@ROUND_TRIP
@given(tokens=st.lists(TEXT, min_size=1, max_size=8, unique=True))
def test_wordpiece_and_bert_tokenizer_save_what_they_accept(tmp_path_factory, tokens) -> None:
    vocab = ["[UNK]", *[t for t in tokens if t != "[UNK]"]]
    tmp = tmp_path_factory.mktemp("wp")
    _saves_back_or_refuses(lambda: WordPiece(vocab), lambda m: WordPiece.load(m.save(tmp)), [])
    bert = tmp_path_factory.mktemp("bert")
    _saves_back_or_refuses(
        lambda: BertTokenizer(vocab),
        lambda m: (m.save_pretrained(bert), BertTokenizer.from_pretrained(bert))[1],
        [" ".join(tokens)],
    )


@ROUND_TRIP
@given(pairs=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=5))
def test_bpe_saves_what_it_accepts(tmp_path_factory, pairs) -> None:
    vocab = list(dict.fromkeys(["<unk>", *(s for pair in pairs for s in (*pair, "".join(pair)))]))
    tmp = tmp_path_factory.mktemp("bpe")
    _saves_back_or_refuses(lambda: BPE(vocab, pairs), lambda m: BPE.load(m.save(tmp)), [])


@ROUND_TRIP
@given(counts=st.dictionaries(TEXT, st.integers(1, 5), min_size=1, max_size=6))
def test_trainers_save_what_they_accept(tmp_path_factory, counts) -> None:
    probe = [" ".join(counts)]
    bpe = tmp_path_factory.mktemp("bpe")
    _saves_back_or_refuses(
        lambda: BPE.train_from_counts(counts, num_merges=10, min_frequency=1),
        lambda m: BPE.load(m.save(bpe)),
        probe,
    )
    wp = tmp_path_factory.mktemp("wp")
    _saves_back_or_refuses(
        lambda: WordPiece.train_from_counts(counts, vocab_size=60, min_frequency=1),
        lambda m: WordPiece.load(m.save(wp)),
        probe,
    )


# --- a crash (kill -9) between the files of one save ------------------------------------

#: Saves model A, then model B with ``os.replace`` patched to SIGKILL the process at a
#: point of B's save: "after-first-file" once the first file of the set is in the folder,
#: "before-journal" just before the journal (the save's commit point) would appear.
CRASHING_SAVE = """
import os, signal, sys
from subword import BPE, BertTokenizer, WordPiece
folder, kind, point = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
NAMES = {"vocab.txt", "vocab.json", "merges.txt", "subword.json", "tokenizer_config.json"}
texts = ["low lower lowest newest widest " * 3, "hugging huggers hug pug pun bun buns " * 3]
def model(i):
    if kind == "bpe":
        return BPE.train_from_iterator([texts[i]], num_merges=12, min_frequency=1,
                                       lowercase=bool(i))
    wordpiece = WordPiece.train_from_iterator([texts[i]], vocab_size=40, min_frequency=1,
                                              lowercase=bool(i))
    if kind == "wordpiece":
        return wordpiece
    return BertTokenizer(wordpiece.vocab, do_lower_case=bool(i))
def save(m):
    m.save_pretrained(folder) if kind == "bert" else m.save(folder)
save(model(0))
replace = os.replace
def crashing_replace(src, dst):
    dst = os.path.abspath(os.fspath(dst))
    landing = os.path.dirname(dst) == folder
    if point == "before-journal" and landing and dst.endswith(".subword-save.json"):
        os.kill(os.getpid(), signal.SIGKILL)
    replace(src, dst)
    if point == "after-first-file" and landing and os.path.basename(dst) in NAMES:
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = crashing_replace
save(model(1))
print("saved without being killed")
"""

KINDS = ["bpe", "wordpiece", "bert"]


def _loaded(folder: Path, kind: str) -> tuple:
    """What ``folder`` loads as: the vocab (and merges) and the lowercasing."""
    if kind == "bpe":
        bpe = BPE.load(folder)
        return bpe.vocab, bpe.merges, bpe.lowercase
    if kind == "wordpiece":
        wordpiece = WordPiece.load(folder)
        return wordpiece.vocab, wordpiece.lowercase
    tokenizer = BertTokenizer.from_pretrained(folder)
    return list(tokenizer.vocab), tokenizer.do_lower_case


def _killed_save(folder: Path, kind: str, point: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CRASHING_SAVE, str(folder), kind, point],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == -9, (result.returncode, result.stdout, result.stderr[-2000:])


def _expected(tmp_path: Path, kind: str, lowercase: bool) -> tuple:
    # What model A (lowercase False) or B (True) loads as, from an undisturbed save.
    folder = tmp_path / f"expected-{lowercase}"
    script = CRASHING_SAVE.replace("save(model(1))", "").replace("save(model(0))", "")
    script += f"\nsave(model({int(lowercase)}))\n"
    subprocess.run([sys.executable, "-c", script, str(folder), kind, "-"], check=True)
    return _loaded(folder, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_a_save_killed_between_its_files_loads_as_the_new_model(tmp_path, kind) -> None:
    folder = tmp_path / "model"
    _killed_save(folder, kind, "after-first-file")
    journal_left = (folder / ".subword-save.json").exists()
    assert _loaded(folder, kind) == _expected(tmp_path, kind, True)
    assert journal_left  # killed mid-set, as meant
    # The load finished the save: no journal, no staging folder left.
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("kind", KINDS)
def test_a_save_killed_before_its_journal_loads_as_the_old_model(tmp_path, kind) -> None:
    folder = tmp_path / "model"
    _killed_save(folder, kind, "before-journal")
    assert _loaded(folder, kind) == _expected(tmp_path, kind, False)
    # The next save clears what the killed one staged.
    assert any(p.name.startswith(".subword-save-") for p in folder.iterdir())
    WordPiece(["[UNK]", "a"]).save(folder)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_a_damaged_journal_is_reported_by_name(tmp_path) -> None:
    WordPiece(["[UNK]", "a"]).save(tmp_path)
    (tmp_path / ".subword-save.json").write_text('{"staging": "../elsewhere", "files": []}')
    with pytest.raises(ValueError, match=r"\.subword-save\.json: not the journal"):
        WordPiece.load(tmp_path)
