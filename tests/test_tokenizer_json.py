"""`tokenizer.json` both ways (`subword.tokenizer_json`), against the real libraries.

Out: what `BertTokenizer.save_pretrained`, `WordPiece.save` and `BPE.save` write loads in
Hugging Face `tokenizers` (`Tokenizer.from_file`), transformers'
`PreTrainedTokenizerFast(tokenizer_file=...)` and `AutoTokenizer.from_pretrained(dir)`,
and gives the ids, type ids and offsets ours gives, on held-out real text (English,
French, German, Spanish, Chinese; single texts and pairs) and on hypothesis text.

In: a folder transformers 5's own `save_pretrained` writes (`tokenizer.json` +
`tokenizer_config.json`, no `vocab.txt`), and a `tokenizer.json` from the Hugging Face
hub (all-MiniLM-L6-v2's), load in `BertTokenizer.from_pretrained` and `WordPiece.load`
and encode as transformers does; what we cannot reproduce is a clear `ValueError`.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from reference.bert import bert_texts, transformers_fast
from subword import BPE, BertTokenizer, WordPiece
from subword.tokenizer_json import TOKENIZER_JSON_NAME
from tokenizers import Tokenizer
from transformers import AutoTokenizer, PreTrainedTokenizerFast

SETTINGS = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------- fixtures


def _lines(path: Path, skip: int, count: int) -> list[str]:
    """``count`` non-empty lines of ``path`` after its first ``skip`` characters."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read(skip + 400_000)[skip:]
    return [line for line in text.splitlines()[1:] if line.strip()][:count]


@pytest.fixture(scope="module")
def training_lines(corpora: Path) -> list[str]:
    """What the small models train on: the start of each corpus."""
    names = ["en-1m.txt", "fr-3m.txt", "de-3m.txt", "es-2m.txt", "zh-2m.txt"]
    return [line for name in names for line in _lines(corpora / name, 0, 1500)]


@pytest.fixture(scope="module")
def held_out(corpora: Path) -> list[str]:
    """1,300 lines the models never saw (from 600 KB into each corpus): accents and CJK."""
    picked = []
    for name, count in [
        ("en-1m.txt", 600),
        ("fr-3m.txt", 200),
        ("de-3m.txt", 200),
        ("es-2m.txt", 100),
        ("zh-2m.txt", 200),
    ]:
        picked += _lines(corpora / name, 600_000, count)
    assert len(picked) == 1300
    assert any(char in "éèàüöß" for line in picked for char in line)
    assert any("\u4e00" <= char <= "\u9fff" for line in picked for char in line)
    return picked


def _pairs(lines: list[str]) -> list[tuple[str, str]]:
    return list(zip(lines, lines[1:] + lines[:1], strict=True))


def _fields(encoding: Any) -> list[tuple]:
    """(ids, type ids, offsets) of each row of a batch encoding."""
    return list(
        zip(
            encoding["input_ids"],
            encoding["token_type_ids"],
            [[tuple(span) for span in spans] for spans in encoding["offset_mapping"]],
            strict=True,
        )
    )


def _ours(tokenizer: BertTokenizer, texts: list[Any]) -> list[tuple]:
    return _fields(tokenizer(texts, return_offsets_mapping=True))


def _tokenizers(tokenizer: Tokenizer, texts: list[Any]) -> list[tuple]:
    return [
        (encoding.ids, encoding.type_ids, [tuple(span) for span in encoding.offsets])
        for encoding in tokenizer.encode_batch(texts)
    ]


def _transformers(tokenizer: Any, texts: list[Any]) -> list[tuple]:
    firsts = [text if isinstance(text, str) else text[0] for text in texts]
    seconds = None if isinstance(texts[0], str) else [text[1] for text in texts]
    return _fields(
        tokenizer(firsts, seconds, return_offsets_mapping=True, return_token_type_ids=True)
    )


def _assert_same(expected: list[tuple], got: list[tuple], texts: list[Any]) -> None:
    for want, have, text in zip(expected, got, texts, strict=True):
        assert have == want, text


def assert_loads_everywhere(directory: Path, ours: BertTokenizer, texts: list[str]) -> int:
    """``directory``'s ``tokenizer.json`` in tokenizers and transformers three ways, on
    ``texts`` and their pairs, against ``ours``; returns how many inputs were compared."""
    loaded = [
        ("tokenizers", _tokenizers, Tokenizer.from_file(str(directory / TOKENIZER_JSON_NAME))),
        (
            "PreTrainedTokenizerFast",
            _transformers,
            PreTrainedTokenizerFast(tokenizer_file=str(directory / TOKENIZER_JSON_NAME)),
        ),
        ("AutoTokenizer", _transformers, AutoTokenizer.from_pretrained(str(directory))),
    ]
    compared = 0
    for inputs in (texts, _pairs(texts)):
        expected = _ours(ours, inputs)
        for _, encode, tokenizer in loaded:
            _assert_same(expected, encode(tokenizer, inputs), inputs)
            compared += len(inputs)
    return compared


# ------------------------------------------------------------------- out: BERT tokenizers


def test_bert_base_uncased_round_trips_through_tokenizer_json(ours, held_out, tmp_path) -> None:
    paths = ours.save_pretrained(tmp_path)
    assert [Path(path).name for path in paths] == [
        "tokenizer_config.json",
        "special_tokens_map.json",
        "vocab.txt",
        "tokenizer.json",
    ]
    assert assert_loads_everywhere(tmp_path, ours, held_out) == 3 * 2 * 1300


def test_the_json_is_the_one_transformers_writes(bert_vocab_file, tmp_path) -> None:
    """Byte for byte what transformers 5's BertTokenizer saves, for every option we have."""
    for options in (
        {},
        {"do_lower_case": False},
        {"strip_accents": True, "tokenize_chinese_chars": False},
        {"do_lower_case": False, "strip_accents": False},
    ):
        ours, theirs = tmp_path / "ours", tmp_path / "theirs"
        BertTokenizer(bert_vocab_file, **options).save_pretrained(ours)
        transformers_fast(bert_vocab_file, **options).save_pretrained(theirs)
        assert json.loads((ours / TOKENIZER_JSON_NAME).read_text()) == json.loads(
            (theirs / TOKENIZER_JSON_NAME).read_text()
        ), options
        assert (ours / TOKENIZER_JSON_NAME).read_text() == Tokenizer.from_file(
            str(theirs / TOKENIZER_JSON_NAME)
        ).to_str(pretty=True) + "\n"


@pytest.mark.parametrize(
    "options",
    [{}, {"do_lower_case": False}, {"strip_accents": False}, {"tokenize_chinese_chars": False}],
    ids=["uncased", "cased", "keep-accents", "no-cjk-split"],
)
def test_options_round_trip(bert_vocab_file, held_out, tmp_path, options) -> None:
    ours = BertTokenizer(bert_vocab_file, **options)
    ours.save_pretrained(tmp_path)
    sample = held_out[::5]  # every corpus, a fifth of each
    assert_loads_everywhere(tmp_path, ours, sample)
    again = BertTokenizer.from_pretrained(tmp_path)
    assert again._options() == ours._options()


def test_special_tokens_map_and_max_input_chars_are_saved(tmp_path) -> None:
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a"]
    BertTokenizer(vocab, max_input_chars_per_word=3).save_pretrained(tmp_path)
    assert json.loads((tmp_path / "special_tokens_map.json").read_text()) == {
        "cls_token": "[CLS]",
        "mask_token": "[MASK]",
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "unk_token": "[UNK]",
    }
    document = json.loads((tmp_path / TOKENIZER_JSON_NAME).read_text())
    assert document["model"]["max_input_chars_per_word"] == 3
    assert Tokenizer.from_file(str(tmp_path / TOKENIZER_JSON_NAME)).encode("aaa aaaa").ids == [
        2, 5, 6, 6, 1, 3,
    ]  # fmt: skip
    (tmp_path / "vocab.txt").unlink()
    tokens = BertTokenizer.from_pretrained(tmp_path).tokenize("aaa aaaa")
    assert tokens == ["a", "##a", "##a", "[UNK]"]


def test_a_special_token_missing_from_the_vocab_is_left_out(tmp_path) -> None:
    """No [MASK] in the vocab: ours does not match it in text, so the JSON must not.

    (transformers, reading ``mask_token`` from the configs, adds it as a new token, id 7,
    as its own BertTokenizer over this vocab does: that difference is not the file's.)
    """
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "mask", "[", "]"]
    ours = BertTokenizer(vocab)
    ours.save_pretrained(tmp_path)
    document = json.loads((tmp_path / TOKENIZER_JSON_NAME).read_text())
    assert [token["content"] for token in document["added_tokens"]] == vocab[:4]
    texts = ["a [MASK] b", "[SEP][CLS]x", "[UNK] mask"]
    tokenizer = Tokenizer.from_file(str(tmp_path / TOKENIZER_JSON_NAME))
    _assert_same(_ours(ours, texts), _tokenizers(tokenizer, texts), texts)
    assert AutoTokenizer.from_pretrained(str(tmp_path)).encode("[MASK]") == [2, 7, 3]


def test_added_token_records_are_written(tmp_path) -> None:
    from subword import _tokenizer_files as files

    ours = BertTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"])
    extra = {"id": 6, "content": "<e1>", "special": False, "lstrip": True}
    files.save_folder(tmp_path, ours._vocab, ours._options(), added_tokens=[extra])
    document = json.loads((tmp_path / TOKENIZER_JSON_NAME).read_text())
    assert document["added_tokens"][-1] == {
        "id": 6,
        "content": "<e1>",
        "single_word": False,
        "lstrip": True,
        "rstrip": False,
        "normalized": True,
        "special": False,
    }
    assert Tokenizer.from_file(str(tmp_path / TOKENIZER_JSON_NAME)).encode("a <e1>a").ids == [
        2, 5, 6, 5, 3,
    ]  # fmt: skip


# ------------------------------------------------------------------ out: trained models


@pytest.fixture(scope="module")
def trained_wordpiece(training_lines, tmp_path_factory) -> Path:
    """A folder ``subword train`` would write: a 4,000-token WordPiece on five languages."""
    model = WordPiece.train_from_iterator(training_lines, vocab_size=4000)
    return model.save(tmp_path_factory.mktemp("trained") / "wordpiece")


def test_a_trained_wordpiece_round_trips_through_tokenizer_json(
    trained_wordpiece, held_out
) -> None:
    ours = BertTokenizer.from_pretrained(trained_wordpiece)
    assert assert_loads_everywhere(trained_wordpiece, ours, held_out) == 3 * 2 * 1300
    model = WordPiece.load(trained_wordpiece)
    tokenizer = Tokenizer.from_file(str(trained_wordpiece / TOKENIZER_JSON_NAME))
    plain = tokenizer.encode_batch(held_out, add_special_tokens=False)
    assert [encoding.ids for encoding in plain] == model.encode_batch(held_out)


def test_a_whitespace_wordpiece_round_trips(training_lines, held_out, tmp_path) -> None:
    model = WordPiece.train_from_iterator(
        training_lines, vocab_size=3000, pre_tokenizer="whitespace"
    )
    model.save(tmp_path)
    tokenizer = Tokenizer.from_file(str(tmp_path / TOKENIZER_JSON_NAME))
    assert [encoding.ids for encoding in tokenizer.encode_batch(held_out)] == (
        model.encode_batch(held_out)
    )
    (tmp_path / "vocab.txt").unlink()
    (tmp_path / "subword.json").unlink()
    loaded = WordPiece.load(tmp_path)
    assert loaded.pre_tokenizer == "whitespace"
    assert loaded.encode_batch(held_out) == model.encode_batch(held_out)


@pytest.fixture(scope="module")
def trained_bpe(training_lines) -> BPE:
    return BPE.train_from_iterator(training_lines, num_merges=3000)


def test_bpe_save_writes_a_tokenizer_json_that_encodes_identically(
    trained_bpe, held_out, tmp_path
) -> None:
    trained_bpe.save(tmp_path)
    tokenizer = Tokenizer.from_file(str(tmp_path / TOKENIZER_JSON_NAME))
    expected = trained_bpe.encode_batch(held_out)
    assert [encoding.ids for encoding in tokenizer.encode_batch(held_out)] == expected
    assert len(held_out) >= 1000
    for ids in expected[:200]:
        assert tokenizer.decode(ids) == trained_bpe.decode(ids)


def test_bpe_with_bert_words_encodes_identically(training_lines, held_out, tmp_path) -> None:
    model = BPE.train_from_iterator(training_lines, num_merges=2000, pre_tokenizer="bert")
    model.save(tmp_path)
    tokenizer = Tokenizer.from_file(str(tmp_path / TOKENIZER_JSON_NAME))
    sample = held_out[::3]
    assert [encoding.ids for encoding in tokenizer.encode_batch(sample)] == (
        model.encode_batch(sample)
    )


def test_a_byte_fallback_bpe_gets_no_tokenizer_json(training_lines, tmp_path) -> None:
    """tokenizers spells "中</w>" as the bytes of "中</w>"; ours as 中's bytes + "</w>"."""
    (tmp_path / TOKENIZER_JSON_NAME).write_text("stale")
    model = BPE.train_from_iterator(training_lines[:300], num_merges=100, byte_fallback=True)
    model.save(tmp_path)
    assert not (tmp_path / TOKENIZER_JSON_NAME).exists()


# ------------------------------------------------------------------ hypothesis text


def _same_words(tokenizer: Tokenizer, ours: BertTokenizer, *texts: str) -> bool:
    """Whether tokenizers' BertNormalizer + BertPreTokenizer see ours' words.

    They differ on what ``tests/test_bert_tokenizer.py`` lists as transformers' own two
    classes disagreeing (NFC, a final sigma, unassigned code points); the export is
    tested everywhere else.
    """
    if any(unicodedata.category(char) == "Cn" for text in texts for char in text):
        return False
    for text in texts:
        normalized = tokenizer.normalizer.normalize_str(text)
        words = [word for word, _ in tokenizer.pre_tokenizer.pre_tokenize_str(normalized)]
        if words != ours.basic_tokenizer.tokenize(text):
            return False
    return True


@SETTINGS
@given(text=bert_texts(), pair=bert_texts())
def test_hypothesis_text_round_trips_through_tokenizer_json(
    trained_wordpiece, text: str, pair: str
) -> None:
    ours = _bert(trained_wordpiece)
    tokenizer = _json_tokenizer(trained_wordpiece)
    if not _same_words(tokenizer, ours, text, pair):
        event("words differ (transformers' two classes differ there too)")
        return
    event("compared")
    for inputs in ([text], [(text, pair)]):
        _assert_same(_ours(ours, inputs), _tokenizers(tokenizer, inputs), inputs)


_CACHE: dict[Path, Any] = {}


def _bert(directory: Path) -> BertTokenizer:
    return _CACHE.setdefault(directory, BertTokenizer.from_pretrained(directory))


def _json_tokenizer(directory: Path) -> Tokenizer:
    key = directory / TOKENIZER_JSON_NAME
    return _CACHE.setdefault(key, Tokenizer.from_file(str(key)))


WHITESPACE_TEXT = st.text(
    st.one_of(
        st.sampled_from("abcdeéfghilmnorstu中文 \t\n\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000"),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=40,
)


@SETTINGS
@given(text=WHITESPACE_TEXT)
def test_hypothesis_text_encodes_alike_in_bpe_json(trained_bpe, tmp_path_factory, text) -> None:
    key = Path("bpe")
    if key not in _CACHE:
        directory = trained_bpe.save(tmp_path_factory.mktemp("bpe"))
        _CACHE[key] = Tokenizer.from_file(str(directory / TOKENIZER_JSON_NAME))
    assert _CACHE[key].encode(text).ids == trained_bpe.encode(text)


# ------------------------------------------------------------------- in: transformers' folder


@pytest.mark.parametrize(
    "options",
    [{}, {"do_lower_case": False}, {"strip_accents": True}],
    ids=["uncased", "cased", "strip-accents"],
)
def test_a_folder_transformers_saved_loads(bert_vocab_file, held_out, tmp_path, options):
    theirs = transformers_fast(bert_vocab_file, **options)
    theirs.save_pretrained(tmp_path)
    (tmp_path / "vocab.txt").unlink(missing_ok=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "tokenizer.json",
        "tokenizer_config.json",
    ]
    ours = BertTokenizer.from_pretrained(tmp_path)
    assert ours.vocab_file is None and ours.vocab == theirs.get_vocab()
    _assert_same(_transformers(theirs, held_out), _ours(ours, held_out), held_out)
    pairs = _pairs(held_out[::4])
    _assert_same(_transformers(theirs, pairs), _ours(ours, pairs), pairs)
    model = WordPiece.load(tmp_path)
    assert model.encode_batch(held_out) == theirs(held_out, add_special_tokens=False)["input_ids"]


def test_the_hub_tokenizer_json_of_all_minilm_loads(corpora, held_out, tmp_path) -> None:
    """A real hub file (with truncation and padding set, which transformers resets)."""
    shutil.copy(corpora / "all-minilm-l6-v2-tokenizer.json", tmp_path / TOKENIZER_JSON_NAME)
    tokenizer = Tokenizer.from_file(str(tmp_path / TOKENIZER_JSON_NAME))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    ours = BertTokenizer.from_pretrained(tmp_path)
    _assert_same(_tokenizers(tokenizer, held_out), _ours(ours, held_out), held_out)
    plain = tokenizer.encode_batch(held_out, add_special_tokens=False)
    assert WordPiece.load(tmp_path).encode_batch(held_out) == [e.ids for e in plain]


def test_tokenizer_config_options_win_over_tokenizer_json(bert_vocab_file, held_out, tmp_path):
    """As in transformers 5, whose BertTokenizer builds its normalizer from the config."""
    transformers_fast(bert_vocab_file).save_pretrained(tmp_path)  # lowercase in the JSON
    config = json.loads((tmp_path / "tokenizer_config.json").read_text())
    config["do_lower_case"] = False
    (tmp_path / "tokenizer_config.json").write_text(json.dumps(config))
    ours = BertTokenizer.from_pretrained(tmp_path)
    theirs = AutoTokenizer.from_pretrained(str(tmp_path))
    assert ours.do_lower_case is False
    sample = held_out[::10]
    _assert_same(_transformers(theirs, sample), _ours(ours, sample), sample)


def test_vocab_txt_wins_and_must_agree_with_tokenizer_json(tmp_path) -> None:
    ours = BertTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a"])
    ours.save_pretrained(tmp_path)
    assert BertTokenizer.from_pretrained(tmp_path).vocab_file == str(tmp_path / "vocab.txt")
    (tmp_path / "vocab.txt").write_text("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nb\n")
    for load in (BertTokenizer.from_pretrained, WordPiece.load):
        with pytest.raises(ValueError, match=r"tokenizer\.json: its vocab differs from .*vocab"):
            load(tmp_path)


def test_a_folder_with_neither_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no vocab\.txt or tokenizer\.json"):
        BertTokenizer.from_pretrained(tmp_path)


# ------------------------------------------------------------------ in: unsupported contents


def _edited(tmp_path: Path, edit) -> Path:
    """A BERT ``tokenizer.json``-only folder with ``edit(document)`` applied."""
    BertTokenizer(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##a"]).save_pretrained(
        tmp_path
    )
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json"):
        (tmp_path / name).unlink()
    path = tmp_path / TOKENIZER_JSON_NAME
    document = json.loads(path.read_text())
    edit(document)
    path.write_text(json.dumps(document))
    return tmp_path


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def edit(document):
        for key in keys[:-1]:
            document = document[key]
        document[keys[-1]] = value

    return edit


UNSUPPORTED = {
    "another model": (_set("model", "type", "BPE"), r"the model is 'BPE'"),
    "another normalizer": (_set("normalizer", {"type": "Lowercase"}), r"unsupported normalizer"),
    "no normalizer": (_set("normalizer", None), r"unsupported normalizer: null"),
    "clean_text off": (_set("normalizer", "clean_text", False), r"unsupported normalizer"),
    "another pre-tokenizer": (
        _set("pre_tokenizer", {"type": "Whitespace"}),
        r"unsupported pre_tokenizer",
    ),
    "another prefix": (
        lambda d: (
            _set("model", "continuing_subword_prefix", "@@")(d),
            _set("decoder", "prefix", "@@")(d),
        ),
        r"the '@@' prefix",
    ),
    "another post-processor": (
        _set(
            "post_processor",
            {"type": "RobertaProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
        ),
        r"unsupported post_processor",
    ),
    "another template": (
        _set("post_processor", "pair", 3, "Sequence", "type_id", 0),
        r"unsupported post_processor",
    ),
    "template ids off": (
        _set("post_processor", "special_tokens", "[CLS]", "ids", [5]),
        r"not at their vocabulary ids",
    ),
    "another decoder": (_set("decoder", {"type": "Metaspace"}), r"unsupported decoder"),
    "vocab ids with a hole": (_set("model", "vocab", "##a", 9), r"ids must be 0, 1"),
    "unk not in the vocab": (_set("model", "unk_token", "<unk>"), r"unk_token '<unk>'"),
    "negative max_input_chars_per_word": (
        _set("model", "max_input_chars_per_word", -1),
        r"unsupported max_input_chars_per_word",
    ),
    "no model": (lambda d: d.pop("model"), r"not a tokenizer\.json: no model"),
}


@pytest.mark.parametrize("case", UNSUPPORTED, ids=list(UNSUPPORTED))
def test_unsupported_contents_are_a_clear_error(tmp_path, case) -> None:
    edit, message = UNSUPPORTED[case]
    directory = _edited(tmp_path, edit)
    with pytest.raises(ValueError, match=r"tokenizer\.json: .*" + message):
        BertTokenizer.from_pretrained(directory)
    if case != "another prefix":  # WordPiece has any prefix
        with pytest.raises(ValueError, match=r"tokenizer\.json: .*" + message):
            WordPiece.load(directory)


ADDED_TOKEN_EDITS = {
    "an added token": (
        lambda d: d["added_tokens"].append(
            {
                "id": 7,
                "content": "<E1>",
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": True,
                "special": False,
            }
        ),
        r"unsupported added token '<E1>'",
    ),
    "a stripping special token": (
        _set("added_tokens", 4, "lstrip", True),
        r"unsupported added token '\[MASK\]'",
    ),
}


@pytest.mark.parametrize("case", ADDED_TOKEN_EDITS, ids=list(ADDED_TOKEN_EDITS))
def test_added_tokens_of_a_tokenizer_json_load_as_in_transformers(tmp_path, case) -> None:
    from transformers import AutoTokenizer

    edit, message = ADDED_TOKEN_EDITS[case]
    directory = _edited(tmp_path, edit)
    ours, theirs = (
        BertTokenizer.from_pretrained(directory),
        AutoTokenizer.from_pretrained(directory),
    )
    assert len(ours) == len(theirs)
    for text in ["a <e1> aa [MASK]a", "<E1>a  [MASK] a", "aaa<E1>"]:
        expected = theirs(text, return_offsets_mapping=True)
        got = ours(text, return_offsets_mapping=True)
        assert got["input_ids"] == expected["input_ids"], text
        assert got["offset_mapping"] == expected["offset_mapping"], text
    with pytest.raises(ValueError, match=r"tokenizer\.json: .*" + message):
        WordPiece.load(directory)  # a model finds no added tokens in text


def test_wordpiece_load_reads_another_prefix(tmp_path) -> None:
    directory = _edited(tmp_path, UNSUPPORTED["another prefix"][0])
    document = json.loads((directory / TOKENIZER_JSON_NAME).read_text())
    document["model"]["vocab"] = {"[UNK]": 0, "a": 1, "@@a": 2}
    document["added_tokens"] = document["added_tokens"][1:2]
    document["added_tokens"][0]["id"] = 0
    document["post_processor"] = None
    (directory / TOKENIZER_JSON_NAME).write_text(json.dumps(document))
    assert WordPiece.load(directory).tokenize("aaa") == ["a", "@@a", "@@a"]


def test_wordpiece_load_refuses_unsplit_cjk(tmp_path) -> None:
    directory = _edited(tmp_path, _set("normalizer", "handle_chinese_chars", False))
    assert BertTokenizer.from_pretrained(directory).tokenize_chinese_chars is False
    with pytest.raises(ValueError, match=r"tokenizer\.json: unsupported normalizer"):
        WordPiece.load(directory)


def test_a_broken_tokenizer_json_names_the_file(tmp_path) -> None:
    (tmp_path / TOKENIZER_JSON_NAME).write_text("{not json")
    with pytest.raises(ValueError, match=r"tokenizer\.json: not a valid config"):
        BertTokenizer.from_pretrained(tmp_path)


def test_the_command_loads_a_folder_transformers_saved(bert_vocab_file, tmp_path) -> None:
    from subword.cli._models import load_model

    transformers_fast(bert_vocab_file).save_pretrained(tmp_path)
    (tmp_path / "tokenizer_config.json").unlink()  # recognized by tokenizer.json alone
    model = load_model(tmp_path)
    assert isinstance(model, BertTokenizer) and model.vocab_size == 30522
