"""Our tokenizer handed to transformers' data collators gives transformers' batches.

``DataCollatorWithPadding`` calls ``tokenizer.pad``; ``DataCollatorForLanguageModeling``
also ``get_special_tokens_mask(..., already_has_special_tokens=True)``, the mask token
and ``len(tokenizer)`` (random replacements), so every value of a seeded MLM batch must
match too. Features come from real text, encoded by each tokenizer itself.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from reference.bert import transformers_fast
from subword.bert import BertTokenizer
from transformers import DataCollatorForLanguageModeling, DataCollatorWithPadding


@pytest.fixture(scope="module")
def texts(corpora: Path) -> list[str]:
    with open(corpora / "en-1m.txt", encoding="utf-8") as handle:
        return [line for line in handle.read(60_000).splitlines() if line.strip()][:64]


@pytest.fixture(scope="module")
def tokenizers(bert_vocab_file: Path) -> tuple[BertTokenizer, object]:
    ours, reference = BertTokenizer(bert_vocab_file), transformers_fast(bert_vocab_file)
    for tokenizer in (ours, reference):  # added tokens grow len(): random replacements use it
        tokenizer.add_tokens(["[E1]", "[/E1]"])
    return ours, reference


def features(tokenizer, texts: list[str], **options) -> list[dict]:
    encoded = tokenizer(texts, truncation=True, max_length=48, **options)
    return [{key: encoded[key][i] for key in encoded} for i in range(len(texts))]


def assert_same_batch(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for key in expected:
        assert got[key].dtype == expected[key].dtype, key
        np.testing.assert_array_equal(got[key], expected[key], err_msg=key)


@pytest.mark.parametrize("padding", [True, "max_length"])
@pytest.mark.parametrize("multiple", [None, 8])
def test_padding_collator_equals_transformers(tokenizers, texts, padding, multiple) -> None:
    ours, reference = tokenizers
    for start in range(0, len(texts), 16):
        batches = []
        for tokenizer in (ours, reference):
            collator = DataCollatorWithPadding(
                tokenizer, padding=padding, max_length=64, pad_to_multiple_of=multiple,
                return_tensors="np",
            )  # fmt: skip
            rows = features(tokenizer, texts[start : start + 16], return_special_tokens_mask=True)
            batches.append(collator([row | {"labels": i} for i, row in enumerate(rows)]))
        assert_same_batch(*batches)


@pytest.mark.parametrize("mlm_probability", [0.15, 0.5])
def test_language_modeling_collator_equals_transformers(tokenizers, texts, mlm_probability) -> None:
    ours, reference = tokenizers
    batches = []
    for tokenizer in (ours, reference):
        collator = DataCollatorForLanguageModeling(
            tokenizer, mlm_probability=mlm_probability, pad_to_multiple_of=8,
            return_tensors="np", seed=1234,
        )  # fmt: skip
        batches.append([collator(features(tokenizer, texts[i : i + 16])) for i in range(0, 64, 16)])
    for got, expected in zip(*batches, strict=True):
        assert_same_batch(got, expected)
        assert (got["labels"] != -100).any()  # something was masked


def test_language_modeling_collator_keeps_special_tokens(tokenizers, texts) -> None:
    ours, _ = tokenizers
    collator = DataCollatorForLanguageModeling(
        ours, mlm_probability=0.9, return_tensors="np", seed=7
    )
    rows = features(ours, texts[:16])
    batch = collator(rows)
    original = ours.pad(rows, return_tensors="np")["input_ids"]
    special = np.isin(original, ours.all_special_ids)
    assert (batch["labels"][special] == -100).all()  # never masked, never a label
    assert (batch["input_ids"][special] == original[special]).all()
    assert (batch["labels"][~special] != -100).mean() > 0.8


def test_dataset_map_batched_equals_transformers(tokenizers, texts, tmp_path: Path) -> None:
    import datasets  # a test dependency (pyproject's "test" extra)

    dataset = datasets.Dataset.from_dict({"text": texts})
    mapped = []
    for tokenizer in tokenizers:

        def encode(batch, tokenizer=tokenizer):
            return tokenizer(batch["text"], truncation=True, max_length=32)

        result = dataset.map(encode, batched=True, batch_size=16, remove_columns=["text"])
        mapped.append(result.to_dict())
    assert mapped[0] == mapped[1]
    assert len(mapped[0]["input_ids"]) == len(texts)
