"""What ``tokenizer(batch)`` returns: the fields, and where every token came from.

:class:`BatchEncoding` is a dict of transformers' fields (``input_ids``,
``token_type_ids``, ...) with attribute access, as transformers' class of that name.
Like a fast tokenizer's result it also answers alignment questions — which word and
which sequence a token belongs to, which tokens a word or a character became — through
one :class:`Encoding` per model input, the counterpart of ``tokenizers.Encoding``.

The alignment is worked out only when asked for: the tokenizer hands over a function
that encodes the batch again with offsets and words, so calls that never ask pay
nothing for it.

>>> encoding = Encoding(
...     ids=[2, 5, 6, 8, 3],
...     tokens=["[CLS]", "hello", "world", "##s", "[SEP]"],
...     offsets=[(0, 0), (0, 5), (6, 11), (11, 12), (0, 0)],
...     words=[None, 0, 1, 1, None],
...     sequence_ids=[None, 0, 0, 0, None],
... )
>>> batch = BatchEncoding({"input_ids": [2, 5, 6, 8, 3]}, encoding=[encoding])
>>> batch.word_ids(), batch.word_to_tokens(1), batch.char_to_token(7)
([None, 0, 1, 1, None], TokenSpan(start=2, end=4), 2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from subword.tensors import as_tensors

__all__ = ["BatchEncoding", "CharSpan", "Encoding", "TokenSpan"]

Offsets = tuple[int, int]


class CharSpan(NamedTuple):
    """Characters ``[start, end)`` of the original text (transformers' ``CharSpan``).

    >>> CharSpan(0, 5)
    CharSpan(start=0, end=5)
    """

    start: int
    end: int


class TokenSpan(NamedTuple):
    """Tokens ``[start, end)`` of a model input (transformers' ``TokenSpan``).

    >>> TokenSpan(1, 3)
    TokenSpan(start=1, end=3)
    """

    start: int
    end: int


class Encoding:
    """One model input with its alignment, as ``tokenizers.Encoding`` presents it.

    ``words`` and ``sequence_ids`` are ``None`` on special tokens and padding; offsets
    are into the token's own text (the first or the second of a pair).

    >>> encoding = Encoding([2, 5, 3], ["[CLS]", "hi", "[SEP]"], [(0, 0), (0, 2), (0, 0)],
    ...                     [None, 0, None], [None, 0, None])
    >>> encoding.token_to_chars(1), encoding.token_to_chars(0)
    ((0, 2), None)
    """

    def __init__(
        self,
        ids: list[int],
        tokens: list[str] | Callable[[int], str],
        offsets: list[Offsets],
        words: list[int | None],
        sequence_ids: list[int | None],
    ) -> None:
        self.ids = ids
        # the tokens, or the id -> token function that makes them when first asked for
        self._tokens = tokens
        self.offsets = offsets
        self.word_ids = words
        self.sequence_ids = sequence_ids

    @property
    def tokens(self) -> list[str]:
        """The token of each id (made when first asked for).

        >>> Encoding([7], lambda index: f"t{index}", [(0, 1)], [0], [0]).tokens
        ['t7']
        """
        if callable(self._tokens):
            self._tokens = [self._tokens(index) for index in self.ids]
        return self._tokens

    def __len__(self) -> int:
        return len(self.ids)

    def __repr__(self) -> str:
        return f"Encoding(num_tokens={len(self.ids)})"

    @property
    def n_sequences(self) -> int:
        """How many texts this input holds: 1, or 2 for a pair.

        >>> Encoding([5, 6], ["a", "b"], [(0, 1), (0, 1)], [0, 0], [0, 1]).n_sequences
        2
        """
        return 2 if 1 in self.sequence_ids else 1

    def token_to_sequence(self, token: int) -> int | None:
        """The sequence (0 or 1) of a token; ``None`` for special tokens and padding.

        >>> tokenizer("hello", "world")[0].token_to_sequence(3)
        1
        """
        return self.sequence_ids[token]

    def token_to_word(self, token: int) -> int | None:
        """The word (index in its sequence) of a token; ``None`` for special tokens.

        >>> tokenizer("hello worlds")[0].token_to_word(3)
        1
        """
        return self.word_ids[token]

    def token_to_chars(self, token: int) -> Offsets | None:
        """The characters of a token in its text; ``None`` for special tokens.

        >>> tokenizer("hello worlds")[0].token_to_chars(3)
        (11, 12)
        """
        if self.sequence_ids[token] is None:
            return None
        return self.offsets[token]

    def word_to_tokens(self, word: int, sequence: int = 0) -> TokenSpan | None:
        """The tokens ``[start, end)`` that the word of that sequence became, if any.

        >>> tokenizer("hello worlds")[0].word_to_tokens(1)
        TokenSpan(start=2, end=4)
        """
        found = [
            index
            for index, (owner, seq) in enumerate(zip(self.word_ids, self.sequence_ids, strict=True))
            if owner == word and seq == sequence
        ]
        return TokenSpan(found[0], found[-1] + 1) if found else None

    def word_to_chars(self, word: int, sequence: int = 0) -> CharSpan | None:
        """The characters of a word in its text, if any of its tokens are in this input.

        >>> tokenizer("hello worlds")[0].word_to_chars(1)
        CharSpan(start=6, end=12)
        """
        tokens = self.word_to_tokens(word, sequence)
        if tokens is None:
            return None
        return CharSpan(self.offsets[tokens.start][0], self.offsets[tokens.end - 1][1])

    def char_to_token(self, char: int, sequence: int = 0) -> int | None:
        """The first token of that sequence whose characters hold ``char``, if any.

        >>> tokenizer("hello worlds")[0].char_to_token(11), tokenizer("a b")[0].char_to_token(1)
        (3, None)
        """
        for index, (start, end) in enumerate(self.offsets):
            if self.sequence_ids[index] == sequence and start <= char < end:
                return index
        return None

    def char_to_word(self, char: int, sequence: int = 0) -> int | None:
        """The word of the token that holds ``char`` in that sequence, if any.

        >>> tokenizer("hello", "worlds")[0].char_to_word(3, sequence=1)
        0
        """
        token = self.char_to_token(char, sequence)
        return None if token is None else self.word_ids[token]


EncodingsSource = Sequence[Encoding] | Callable[[], Sequence[Encoding]] | None


class BatchEncoding(dict[str, Any]):
    """The result of :meth:`BertTokenizer.__call__`: a dict with attribute access.

    >>> encoding = BatchEncoding({"input_ids": [101, 102], "attention_mask": [1, 1]})
    >>> encoding.input_ids == encoding["input_ids"]
    True

    Args:
        data: the fields.
        encoding: the :class:`Encoding` of each model input, or a function that makes
            them when first asked for (``None``: no alignment, as after ``pad()``).
        tensor_type: ``"np"`` or ``"pt"`` to turn the fields into arrays
            (:func:`subword.tensors.as_tensors`).
        prepend_batch_axis: give a single input's arrays a batch axis of 1.
        n_sequences: how many texts each input holds (1, or 2 for pairs).

    The alignment methods take ``(batch_index, token_index)`` or, for a single input,
    just the token (or word, or character) index, as transformers' methods do.

    """

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        encoding: EncodingsSource = None,
        tensor_type: str | None = None,
        prepend_batch_axis: bool = False,
        n_sequences: int | None = None,
    ) -> None:
        super().__init__(as_tensors(data or {}, tensor_type, prepend_batch_axis))
        self._encodings_source = encoding
        self._encodings: Sequence[Encoding] | None = None
        self._n_sequences = n_sequences
        #: for a window of ``chunk()``: the ``(question or None, context)`` it came from
        self.source_texts: tuple[str | None, str] | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, item: Any) -> Any:
        """A field by name, or (an int) the :class:`Encoding` of that model input."""
        if isinstance(item, int) and not isinstance(item, bool):
            return self._encoding_list()[item]
        return super().__getitem__(item)

    def __reduce__(self) -> tuple[type[BatchEncoding], tuple[dict[str, Any]]]:
        return BatchEncoding, (dict(self),)

    @property
    def data(self) -> dict[str, Any]:
        """The fields as a plain dict (transformers' ``BatchEncoding.data``).

        >>> type(tokenizer("hello").data)
        <class 'dict'>
        """
        return dict(self)

    @property
    def is_fast(self) -> bool:
        """Whether alignment methods are available (always, for a tokenizer's result).

        >>> tokenizer("hello").is_fast, tokenizer.pad({"input_ids": [5]}).is_fast
        (True, False)
        """
        return self._encodings_source is not None

    @property
    def encodings(self) -> list[Encoding] | None:
        """The :class:`Encoding` of each model input (``None`` when there is no alignment).

        >>> tokenizer(["hello", "hello world"]).encodings[1].tokens
        ['[CLS]', 'hello', 'world', '[SEP]']
        """
        if self._encodings_source is None:
            return None
        return list(self._encoding_list())

    @property
    def n_sequences(self) -> int | None:
        """How many texts each input holds: 1, or 2 for pairs.

        >>> tokenizer("hello").n_sequences, tokenizer("hello", "world").n_sequences
        (1, 2)
        """
        return self._n_sequences

    def convert_to_tensors(
        self, tensor_type: str | None = None, prepend_batch_axis: bool = False
    ) -> BatchEncoding:
        """Turn the fields into arrays in place (``"np"`` or ``"pt"``); returns ``self``.

        >>> tokenizer(["hello"]).convert_to_tensors("np")["input_ids"]
        array([[2, 5, 3]])
        """
        self.update(as_tensors(dict(self), tensor_type, prepend_batch_axis))
        return self

    def to(self, device: Any) -> BatchEncoding:
        """Move torch tensors to ``device`` (transformers' ``BatchEncoding.to``).

        Fields that are not tensors are left as they are.

        >>> tokenizer("hello").to("cpu")["input_ids"]
        [2, 5, 3]
        """
        for key, value in self.items():
            if hasattr(value, "to"):
                self[key] = value.to(device)
        return self

    # ------------------------------------------------------------------ alignment

    def tokens(self, batch_index: int = 0) -> list[str]:
        """The tokens of an input (special tokens and padding included).

        >>> tokenizer(["hello worlds", "hello"], padding=True).tokens(1)
        ['[CLS]', 'hello', '[SEP]', '[PAD]', '[PAD]']
        """
        return self._encoding_list()[batch_index].tokens

    def word_ids(self, batch_index: int = 0) -> list[int | None]:
        """The word of each token of an input, ``None`` on special tokens and padding.

        >>> tokenizer("hello worlds!").word_ids()
        [None, 0, 1, 1, 2, None]
        """
        return self._encoding_list()[batch_index].word_ids

    def words(self, batch_index: int = 0) -> list[int | None]:
        """The former name of :meth:`word_ids`.

        >>> tokenizer("hello").words()
        [None, 0, None]
        """
        return self.word_ids(batch_index)

    def sequence_ids(self, batch_index: int = 0) -> list[int | None]:
        """The sequence (0 or 1) of each token of an input, ``None`` on special tokens.

        >>> tokenizer("hello", "world").sequence_ids()
        [None, 0, None, 1, None]
        """
        return self._encoding_list()[batch_index].sequence_ids

    def token_to_sequence(self, batch_or_token_index: int, token_index: int | None = None) -> Any:
        """The sequence of a token: ``(batch, token)`` or ``(token)`` of a single input.

        >>> tokenizer(["hello", "hello world"]).token_to_sequence(1, 2)
        0
        """
        batch, token = self._indices(batch_or_token_index, token_index)
        return self._encoding_list()[batch].token_to_sequence(token)

    def token_to_word(self, batch_or_token_index: int, token_index: int | None = None) -> Any:
        """The word of a token: ``(batch, token)`` or ``(token)`` of a single input.

        >>> tokenizer("hello worlds").token_to_word(-2)
        1
        """
        batch, token = self._indices(batch_or_token_index, token_index)
        return self._encoding_list()[batch].token_to_word(token)

    def token_to_chars(
        self, batch_or_token_index: int, token_index: int | None = None
    ) -> CharSpan | None:
        """The characters of a token in its text (``None`` for special tokens).

        >>> tokenizer("hello worlds").token_to_chars(2)
        CharSpan(start=6, end=11)
        """
        batch, token = self._indices(batch_or_token_index, token_index)
        span = self._encoding_list()[batch].token_to_chars(token)
        return CharSpan(*span) if span is not None else None

    def word_to_tokens(
        self, batch_or_word_index: int, word_index: int | None = None, sequence_index: int = 0
    ) -> TokenSpan | None:
        """The tokens a word became: ``(batch, word)`` or ``(word)`` of a single input.

        >>> tokenizer(["hello", "hello worlds"]).word_to_tokens(1, 1)
        TokenSpan(start=2, end=4)
        """
        batch, word = self._indices(batch_or_word_index, word_index, count_tokens=False)
        return self._encoding_list()[batch].word_to_tokens(word, sequence_index)

    def word_to_chars(
        self, batch_or_word_index: int, word_index: int | None = None, sequence_index: int = 0
    ) -> CharSpan | None:
        """The characters of a word in its text.

        >>> tokenizer("hello", "big worlds").word_to_chars(1, sequence_index=1)
        CharSpan(start=4, end=10)
        """
        batch, word = self._indices(batch_or_word_index, word_index, count_tokens=False)
        return self._encoding_list()[batch].word_to_chars(word, sequence_index)

    def char_to_token(
        self, batch_or_char_index: int, char_index: int | None = None, sequence_index: int = 0
    ) -> int | None:
        """The token that holds a character of the text: ``(batch, char)`` or ``(char)``.

        >>> tokenizer("hello worlds").char_to_token(8)
        2
        """
        batch, char = self._indices(batch_or_char_index, char_index, count_tokens=False)
        return self._encoding_list()[batch].char_to_token(char, sequence_index)

    def char_to_word(
        self, batch_or_char_index: int, char_index: int | None = None, sequence_index: int = 0
    ) -> int | None:
        """The word that holds a character of the text: ``(batch, char)`` or ``(char)``.

        >>> tokenizer("hello worlds").char_to_word(11)
        1
        """
        batch, char = self._indices(batch_or_char_index, char_index, count_tokens=False)
        return self._encoding_list()[batch].char_to_word(char, sequence_index)

    def _encoding_list(self) -> Sequence[Encoding]:
        if self._encodings is None:
            source = self._encodings_source
            if source is None:
                raise ValueError(
                    "this BatchEncoding has no alignment (it was not made by a tokenizer's "
                    "__call__, e.g. it comes from pad()); alignment methods are not available"
                )
            self._encodings = source() if callable(source) else source
        return self._encodings

    def _indices(
        self, batch_or_index: int, index: int | None, count_tokens: bool = True
    ) -> tuple[int, int]:
        """``(batch, index)`` from transformers' two-form arguments, negatives counted back."""
        encodings = self._encoding_list()
        if index is None:
            if len(encodings) > 1:
                raise ValueError(
                    "index cannot be given alone for a batch of several inputs: "
                    "pass (batch_index, index)"
                )
            batch, index = 0, batch_or_index
        else:
            batch = batch_or_index
        if batch < 0:
            batch += len(encodings)
        if count_tokens and index < 0:
            index += len(encodings[batch])
        return batch, index
