r"""Pretraining data as BERT makes it: masked-LM masking and sentence-pair (NSP / SOP) examples.

>>> from subword import BertTokenizer
>>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] . the cat sat it purred".split()
>>> tokens += "rain fell roads shone we left".split()
>>> tokenizer = BertTokenizer(tokens)
>>> documents = [["The cat sat.", "It purred."], ["Rain fell.", "Roads shone.", "We left."]]
>>> pairs = make_pairs(documents, tokenizer, task="nsp", seed=0)
>>> batch = mask_tokens(pairs, tokenizer, seed=0)
>>> sorted(batch)
['attention_mask', 'input_ids', 'labels', 'next_sentence_label', 'token_type_ids']

Masking follows transformers' ``DataCollatorForLanguageModeling``: every maskable position
(or, with ``whole_word=True``, every word: a token and its ``##`` continuations) is chosen
independently with probability ``mlm_probability``; a chosen position becomes ``[MASK]``
with probability ``mask_fraction``, a random non-special token with ``random_fraction``,
and stays as it is otherwise (decided per token, as Google's ``create_pretraining_data.py``
does even for whole words). Pairs follow ``create_pretraining_data.py`` (NSP) and ALBERT's
version of it (SOP); see :func:`make_pairs` for where they differ.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

from subword.padding import BatchEncoding
from subword.processors import Segment, assemble, special_tokens_to_add
from subword.truncation import pair_budgets

__all__ = ["IGNORE_INDEX", "TASKS", "NoPairsError", "make_pairs", "mask_tokens"]

IGNORE_INDEX = -100
TASKS = {"nsp": "next_sentence_label", "sop": "sentence_order_label"}

Seed = int | np.random.Generator | None
Ids: TypeAlias = npt.NDArray[np.int64]
Mask: TypeAlias = npt.NDArray[np.bool_]
#: One sentence-pair example: ``(A ids, B ids, label)``.
Example: TypeAlias = tuple[list[int], list[int], int]


class NoPairsError(ValueError):
    """:func:`make_pairs` found no document with two sentences (all were skipped).

    >>> issubclass(NoPairsError, ValueError)
    True
    """


# ---------------------------------------------------------------------- masking


def mask_tokens(
    batch: Any,
    tokenizer: Any,
    mlm_probability: float = 0.15,
    mask_fraction: float = 0.8,
    random_fraction: float = 0.1,
    whole_word: bool = False,
    seed: Seed = None,
) -> BatchEncoding:
    r"""Mask a batch for masked-LM training; return ``input_ids`` and ``labels``.

    ``batch`` is a list of id sequences (ragged or padded), one sequence, a 1-D or 2-D
    NumPy integer array, or a mapping with ``input_ids`` (and optionally
    ``attention_mask``: positions where it is 0 are never chosen); a mapping's other keys
    are passed through (``labels`` is replaced). Special tokens
    (``tokenizer.all_special_ids``) and padding are never chosen, and a random
    replacement is never a special token. ``labels`` holds the original id where a
    position was chosen and ``-100`` elsewhere. Lists come back as lists, arrays as
    arrays of the same shape (and dtype when it is signed, else int64). ``seed`` (an int
    or a NumPy ``Generator``, which is advanced) makes the result reproducible. The input
    is never modified. Any tokenizer with ``mask_token_id``, ``all_special_ids``,
    ``convert_ids_to_tokens`` and ``len()`` works (transformers' too).

    >>> import pathlib, tempfile
    >>> from subword import BertTokenizer
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     vocab = pathlib.Path(tmp, "vocab.txt")
    ...     _ = vocab.write_text("\n".join("[PAD] [UNK] [CLS] [SEP] [MASK] the cat sat".split()))
    ...     tokenizer = BertTokenizer(vocab)
    >>> out = mask_tokens([[2, 5, 6, 7, 3]], tokenizer, mlm_probability=0.5, seed=0)
    >>> out["input_ids"], out["labels"]  # [CLS] and [SEP] are never chosen
    ([[2, 5, 4, 4, 3]], [[-100, 5, 6, 7, -100]])
    """
    _check_fractions(mlm_probability, mask_fraction, random_fraction)
    vocab = _vocab_info(tokenizer)
    ids, attention, rebuild, extra = _as_flat(batch)
    _check_ids(ids, vocab.size)
    maskable = ~vocab.special[ids]
    if attention is not None:
        maskable &= attention != 0
    rng = np.random.default_rng(seed)
    if whole_word:
        chosen = _choose_words(ids, maskable, rebuild.row_starts, vocab, mlm_probability, rng)
    else:
        chosen = maskable & (rng.random(ids.size) < mlm_probability)
    new_ids = _replace(ids, chosen, vocab, mask_fraction, random_fraction, rng)
    labels = np.where(chosen, ids, IGNORE_INDEX)
    return BatchEncoding({"input_ids": rebuild(new_ids), **extra, "labels": rebuild(labels)})


def _check_fractions(mlm_probability: float, mask_fraction: float, random_fraction: float) -> None:
    """Probabilities in [0, 1] (NaN fails too), the two replacement fractions summing to <= 1."""
    named = {
        "mlm_probability": mlm_probability,
        "mask_fraction": mask_fraction,
        "random_fraction": random_fraction,
    }
    for name, value in named.items():
        if not 0.0 <= float(value) <= 1.0:
            raise ValueError(f"{name}={value} is not a probability in [0, 1]")
    # a tolerance so that e.g. 0.7 + 0.3 (0.99999...) or 0.9 + 0.1 pass
    if mask_fraction + random_fraction > 1.0 + 1e-9:
        raise ValueError(
            f"mask_fraction={mask_fraction} + random_fraction={random_fraction} = "
            f"{mask_fraction + random_fraction:g} exceeds 1 (the rest is the unchanged share)"
        )


@dataclass(frozen=True)
class _VocabInfo:
    """Per-vocab lookup tables, computed once per tokenizer."""

    size: int
    mask_id: int
    special: Mask  # bool[size]: never chosen
    continuation: Mask  # bool[size]: a ``##`` piece
    replacements: npt.NDArray[np.intp]  # the ids a random replacement draws from


_VOCAB_CACHE: weakref.WeakKeyDictionary[Any, _VocabInfo] = weakref.WeakKeyDictionary()


def _vocab_info(tokenizer: Any) -> _VocabInfo:
    """The tables of ``tokenizer``, cached (building them walks the vocab once)."""
    try:
        return _VOCAB_CACHE[tokenizer]
    except (KeyError, TypeError):
        pass
    mask_id = tokenizer.mask_token_id
    if mask_id is None:
        raise ValueError(
            f"the vocabulary has no mask token {getattr(tokenizer, 'mask_token', '[MASK]')!r}: "
            "masked-LM data needs one"
        )
    size = len(tokenizer)
    special = np.zeros(size, dtype=bool)
    special[[i for i in tokenizer.all_special_ids if i is not None and 0 <= i < size]] = True
    tokens = tokenizer.convert_ids_to_tokens(list(range(size)))
    continuation = np.fromiter((t.startswith("##") for t in tokens), dtype=bool, count=size)
    info = _VocabInfo(size, int(mask_id), special, continuation, np.flatnonzero(~special))
    try:
        _VOCAB_CACHE[tokenizer] = info
    except TypeError:  # not weak-referenceable: just recompute next time
        pass
    return info


class _Rebuild:
    """Turns a flat array back into the layout of the input batch."""

    def __init__(
        self,
        lengths: Ids,
        shape: tuple[int, ...] | None,
        nested: bool,
        dtype: np.dtype[Any] | None = None,
    ) -> None:
        self.lengths = lengths
        self.shape = shape  # the array's shape, or None for lists
        self.dtype = dtype  # the array's dtype (kept when it can hold -100)
        self.nested = nested  # a list of sequences (else one sequence)
        self.offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        self.row_starts = np.zeros(int(self.offsets[-1]), dtype=bool)
        self.row_starts[self.offsets[:-1][lengths > 0]] = True

    def __call__(self, flat: Ids) -> Any:
        if self.shape is not None:
            signed = self.dtype is not None and np.issubdtype(self.dtype, np.signedinteger)
            return flat.reshape(self.shape).astype(self.dtype if signed else np.int64)
        values = flat.tolist()
        bounds = self.offsets.tolist()
        rows = [values[a:b] for a, b in itertools.pairwise(bounds)]
        return rows if self.nested else rows[0]


def _as_flat(batch: Any) -> tuple[Ids, Ids | None, _Rebuild, dict[str, Any]]:
    """``(ids, attention, rebuild, extra)``: the ids as one flat int64 array."""
    extra: dict[str, Any] = {}
    attention = None
    if isinstance(batch, Mapping):
        if "input_ids" not in batch:
            raise ValueError("a mapping passed to mask_tokens needs an 'input_ids' entry")
        extra = {k: v for k, v in batch.items() if k not in ("input_ids", "labels")}
        if batch.get("attention_mask") is not None:
            attention, _, _ = _flatten(batch["attention_mask"])
        batch = batch["input_ids"]
    ids, lengths, shape = _flatten(batch)
    if attention is not None and attention.shape != ids.shape:
        raise ValueError("attention_mask does not have the shape of input_ids")
    nested = shape is None and not _is_flat_sequence(batch)
    dtype = batch.dtype if isinstance(batch, np.ndarray) else None
    return ids, attention, _Rebuild(lengths, shape, nested, dtype), extra


def _flatten(batch: Any) -> tuple[Ids, Ids, tuple[int, ...] | None]:
    """``(flat ids, row lengths, array shape or None)`` of an array or (nested) list."""
    if isinstance(batch, np.ndarray):
        if batch.ndim not in (1, 2) or not (
            batch.size == 0 or np.issubdtype(batch.dtype, np.integer)
        ):
            raise TypeError(
                f"expected a 1-D or 2-D integer array of token ids, got {batch.ndim}-D "
                f"{batch.dtype}"
            )
        rows = 1 if batch.ndim == 1 else batch.shape[0]
        return batch.reshape(-1).astype(np.int64), np.full(rows, batch.shape[-1]), batch.shape
    if not isinstance(batch, Sequence) or isinstance(batch, (str, bytes)):
        raise TypeError(f"expected token ids as a list or an array, got {type(batch).__name__}")
    if _is_flat_sequence(batch):
        rows = [batch]
    else:
        rows = batch
    lengths = np.array([len(row) for row in rows], dtype=np.int64)
    try:
        flat = np.fromiter(
            itertools.chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum())
        )
    except (TypeError, ValueError) as err:
        raise TypeError(f"token ids must be integers: {err}") from None
    return flat, lengths, None


def _is_flat_sequence(batch: Any) -> bool:
    """A single sequence of ids (``[101, 7592, 102]``) rather than a batch of them."""
    return len(batch) > 0 and not isinstance(batch[0], (Sequence, np.ndarray))


def _check_ids(ids: Ids, size: int) -> None:
    if ids.size and (ids.min() < 0 or ids.max() >= size):
        bad = int(ids[(ids < 0) | (ids >= size)][0])
        raise IndexError(f"token id {bad} is out of range for a vocab of {size} tokens")


def _choose_words(
    ids: Ids,
    maskable: Mask,
    row_starts: Mask,
    vocab: _VocabInfo,
    probability: float,
    rng: np.random.Generator,
) -> Mask:
    """Choose whole words: each word (a piece and its ``##`` continuations) with ``probability``.

    A word starts at a maskable token that is not a ``##`` piece, or that follows a row
    start or a special token / padding (a stray ``##`` piece there is a word of its own).
    """
    after_unmaskable = np.ones_like(maskable)
    after_unmaskable[1:] = ~maskable[:-1]
    starts = maskable & (~vocab.continuation[ids] | row_starts | after_unmaskable)
    word_of = np.cumsum(starts) - 1  # every maskable token has a start at or before it
    chosen_words = rng.random(int(starts.sum())) < probability
    if not chosen_words.size:
        return np.zeros_like(maskable)
    of_token: Mask = chosen_words[np.maximum(word_of, 0)]  # each token's word's choice
    return maskable & of_token


def _replace(
    ids: Ids,
    chosen: Mask,
    vocab: _VocabInfo,
    mask_fraction: float,
    random_fraction: float,
    rng: np.random.Generator,
) -> Ids:
    """The 80/10/10 rule: one uniform draw per chosen token picks mask, random or keep."""
    new_ids: Ids = ids.copy()
    where = np.flatnonzero(chosen)
    draw = rng.random(where.size)
    new_ids[where[draw < mask_fraction]] = vocab.mask_id
    to_random = where[(draw >= mask_fraction) & (draw < mask_fraction + random_fraction)]
    if to_random.size:
        if not vocab.replacements.size:
            raise ValueError("the vocabulary has no non-special token to draw replacements from")
        new_ids[to_random] = vocab.replacements[
            rng.integers(vocab.replacements.size, size=to_random.size)
        ]
    return new_ids


# ---------------------------------------------------------------------- sentence pairs


def make_pairs(
    documents: Sequence[Sequence[str]],
    tokenizer: Any,
    task: str = "nsp",
    max_length: int = 512,
    short_seq_prob: float = 0.1,
    seed: Seed = None,
    *,
    skip_short: bool = False,
) -> BatchEncoding:
    r"""``[CLS] A [SEP] B [SEP]`` examples from documents (lists of sentences), as BERT/ALBERT.

    Returns, as lists with one entry per example (unpadded), ``input_ids``,
    ``token_type_ids``, ``attention_mask`` and the label: ``next_sentence_label`` for
    ``task="nsp"`` (0: B follows A in the document; 1: B comes from another document) or
    ``sentence_order_label`` for ``task="sop"`` (0: in order; 1: the same two segments
    swapped). The names are those transformers' ``BertForPreTraining`` /
    ``AlbertForPreTraining`` take.

    The logic of Google's ``create_instances_from_document``: a target length of
    ``max_length - 3`` tokens (with probability ``short_seq_prob`` a random one in
    ``[2, max_length - 3]``); whole sentences fill a chunk up to the target; A is the
    chunk's first 1..n-1 sentences; for NSP, half the time B is read from a random
    sentence of another document up to the remaining length and the unused sentences are
    put back. The pair is cut with the tokenizer's ``longest_first`` rule. Two changes keep
    the labels exactly balanced: a chunk always holds at least two sentences (Google's code
    forces a random B on one-sentence chunks), and the other document is drawn uniformly
    (not by 10 retries). A sentence that is left alone at the end of a document is dropped.

    Documents with fewer than two (non-empty) sentences raise ``ValueError`` unless
    ``skip_short=True`` (they then still serve as random B sources for NSP).

    >>> from subword import BertTokenizer
    >>> tokens = "[PAD] [UNK] [CLS] [SEP] [MASK] . the cat sat it purred".split()
    >>> tokens += "rain fell roads shone we left".split()
    >>> tokenizer = BertTokenizer(tokens)
    >>> docs = [["The cat sat.", "It purred."], ["Rain fell.", "Roads shone.", "We left."]]
    >>> pairs = make_pairs(docs, tokenizer, task="sop", seed=0)
    >>> pairs["sentence_order_label"]
    [1, 0]
    >>> tokenizer.decode(pairs["input_ids"][0])
    '[CLS] it purred. [SEP] the cat sat. [SEP]'
    """
    if task not in TASKS:
        raise ValueError(f"task={task!r} is not one of {sorted(TASKS)}")
    if max_length < 5:
        raise ValueError(f"max_length={max_length} leaves no room for two segments (need >= 5)")
    if not 0.0 <= float(short_seq_prob) <= 1.0:
        raise ValueError(f"short_seq_prob={short_seq_prob} is not a probability in [0, 1]")
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    if cls_id is None or sep_id is None:
        raise ValueError("the vocabulary needs [CLS] and [SEP] tokens to build pairs")
    docs = _tokenize_documents(documents, tokenizer)
    _check_documents(docs, task, skip_short)
    rng = np.random.default_rng(seed)
    budget = max_length - special_tokens_to_add(pair=True)
    planner = _Planner(docs, task, budget, short_seq_prob, rng)
    examples = [ex for index in range(len(docs)) for ex in planner.document(index)]
    return _assemble(examples, cls_id, sep_id, budget, TASKS[task])


def _tokenize_documents(documents: Any, tokenizer: Any) -> list[list[list[int]]]:
    """Ids of every sentence (one batch call), empty sentences dropped, as Google does."""
    if isinstance(documents, (str, bytes)) or not isinstance(documents, Sequence):
        raise TypeError("documents must be a list of documents, each a list of sentences")
    for index, document in enumerate(documents):
        if isinstance(document, str) or not isinstance(document, Sequence):
            raise TypeError(
                f"document {index} is a {type(document).__name__}, not a list of sentences"
            )
    sentences = [sentence for document in documents for sentence in document]
    ids = (
        tokenizer(
            sentences,
            add_special_tokens=False,
            return_token_type_ids=False,
            return_attention_mask=False,
            verbose=False,  # sentences are packed to max_length below, not fed as they are
        )["input_ids"]
        if sentences
        else []
    )
    stream = iter(ids)
    return [[s for s in (next(stream) for _ in document) if s] for document in documents]


def _check_documents(docs: list[list[list[int]]], task: str, skip_short: bool) -> None:
    if not any(docs):
        raise ValueError("no documents: every document is empty")
    if not skip_short:
        for index, doc in enumerate(docs):
            if len(doc) < 2:
                raise ValueError(
                    f"document {index} has {len(doc)} non-empty sentence(s); {task.upper()} needs "
                    "at least 2 per document (pass skip_short=True to skip such documents)"
                )
    if sum(len(doc) >= 2 for doc in docs) == 0:
        raise NoPairsError(f"no document has the 2 sentences {task.upper()} needs")
    if task == "nsp" and sum(bool(doc) for doc in docs) < 2:
        raise ValueError("NSP needs at least 2 documents (a random B comes from another one)")


class _Planner:
    """Google's ``create_instances_from_document``, one document at a time."""

    def __init__(
        self,
        docs: list[list[list[int]]],
        task: str,
        budget: int,
        short_seq_prob: float,
        rng: np.random.Generator,
    ) -> None:
        self.docs, self.task, self.budget = docs, task, budget
        self.short_seq_prob, self.rng = short_seq_prob, rng
        self.sources = [i for i, doc in enumerate(docs) if doc]  # random-B documents
        self.source_set = set(self.sources)

    def document(self, index: int) -> list[Example]:
        """The ``(A, B, label)`` examples of one document."""
        doc = self.docs[index]
        if len(doc) < 2:
            return []
        target = self.budget
        if self.rng.random() < self.short_seq_prob:
            target = int(self.rng.integers(2, self.budget + 1))
        examples, start = [], 0
        while len(doc) - start >= 2:
            stop = self._chunk_end(doc, start, target)
            a_end = int(self.rng.integers(start + 1, stop))
            example, start = self._pair(index, doc, start, a_end, stop, target)
            examples.append(example)
        return examples

    @staticmethod
    def _chunk_end(doc: list[list[int]], start: int, target: int) -> int:
        """End of a chunk: >= 2 sentences reaching the target, never leaving one alone."""
        stop, length = start, 0
        while stop < len(doc) and (length < target or stop - start < 2):
            length += len(doc[stop])
            stop += 1
        return len(doc) if len(doc) - stop == 1 else stop

    def _pair(
        self, index: int, doc: list[list[int]], start: int, a_end: int, stop: int, target: int
    ) -> tuple[Example, int]:
        """One example from the chunk ``doc[start:stop]``, and where the next chunk starts."""
        tokens_a = [t for s in doc[start:a_end] for t in s]
        tokens_b = [t for s in doc[a_end:stop] for t in s]
        flip = self.rng.random() < 0.5
        if self.task == "sop":
            return ((tokens_b, tokens_a, 1) if flip else (tokens_a, tokens_b, 0)), stop
        if not flip:
            return (tokens_a, tokens_b, 0), stop
        return (tokens_a, self._random_b(index, target - len(tokens_a)), 1), a_end

    def _random_b(self, index: int, target_b: int) -> list[int]:
        """Sentences from a random sentence of another document, up to ``target_b`` tokens."""
        others, own = self.sources, index in self.source_set
        pick = int(self.rng.integers(len(others) - own))
        if own and others[pick] >= index:
            pick += 1  # skip the document itself: uniform over the others
        doc = self.docs[others[pick]]
        tokens: list[int] = []
        for sentence in doc[int(self.rng.integers(len(doc))) :]:
            tokens += sentence
            if len(tokens) >= target_b:
                break
        return tokens


def _assemble(
    examples: list[Example], cls_id: int, sep_id: int, budget: int, label_name: str
) -> BatchEncoding:
    """``[CLS] A [SEP] B [SEP]`` with the tokenizer's ``longest_first`` cut."""
    out: dict[str, list[Any]] = {
        "input_ids": [],
        "token_type_ids": [],
        "attention_mask": [],
        label_name: [],
    }
    for tokens_a, tokens_b, label in examples:
        len_a, len_b = pair_budgets(len(tokens_a), len(tokens_b), budget, "longest_first")
        row = assemble(Segment(tokens_a[:len_a]), Segment(tokens_b[:len_b]), (cls_id, sep_id))
        out["input_ids"].append(row.ids)
        out["token_type_ids"].append(row.type_ids)
        out["attention_mask"].append([1] * len(row.ids))
        out[label_name].append(label)
    return BatchEncoding(out)
