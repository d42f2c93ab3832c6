"""subword.distributed: counting and encoding on Dask give exactly the local results.

The cluster tests start their own ``distributed.LocalCluster`` of two worker processes (no
outside service). The byte-range and error tests run on Dask's in-process scheduler: the
code the workers run is the same, only the transport differs.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import time
from pathlib import Path

import dask
import dask.bag
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from subword import BPE, BasicTokenizer, BertTokenizer, WordPiece, _core
from subword import distributed as sd
from subword.counting import count_words as local_count

SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=list(HealthCheck))


def two_workers() -> LocalCluster:
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")


@pytest.fixture(scope="module")
def client():
    with two_workers() as cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        yield client


@pytest.fixture
def in_process():
    with dask.config.set(scheduler="sync"):
        yield


@pytest.fixture(scope="module")
def en10m(corpora: Path) -> Path:
    return corpora / "en-10m.txt"


@pytest.fixture(scope="module")
def lines(corpora: Path) -> list[str]:
    return (corpora / "en-1m.txt").read_text(encoding="utf-8").split("\n")[:3000]


# --- the must-shows on a two-process cluster -------------------------------------------


def test_whitespace_counts_and_bpe_equal_local_on_10mb(client, en10m: Path) -> None:
    counts = sd.count_words(en10m, chunk_size=1 << 20)  # 10 ranges, two tree levels
    assert counts.to_dict() == local_count(en10m).to_dict()
    local = BPE.train(en10m, num_merges=1500)
    remote = BPE.train_from_counts(counts, num_merges=1500)
    assert remote.merges == local.merges
    assert remote.vocab == local.vocab


def test_cased_bert_counts_equal_local_on_german(client, corpora: Path) -> None:
    de = corpora / "de-3m.txt"
    options = dict(pre_tokenizer="bert", lowercase=False, strip_accents=True)
    counts = sd.count_words(de, chunk_size=1 << 19, **options)
    assert counts.to_dict() == local_count(de, **options).to_dict()


def test_bert_counts_and_wordpiece_equal_local_on_10mb(client, en10m: Path) -> None:
    counts = sd.count_words(en10m, pre_tokenizer="bert", chunk_size=2 << 20)
    assert counts.to_dict() == local_count(en10m, pre_tokenizer="bert").to_dict()
    local = WordPiece.train(en10m, vocab_size=6000)
    assert WordPiece.train_from_counts(counts, vocab_size=6000).vocab == local.vocab


def test_encode_equals_local_batch_encoding_row_for_row(client, bert_vocab_file, lines) -> None:
    tokenizer = BertTokenizer(bert_vocab_file)
    frame = dd.from_pandas(pd.DataFrame({"text": lines, "n": range(len(lines))}), npartitions=5)
    options = dict(truncation=True, max_length=48, padding="max_length")
    encoded = sd.encode(frame, "text", tokenizer, **options).compute()
    expected = tokenizer(lines, **options)
    assert encoded["n"].tolist() == list(range(len(lines)))  # rows stay in order
    for field in ("input_ids", "token_type_ids", "attention_mask"):
        assert isinstance(encoded[field].dtype, pd.ArrowDtype)
        assert encoded[field].tolist() == expected[field], field


def test_count_survives_a_worker_killed_mid_count(en10m: Path) -> None:
    expected = local_count(en10m, pre_tokenizer="bert").to_dict()
    with two_workers() as cluster, Client(cluster) as client:
        client.wait_for_workers(2)
        task = sd.count_words(en10m, pre_tokenizer="bert", chunk_size=1 << 18, compute=False)
        future = client.compute(task)
        victim = wait_for_counted_ranges(client, future, at_least=3)
        os.kill(client.run(os.getpid, workers=[victim])[victim], signal.SIGKILL)
        assert future.result(timeout=120).to_dict() == expected
        assert victim not in client.scheduler_info()["workers"]  # a fresh worker replaced it


def wait_for_counted_ranges(client: Client, future, at_least: int) -> str:
    """Waits until ``at_least`` ranges are counted while others still run, and returns a
    worker busy with one: killing it loses both finished partial tables and running work."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done, busy = client.run_on_scheduler(_range_progress)
        assert not future.done(), "the count finished before a worker could be killed"
        if done >= at_least and busy:
            return busy
        time.sleep(0.02)
    raise TimeoutError("no range was counted within 60 s")


def _range_progress(dask_scheduler) -> tuple[int, str | None]:
    ranges = [t for t in dask_scheduler.tasks.values() if str(t.key).startswith("count_range")]
    done = sum(t.state in ("memory", "released", "forgotten") for t in ranges)
    busy = [t.processing_on.address for t in ranges if t.state == "processing"]
    return done, (busy[0] if busy else None)


def test_pickled_tokenizers_behave_identically_on_workers(client, bert_vocab_file, lines) -> None:
    # Each worker unpickles the tokenizer from the graph: the equality of the whole encoding
    # with the local one is the behaviour check; BPE goes through encode_batch.
    bpe = BPE.train_from_iterator(lines, num_merges=300)
    frame = dd.from_pandas(pd.DataFrame({"text": lines}), npartitions=3)
    encoded = sd.encode(frame, "text", bpe, arrow=False).compute()
    assert encoded["input_ids"].tolist() == bpe.encode_batch(lines)


def test_count_words_distributed_starts_and_stops_a_local_cluster(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("low lower\nlowest low\n" * 50, encoding="utf-8")
    counts = sd.count_words_distributed([corpus], workers=2)
    assert counts.to_dict() == {"low": 100, "lower": 50, "lowest": 50}
    with pytest.raises(ValueError, match="not both"):
        sd.count_words_distributed([corpus], address="tcp://127.0.0.1:1", workers=2)


def test_count_words_distributed_connects_to_a_scheduler(client, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("Héllo, wörld!\n", encoding="utf-8")
    address = client.scheduler.address
    counts = sd.count_words_distributed(corpus, address=address, pre_tokenizer="bert")
    assert counts.to_dict() == {"hello": 1, ",": 1, "world": 1, "!": 1}


# --- byte ranges: every line exactly once, whatever the cut ----------------------------

LINE_TEXT = st.text(st.sampled_from("ab é字\t\r\x1c\u00a0\u2028."), max_size=12)


@SETTINGS
@given(
    lines=st.lists(LINE_TEXT, max_size=12),
    final_newline=st.booleans(),
    chunk=st.integers(1, 40),
    block=st.integers(1, 16),
)
def test_ranges_hand_out_each_line_once(tmp_path_factory, lines, final_newline, chunk, block):
    data = "\n".join(lines).encode() + (b"\n" if final_newline and lines else b"")
    path = tmp_path_factory.mktemp("ranges") / "f.txt"
    path.write_bytes(data)
    pieces = []
    for byte_range in sd.byte_ranges([path], chunk):
        for offset, piece in sd.read_lines(*byte_range, block_size=block):
            assert data[offset : offset + len(piece)] == piece
            pieces.append(piece)
    assert b"".join(pieces) == data


@SETTINGS
@given(
    lines=st.lists(LINE_TEXT, max_size=10),
    chunk=st.integers(1, 30),
    pre_tokenizer=st.sampled_from(["whitespace", "bert"]),
)
def test_counts_equal_local_for_any_cut(tmp_path_factory, lines, chunk, pre_tokenizer) -> None:
    path = tmp_path_factory.mktemp("cut") / "f.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    with dask.config.set(scheduler="sync"):
        counts = sd.count_words(path, pre_tokenizer=pre_tokenizer, chunk_size=chunk, split_every=3)
    assert counts.to_dict() == local_count(path, pre_tokenizer=pre_tokenizer).to_dict()


BERT_TEXT = st.text(
    st.sampled_from("aB é\u0301 字\t\r\x00\x0b\x1c\x85\u00a0\u00ad\u2028\u3000\ufffd.,!İß"),
    max_size=16,
)


@SETTINGS
@given(
    lines=st.lists(BERT_TEXT, max_size=10),
    chunk=st.integers(1, 30),
    lowercase=st.booleans(),
    strip_accents=st.sampled_from([None, True, False]),
)
def test_bert_counts_equal_local_on_adversarial_text(
    tmp_path_factory, lines, chunk, lowercase, strip_accents
) -> None:
    # Controls deleted inside a chunk (U+000B, U+001C, U+0085), spaces BERT maps but does
    # not cut files at (U+00A0, U+3000), accents that combine with a space, CJK: each
    # distinct chunk normalized once on the worker counts as every line normalized locally.
    path = tmp_path_factory.mktemp("bert") / "f.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    options = dict(pre_tokenizer="bert", lowercase=lowercase, strip_accents=strip_accents)
    with dask.config.set(scheduler="sync"):
        counts = sd.count_words(path, chunk_size=chunk, split_every=3, **options)
    assert counts.to_dict() == local_count(path, **options).to_dict()
    texts = BasicTokenizer(do_lower_case=lowercase, strip_accents=strip_accents)
    words = [w for line in lines for w in texts.tokenize(line)]
    assert counts.total() == len(words)


@pytest.mark.parametrize("pre_tokenizer", ["whitespace", "bert"])
def test_replaced_bytes_equal_local(in_process, tmp_path: Path, pre_tokenizer: str) -> None:
    # Truncated, overlong, surrogate and stray bytes: Python's and Rust's U+FFFD placement
    # (maximal subparts) must agree for the two paths to count the same words.
    path = tmp_path / "bad.txt"
    path.write_bytes(b"ok \xe2\x82\nx\xc0\xafy \xed\xa0\x80z\n\xff\xfe w\xf0\x9f\x98 q\n\xe2")
    options = dict(pre_tokenizer=pre_tokenizer, errors="replace")
    counts = sd.count_words(path, chunk_size=3, **options)
    assert counts.to_dict() == local_count(path, **options).to_dict()


@pytest.mark.parametrize("pre_tokenizer", ["whitespace", "bert"])
def test_invalid_utf8_raises_the_local_error(in_process, tmp_path: Path, pre_tokenizer) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"first line\nsecond \xff line\nthird\n")
    with pytest.raises(ValueError) as local:
        local_count(path, pre_tokenizer=pre_tokenizer)
    with pytest.raises(ValueError) as remote:
        sd.count_words([path], pre_tokenizer=pre_tokenizer, chunk_size=4)
    assert str(remote.value) == str(local.value)
    assert "byte offset 18 (line 2)" in str(remote.value)


def test_missing_file_and_directory_fail_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.txt: No such file"):
        sd.count_words([tmp_path / "nope.txt"])
    with pytest.raises(IsADirectoryError, match="is a directory"):
        sd.count_words(tmp_path)
    with pytest.raises(ValueError, match="no input files"):
        sd.count_words([])


def test_bad_options_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pre_tokenizer"):
        sd.count_words(tmp_path, pre_tokenizer="spaces")
    with pytest.raises(ValueError, match="errors"):
        sd.count_words(tmp_path, errors="ignore")
    with pytest.raises(ValueError, match="chunk_size"):
        sd.count_words(tmp_path, chunk_size=0)
    with pytest.raises(ValueError, match="workers"):
        with sd.cluster(workers=0):
            pass


def test_empty_files_give_empty_counts(in_process, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    counts = sd.count_words([tmp_path / "empty.txt"])
    assert len(counts) == 0
    with pytest.raises(ValueError, match="empty"):
        BPE.train_from_counts(counts, num_merges=10)


# --- bags and dataframe columns ----------------------------------------------------------


@pytest.mark.parametrize("pre_tokenizer", ["whitespace", "bert"])
def test_bag_and_column_counts_equal_local(in_process, lines, pre_tokenizer) -> None:
    expected = local_count(texts=lines, pre_tokenizer=pre_tokenizer, lowercase=False).to_dict()
    bag = dask.bag.from_sequence(lines, npartitions=7)
    column = dd.from_pandas(pd.DataFrame({"text": lines}), npartitions=4)["text"]
    for data in (bag, column):
        counts = sd.count_words(data, pre_tokenizer=pre_tokenizer, lowercase=False)
        assert counts.to_dict() == expected


def test_a_whole_dataframe_or_nulls_are_refused(in_process) -> None:
    frame = dd.from_pandas(pd.DataFrame({"text": ["a", None]}), npartitions=1)
    with pytest.raises(TypeError, match="one column"):
        sd.count_words(frame)
    with pytest.raises(TypeError, match="must be str"):
        sd.count_words(frame["text"].astype(object))


# --- encoding options ------------------------------------------------------------------


def test_encode_extras_overflow_and_object_columns(in_process, bert_vocab_file, lines) -> None:
    tokenizer = BertTokenizer(bert_vocab_file)
    texts = lines[:200]
    frame = dd.from_pandas(pd.DataFrame({"text": texts}), npartitions=3)
    options = dict(
        truncation=True,
        max_length=16,
        stride=4,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
        return_length=True,
    )
    encoded = sd.encode(frame, "text", tokenizer, **options).compute()
    expected = tokenizer(texts, **options)
    assert encoded.index.tolist() == expected["overflow_to_sample_mapping"]
    assert "overflow_to_sample_mapping" not in encoded.columns
    for field in ("input_ids", "special_tokens_mask", "length"):
        assert encoded[field].tolist() == expected[field], field
    offsets = [[tuple(pair) for pair in row] for row in encoded["offset_mapping"].tolist()]
    assert offsets == [[tuple(pair) for pair in row] for row in expected["offset_mapping"]]
    plain = sd.encode(frame, "text", tokenizer, arrow=False).compute()
    assert plain["input_ids"].dtype == object
    assert plain["input_ids"].tolist() == tokenizer(texts)["input_ids"]


def test_encode_rejects_bad_arguments(bert_vocab_file) -> None:
    frame = dd.from_pandas(pd.DataFrame({"text": ["a"]}), npartitions=1)
    with pytest.raises(KeyError, match="no column 'body'"):
        sd.encode(frame, "body", BertTokenizer(bert_vocab_file))
    bpe = BPE.train_from_iterator(["a b a b"], num_merges=1)
    with pytest.raises(TypeError, match="not callable"):
        sd.encode(frame, "text", bpe, truncation=True)


# --- pickling: compact, path-free, identical behaviour -----------------------------------


def text_size(tokens) -> int:
    return sum(len(token.encode()) + 1 for token in tokens)


def roundtrip(obj, tmp_path: Path):
    """``obj`` pickled and unpickled after its source files were removed."""
    blob = pickle.dumps(obj)
    for path in tmp_path.iterdir():
        path.unlink()
    return pickle.loads(blob), len(blob)


@pytest.fixture
def own_vocab(tmp_path: Path, bert_vocab_file: Path) -> Path:
    copy = tmp_path / "vocab.txt"
    copy.write_bytes(bert_vocab_file.read_bytes())
    return copy


def test_bert_tokenizer_unpickles_identically_without_its_file(own_vocab, tmp_path, lines):
    tokenizer = BertTokenizer(own_vocab, never_split=["[FOO]"], model_max_length=64)
    clone, _ = roundtrip(tokenizer, tmp_path)
    options = dict(truncation=True, padding=True, return_offsets_mapping=True)
    assert clone(lines[:300], **options) == tokenizer(lines[:300], **options)
    assert clone.chunk(" ".join(lines[:50])) == tokenizer.chunk(" ".join(lines[:50]))
    assert clone.decode(clone.encode(lines[5])) == tokenizer.decode(tokenizer.encode(lines[5]))


def test_bert_tokenizer_pickles_compactly(own_vocab, tmp_path) -> None:
    tokenizer = BertTokenizer(own_vocab)
    _, size = roundtrip(tokenizer, tmp_path)
    assert size < 2 * text_size(tokenizer.vocab) + 4096


def test_models_unpickle_identically_and_compactly(tmp_path: Path, lines) -> None:
    bpe = BPE.train_from_iterator(lines, num_merges=500, pre_tokenizer="bert", lowercase=False)
    wordpiece = WordPiece.train_from_iterator(lines, vocab_size=800, strip_accents=True)
    bpe_dir, wordpiece_dir = bpe.save(tmp_path / "bpe"), wordpiece.save(tmp_path / "wp")
    loaded_bpe, loaded_wordpiece = BPE.load(bpe_dir), WordPiece.load(wordpiece_dir)
    for original, model in ((bpe, loaded_bpe), (wordpiece, loaded_wordpiece)):
        blob = pickle.dumps(model)
        merges = [part for merge in getattr(model, "merges", []) for part in merge]
        assert len(blob) < 2 * (text_size(model.vocab) + text_size(merges)) + 4096
        assert b"vocab.txt" not in blob and b"merges.txt" not in blob
        clone = pickle.loads(blob)
        assert clone.pre_tokenizer == original.pre_tokenizer
        assert clone.lowercase == original.lowercase
        assert clone.encode_batch(lines) == original.encode_batch(lines)
        assert [clone.decode(ids) for ids in clone.encode_batch(lines[:100])] == [
            original.decode(ids) for ids in original.encode_batch(lines[:100])
        ]


def test_basic_tokenizer_and_counts_unpickle_identically(lines) -> None:
    basic = BasicTokenizer(do_lower_case=False, never_split=["Hello"], strip_accents=True)
    clone = pickle.loads(pickle.dumps(basic))
    assert clone.tokenize_batch(lines) == basic.tokenize_batch(lines)
    counts = local_count(texts=lines)
    assert pickle.loads(pickle.dumps(counts)).to_dict() == counts.to_dict()
    assert isinstance(sd.merge_counts(counts, counts), _core.WordCounts)


def test_merge_tree_is_balanced_and_exact() -> None:
    tables = [_core.WordCounts.from_dict({"w": 2**62, f"x{i}": 1}) for i in range(3)]
    with dask.config.set(scheduler="sync"):
        parts = [dask.delayed(table) for table in tables]
        total = sd._tree_merge(parts, 2).compute()
    assert total.to_dict() == {"w": 3 * 2**62, "x0": 1, "x1": 1, "x2": 1}


def test_count_in_a_thread_next_to_a_client(client, tmp_path: Path) -> None:
    # Several counts at once on one client (a server counting corpora for many requests).
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"c{i}.txt")
        paths[-1].write_text(f"w{i} shared\n" * (i + 1), encoding="utf-8")
    results = {}
    threads = [
        threading.Thread(target=lambda p=p: results.__setitem__(p, sd.count_words(p).to_dict()))
        for p in paths
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {p: local_count(p).to_dict() for p in paths}


def test_encode_handles_an_empty_partition(in_process, bert_vocab_file) -> None:
    tokenizer = BertTokenizer(bert_vocab_file)
    pandas_frame = pd.DataFrame({"text": ["keep me", "drop", "drop", "and me"]})
    frame = dd.from_pandas(pandas_frame, npartitions=2)
    frame = frame[frame["text"] != "drop"]  # the second partition holds "drop", "and me"
    frame = frame[frame["text"] != "and me"]  # now it is empty
    encoded = sd.encode(frame, "text", tokenizer).compute()
    assert encoded["input_ids"].tolist() == tokenizer(["keep me"])["input_ids"]
