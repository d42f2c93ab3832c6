"""The training API: one trainer config per model, and errors that carry their facts.

Each model's three training methods take the same keywords, with the same defaults, as
the fields of its trainer config (what ``subword train`` builds too); an option added to
the config and not to a method, or the other way round, fails here.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from pathlib import Path

import pytest
from subword import BPE, WordPiece
from subword.errors import InvalidArgumentError, InvalidUtf8Error
from subword.models import BpeTrainerConfig, WordPieceTrainerConfig

MODELS = [(BPE, BpeTrainerConfig), (WordPiece, WordPieceTrainerConfig)]
METHODS = ["train", "train_from_iterator", "train_from_counts"]
#: Keywords that say how a run goes rather than what it produces.
RUN_OPTIONS = {"errors", "max_word_bytes", "threads", "progress"}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("model", "config"), MODELS, ids=["bpe", "wordpiece"])
def test_training_keywords_are_the_config_fields(model, config, method) -> None:
    keywords = {
        name: parameter.default
        for name, parameter in inspect.signature(getattr(model, method)).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and name not in RUN_OPTIONS
    }
    fields = {field.name: field.default for field in dataclasses.fields(config)}
    assert keywords == fields


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("model", "config"), MODELS, ids=["bpe", "wordpiece"])
def test_an_unknown_option_is_a_type_error_naming_the_method(model, config, method) -> None:
    inputs = {"train": ["corpus.txt"], "train_from_iterator": [["a b"]]}
    args = inputs.get(method, [{"a": 3}])
    with pytest.raises(TypeError, match=rf"^{model.__name__}\.{method}\(\) got an unexpected "):
        getattr(model, method)(*args, vocab_sise=100)
    assert inspect.signature(getattr(model, method)).return_annotation == model.__name__


def test_the_three_methods_train_the_same_model(tmp_path: Path) -> None:
    text = "low lower lowest newest widest\n" * 4
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(text, encoding="utf-8")
    counts = {word: 4 for word in text.split()}
    for model, options in [(BPE, {"num_merges": 8}), (WordPiece, {"vocab_size": 40})]:
        trained = [
            model.train(corpus, **options),
            model.train_from_iterator(text.splitlines(), **options),
            model.train_from_counts(counts, **options),
        ]
        assert all(t.vocab == trained[0].vocab for t in trained), model.__name__


def test_a_config_is_frozen_and_checked() -> None:
    config = WordPieceTrainerConfig(special_tokens=["[UNK]"])
    assert config.special_tokens == ("[UNK]",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.vocab_size = 5  # type: ignore[misc]
    with pytest.raises(ValueError, match="pre_tokenizer must be one of"):
        BpeTrainerConfig(num_merges=5, pre_tokenizer="spaces")
    with pytest.raises(ValueError, match="exactly one of vocab_size and num_merges"):
        BPE.train_from_counts({"low": 5})


@pytest.mark.parametrize(
    "train",
    [
        lambda: BPE.train_from_counts({"low": 5}, vocab_size=2),
        lambda: WordPiece.train_from_counts({"low": 5}, vocab_size=2),
    ],
    ids=["bpe", "wordpiece"],
)
def test_a_too_small_vocab_size_names_the_argument_as_data(train) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        train()
    err = info.value
    assert isinstance(err, ValueError)
    assert err.argument == "vocab_size" and str(err) == f"vocab_size {err.reason}"
    assert err.reason.startswith("2 is smaller than") and "use at least" in err.reason
    again = pickle.loads(pickle.dumps(err))  # e.g. from a worker process
    assert (type(again), again.argument, again.reason) == (type(err), err.argument, err.reason)


def test_invalid_utf8_carries_file_offset_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"the cat\nsa\xfft on\n")
    with pytest.raises(InvalidUtf8Error) as info:
        BPE.train(bad, num_merges=5)
    err = info.value
    assert (err.path, err.offset, err.line) == (str(bad), 10, 2)
    assert 'pass errors="replace"' in str(err)
    again = pickle.loads(pickle.dumps(err))
    assert (str(again), again.path, again.offset, again.line) == (str(err), str(bad), 10, 2)
