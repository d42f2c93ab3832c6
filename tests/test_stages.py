"""The stage modules of the BERT pipeline on their own: truncation, the template, the text
encoder. `test_bert_tokenizer.py` checks the composed whole against transformers.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from subword.bert import BertTokenizer
from subword.normalization import BasicTokenizer
from subword.processors import Segment, assemble
from subword.special_tokens import BERT_SPECIAL_TOKENS
from subword.text_encoding import TextEncoder
from subword.truncation import pair_budgets, truncation_windows

TOKENS = [*BERT_SPECIAL_TOKENS, "hello", "world", "!", "##s"]


class RecordingEncoder:
    """A WordPiece encoder that maps every word to [UNK] and records what it was sent."""

    vocab = TOKENS
    unk_id = 1

    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def encode_pretokenized_with_offsets(self, batch: list[list[str]]):
        self.sent += batch
        return [
            ([1] * len(words), list(range(len(words))), [(0, len(w)) for w in words])
            for words in batch
        ]


def test_never_split_words_are_decided_before_wordpiece() -> None:
    encoder = RecordingEncoder()
    texts = TextEncoder(encoder, BasicTokenizer(never_split=["hello!", "Zzq"]), [])
    (segment,) = texts.encode(["hello! Zzq world"], with_offsets=True)
    assert encoder.sent == [["world"]]
    assert segment == Segment([1, 1, 1], [(0, 6), (7, 10), (11, 16)])


@given(
    first=st.integers(0, 40),
    second=st.integers(0, 40),
    budget=st.integers(0, 30),
    stride=st.integers(0, 3),
)
def test_pair_windows_start_with_the_budgets_and_never_exceed_them(first, second, budget, stride):
    try:
        windows = truncation_windows(first, second, budget, "longest_first", stride)
    except ValueError as err:  # a stride that does not fit a window that must slide
        assert "stride" in str(err)
        return
    kept_first, kept_second = pair_budgets(first, second, budget, "longest_first")
    assert windows[0] == ((0, kept_first), (0, kept_second))
    assert kept_first + kept_second <= budget or (kept_first, kept_second) == (first, second)
    for (start_a, stop_a), (start_b, stop_b) in windows:
        assert 0 <= start_a <= stop_a <= first and 0 <= start_b <= stop_b <= second
        # a sequence with a zero budget keeps nothing and overflows whole
        assert not kept_first or stop_a - start_a <= kept_first
        assert not kept_second or stop_b - start_b <= kept_second


def test_the_template_is_the_same_for_every_caller() -> None:
    tokenizer = BertTokenizer(TOKENS)
    row = assemble(Segment([5, 6]), Segment([7]), (tokenizer.cls_token_id, tokenizer.sep_token_id))
    assert row.ids == tokenizer.build_inputs_with_special_tokens([5, 6], [7])
    assert row.special == tokenizer.get_special_tokens_mask([5, 6], [7])
    encoding = tokenizer("hello world", "!")
    assert (encoding["input_ids"], encoding["token_type_ids"]) == (row.ids, row.type_ids)
    tokens = tokenizer.tokenize("hello world", "!", add_special_tokens=True)
    assert tokens == "[CLS] hello world [SEP] ! [SEP]".split()


def test_a_stride_that_does_not_fit_its_window_is_one_error_everywhere() -> None:
    tokenizer = BertTokenizer(TOKENS)
    text = "hello world " * 5
    with pytest.raises(ValueError, match="stride=3 must be at least 0 and smaller") as call:
        tokenizer(text, truncation=True, max_length=5, stride=3, return_overflowing_tokens=True)
    with pytest.raises(ValueError, match="stride=3 must be at least 0 and smaller") as chunk:
        tokenizer.chunk(text, max_length=5, stride=3)
    assert str(call.value) == str(chunk.value)


def test_bpe_and_wordpiece_users_do_not_load_numpy() -> None:
    """`BertTokenizer` (numpy, ~13 MB) is imported on first use, not by `import subword`."""
    import subprocess
    import sys

    code = (
        "import sys, subword; from subword import BPE, WordPiece; "
        "assert 'numpy' not in sys.modules, 'numpy'; "
        "assert subword.BertTokenizer.__name__ == 'BertTokenizer'; "
        "assert 'numpy' in sys.modules and 'BertTokenizer' in dir(subword)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
