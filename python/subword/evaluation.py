"""Vocabulary quality: what a vocabulary makes of text it was not trained on.

A vocabulary is judged by the sequences it gives a model. For held-out text this module
counts, with the pre-tokenization the model itself uses (BERT's ``BasicTokenizer`` for
WordPiece models and ``BertTokenizer``, the model's pre-tokenizer for BPE):

- **tokens per word** (fertility): tokens over words; 1.0 means every word is one token;
- **words kept whole**: the share of words that are a single token other than unk;
- **unk rate**: the share of tokens that are the unk token;
- **lines over max_length**: the share of non-empty lines whose tokens, with the special
  tokens a model adds (``[CLS]`` and ``[SEP]`` for WordPiece), do not fit in
  ``max_length`` (they would be truncated or cut into windows);
- **the most-split words**: the words that cost the most extra tokens (count times
  pieces beyond the first), to show what the vocabulary lacks.

Each distinct word is encoded once, so a report over millions of words takes seconds.
The models' ``evaluate`` methods call :func:`evaluate`; each model describes its word
splitting and encoding with a :class:`Segmenter`.
Files are read line by line; a byte that is not UTF-8 is a ``ValueError`` naming the
file and the byte offset (``errors="replace"`` reads on).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from subword.errors import InvalidUtf8Error
from subword.normalization import BasicTokenizer

PathLike = str | os.PathLike[str]

#: How many lines are pre-tokenized in one call (amortizes the batch normalization).
_LINES_PER_BATCH = 4096


@dataclass(frozen=True)
class SplitWord:
    """A word of the evaluated text that the vocabulary splits into several tokens.

    >>> SplitWord("hugging", 3, ("hug", "##ging")).extra_tokens
    3
    """

    word: str
    count: int
    tokens: tuple[str, ...]

    @property
    def extra_tokens(self) -> int:
        """The tokens this word costs beyond one per occurrence.

        >>> SplitWord("unhug", 2, ("un", "##h", "##ug")).extra_tokens
        4
        """
        return self.count * (len(self.tokens) - 1)


@dataclass(frozen=True)
class QualityReport:
    """The figures of one vocabulary on one text; see the module documentation.

    >>> report = QualityReport("toy", 10, lines=1, words=4, tokens=6, unk_tokens=1,
    ...                        whole_words=2, lines_over_max_length=0, max_length=512)
    >>> report.tokens_per_word, report.whole_word_share, report.unk_rate
    (1.5, 0.5, 0.16666666666666666)
    """

    name: str
    vocab_size: int
    lines: int
    words: int
    tokens: int
    unk_tokens: int
    whole_words: int
    lines_over_max_length: int
    max_length: int
    most_split: tuple[SplitWord, ...] = field(default=())

    @property
    def tokens_per_word(self) -> float:
        """Tokens per word (fertility); lower is better, 1.0 is the floor.

        >>> QualityReport("x", 5, 1, 2, 3, 0, 1, 0, 512).tokens_per_word
        1.5
        """
        return self.tokens / self.words if self.words else 0.0

    @property
    def whole_word_share(self) -> float:
        """The share of words that are one token (not unk).

        >>> QualityReport("x", 5, 1, 2, 3, 0, 1, 0, 512).whole_word_share
        0.5
        """
        return self.whole_words / self.words if self.words else 0.0

    @property
    def unk_rate(self) -> float:
        """The share of tokens that are the unk token.

        >>> QualityReport("x", 5, 1, 2, 4, 1, 1, 0, 512).unk_rate
        0.25
        """
        return self.unk_tokens / self.tokens if self.tokens else 0.0

    @property
    def over_max_length_share(self) -> float:
        """The share of non-empty lines longer than ``max_length`` tokens.

        >>> QualityReport("x", 5, 4, 20, 30, 0, 10, 1, 8).over_max_length_share
        0.25
        """
        return self.lines_over_max_length / self.lines if self.lines else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data, the ratios included.

        >>> QualityReport("x", 5, 1, 2, 3, 0, 1, 0, 512).as_dict()["tokens_per_word"]
        1.5
        """
        return {
            "name": self.name,
            "vocab_size": self.vocab_size,
            "lines": self.lines,
            "words": self.words,
            "tokens": self.tokens,
            "tokens_per_word": self.tokens_per_word,
            "whole_word_share": self.whole_word_share,
            "unk_tokens": self.unk_tokens,
            "unk_rate": self.unk_rate,
            "max_length": self.max_length,
            "lines_over_max_length": self.lines_over_max_length,
            "over_max_length_share": self.over_max_length_share,
            "most_split": [
                {"word": s.word, "count": s.count, "tokens": list(s.tokens)}
                for s in self.most_split
            ],
        }


@dataclass(frozen=True)
class Segmenter:
    """How a model turns lines into words and words into token ids, for evaluation.

    Each evaluated class (``WordPiece``, ``BPE``, ``BertTokenizer``) describes itself
    with one of these (its ``_segmenter()`` method), so this module needs none of them.

    >>> segmenter = Segmenter(lambda lines: [l.split() for l in lines],
    ...                       lambda words: [[len(w)] for w in words], str, None, 0, 10)
    >>> evaluate_texts(segmenter, ["a bb"]).tokens
    2
    """

    split_lines: Callable[[list[str]], list[list[str]]]
    encode_words: Callable[[list[str]], list[list[int]]]
    id_to_token: Callable[[int], str]
    unk_id: int | None
    specials_per_line: int
    vocab_size: int

    def _segmenter(self) -> Segmenter:
        return self


class Evaluable(Protocol):
    """What :func:`evaluate` needs of a model: a :class:`Segmenter` describing it.

    >>> from subword import WordPiece
    >>> isinstance(WordPiece(["[UNK]"])._segmenter(), Segmenter)
    True
    """

    def _segmenter(self) -> Segmenter: ...


def basic_words(
    lowercase: bool, strip_accents: bool | None
) -> Callable[[list[str]], list[list[str]]]:
    """Lines to BERT BasicTokenizer words (the BERT pre-tokenizer).

    >>> basic_words(True, None)(["Héllo, world!"])
    [['hello', ',', 'world', '!']]
    """
    return BasicTokenizer(do_lower_case=lowercase, strip_accents=strip_accents).tokenize_batch


def whitespace_words(lines: list[str]) -> list[list[str]]:
    """Lines to words as ``str.split()`` makes them (the whitespace pre-tokenizer).

    >>> whitespace_words(["Hello, world!"])
    [['Hello,', 'world!']]
    """
    return [line.split() for line in lines]


def _read_lines(files: Iterable[PathLike], errors: str) -> Iterator[str]:
    """The lines of ``files``, decoded as UTF-8.

    A bad byte is the :class:`~subword.errors.InvalidUtf8Error` the Rust readers raise
    (file, offset, line), which the command phrases with its own option.
    """
    for file in files:
        path = Path(file)
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a directory, not a text file")
        offset = 0
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    yield raw.decode("utf-8", errors=errors)
                except UnicodeDecodeError as err:
                    where = offset + err.start
                    message = (
                        f"{path}: invalid UTF-8 at byte offset {where} (line {number}); "
                        'pass errors="replace" to substitute U+FFFD'
                    )
                    raise InvalidUtf8Error(message, str(path), where, number) from None
                offset += len(raw)


def _batches(lines: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for line in lines:
        if not isinstance(line, str):
            raise TypeError(f"texts must be str, got {type(line).__name__}")
        batch.append(line)
        if len(batch) == _LINES_PER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def evaluate_texts(
    model: Evaluable,
    texts: Iterable[str],
    *,
    max_length: int = 512,
    most_split: int = 10,
    name: str | None = None,
) -> QualityReport:
    """The quality figures of ``model``'s vocabulary on ``texts`` (one line each).

    >>> from subword import WordPiece
    >>> wp = WordPiece(["[UNK]", "hug", "##s", "pun", "##g"])
    >>> report = evaluate_texts(wp, ["hugs pun", "hug ?"])
    >>> report.words, report.tokens, report.unk_tokens, report.whole_words
    (4, 5, 1, 2)
    >>> [(s.word, s.tokens) for s in report.most_split]
    [('hugs', ('hug', '##s'))]
    """
    if max_length < 1:
        raise ValueError(f"max_length must be a positive integer, got {max_length}")
    if most_split < 0:
        raise ValueError(f"most_split must be zero or more, got {most_split}")
    if not hasattr(model, "_segmenter"):
        raise TypeError(
            f"cannot evaluate a {type(model).__name__}: expected a WordPiece, BPE or BertTokenizer"
        )
    seg = model._segmenter()
    word_counts: Counter[str] = Counter()
    pieces: dict[str, list[int]] = {}
    lines = over = 0
    for batch in _batches(texts):
        split = seg.split_lines(batch)
        new = list({w: None for line_words in split for w in line_words if w not in pieces})
        if new:
            pieces.update(zip(new, seg.encode_words(new), strict=True))
        for line_words in split:
            if not line_words:
                continue
            lines += 1
            word_counts.update(line_words)
            length = sum(len(pieces[w]) for w in line_words) + seg.specials_per_line
            over += length > max_length
    words = tokens = unk = whole = 0
    for word, count in word_counts.items():
        ids = pieces[word]
        words += count
        tokens += count * len(ids)
        unknown = sum(i == seg.unk_id for i in ids) if seg.unk_id is not None else 0
        unk += count * unknown
        whole += count if len(ids) == 1 and not unknown else 0
    worst = sorted(
        (w for w in word_counts if len(pieces[w]) > 1),
        key=lambda w: (-word_counts[w] * (len(pieces[w]) - 1), w),
    )[:most_split]
    return QualityReport(
        name=name if name is not None else type(model).__name__,
        vocab_size=seg.vocab_size,
        lines=lines,
        words=words,
        tokens=tokens,
        unk_tokens=unk,
        whole_words=whole,
        lines_over_max_length=over,
        max_length=max_length,
        most_split=tuple(
            SplitWord(w, word_counts[w], tuple(seg.id_to_token(i) for i in pieces[w]))
            for w in worst
        ),
    )


def evaluate(
    model: Evaluable,
    files: PathLike | Iterable[PathLike],
    *,
    max_length: int = 512,
    most_split: int = 10,
    name: str | None = None,
    errors: str = "strict",
) -> QualityReport:
    r"""The quality figures of ``model``'s vocabulary on the lines of ``files``.

    Errors: a missing file (``FileNotFoundError``), a directory, bytes that are not
    UTF-8 (``ValueError`` with the offset; ``errors="replace"`` reads on), or files
    without a single word (``ValueError``).

    >>> import tempfile, pathlib
    >>> from subword import WordPiece
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "held-out.txt"
    >>> _ = path.write_text("Hugs pun!\n")
    >>> evaluate(WordPiece(["[UNK]", "hug", "##s", "pun", "!"]), path).tokens_per_word
    1.3333333333333333
    """
    paths = [files] if isinstance(files, str | os.PathLike) else list(files)
    if not paths:
        raise ValueError("no files to evaluate on")
    report = evaluate_texts(
        model,
        _read_lines(paths, errors),
        max_length=max_length,
        most_split=most_split,
        name=name,
    )
    if report.words == 0:
        raise ValueError(f"no words to evaluate on in {', '.join(map(str, paths))}")
    return report


def format_reports(reports: Sequence[QualityReport]) -> str:
    """The reports side by side as a text table, then each one's most-split words.

    >>> print(format_reports([QualityReport("toy", 10, 1, 4, 6, 1, 2, 0, 512)]))
    figure                       toy
    vocab size                    10
    words                          4
    tokens per word            1.500
    words kept whole          50.00%
    unk rate                  16.67%
    lines over 512             0.00%
    """
    rows: list[tuple[str, Callable[[QualityReport], str]]] = [
        ("vocab size", lambda r: f"{r.vocab_size:,}"),
        ("words", lambda r: f"{r.words:,}"),
        ("tokens per word", lambda r: f"{r.tokens_per_word:.3f}"),
        ("words kept whole", lambda r: f"{r.whole_word_share:.2%}"),
        ("unk rate", lambda r: f"{r.unk_rate:.2%}"),
        (f"lines over {reports[0].max_length}", lambda r: f"{r.over_max_length_share:.2%}"),
    ]
    width = max(12, *(len(r.name) for r in reports))
    lines = ["figure".ljust(18) + "".join(r.name.rjust(width + 2) for r in reports)]
    for label, cell in rows:
        lines.append(label.ljust(18) + "".join(cell(r).rjust(width + 2) for r in reports))
    for report in reports:
        if report.most_split:
            lines.append("")
            lines.append(f"most split in {report.name} (word, count, tokens):")
            for s in report.most_split:
                lines.append(f"  {s.word}  {s.count:,}  {' '.join(s.tokens)}")
    return "\n".join(lines)


def reports_to_json(reports: Sequence[QualityReport]) -> str:
    """The reports as one JSON document (a list of :meth:`QualityReport.as_dict`).

    >>> reports_to_json([QualityReport("toy", 10, 1, 4, 6, 1, 2, 0, 512)])[:16]
    '[{"name": "toy",'
    """
    return json.dumps([r.as_dict() for r in reports], ensure_ascii=False)
