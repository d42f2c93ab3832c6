"""The distributed counting of before #16, rebuilt from today's pieces for "before" rows.

``bench/distributed.py`` runs these beside the current code in the same run, so that the
gain of each change is measured, not remembered. Each reproduces the old behaviour
exactly; nothing here is used by subword itself.

- :class:`DictPickled`: a ``WordCounts`` that pickles as a dict of word -> count, as
  every ``WordCounts`` did before d42e1a1 (``__reduce__`` gave ``from_dict, (to_dict(),)``);
  the tree merge moves its partial tables between workers this way.
- :func:`count_range_per_line`: ``subword.distributed.count_range`` as of ed3e91d, which
  ran BERT's BasicTokenizer on every line of its range, where local counting (and now the
  workers) normalizes each distinct chunk once.

Worker processes import this module by name (its folder is on their ``sys.path``).
"""

from __future__ import annotations

from subword import _core
from subword import counting as _counting
from subword import distributed as sd


class DictPickled:
    """A word-count table that crosses between processes as a dict (the old pickle)."""

    def __init__(self, counts: _core.WordCounts) -> None:
        self.counts = counts

    def __reduce__(self):
        return _from_dict, (self.counts.to_dict(),)


def _from_dict(mapping: dict[str, int]) -> DictPickled:
    return DictPickled(_core.WordCounts.from_dict(mapping))


def count_range_dict_pickled(*args) -> DictPickled:
    """``sd.count_range`` whose table pickles as a dict."""
    return DictPickled(sd.count_range(*args))


def count_range_per_line_dict_pickled(*args) -> DictPickled:
    """:func:`count_range_per_line` whose table pickles as a dict."""
    return DictPickled(count_range_per_line(*args))


def merge_dict_pickled(*tables: DictPickled) -> DictPickled:
    """``sd.merge_counts`` of tables that pickle as dicts."""
    return DictPickled(sd.merge_counts(*(table.counts for table in tables)))


def count_range_per_line(
    path, start, end, pre_tokenizer, lowercase, strip_accents, errors, max_word_bytes=None
) -> _core.WordCounts:
    """``sd.count_range`` of ed3e91d (same arguments): BERT pre-tokenization of every line
    of the range."""
    counter = _core.WordCounter()
    breaks = _counting.BREAK_BYTES[pre_tokenizer]
    for offset, block in sd.read_lines(
        path, start, end, max_word_bytes=max_word_bytes, breaks=breaks
    ):
        text = sd._decode(block, path, offset, errors)
        if pre_tokenizer == "whitespace":
            counter.add_texts([text])
            continue
        normalize = _counting.bert_pre_tokenizer(lowercase, strip_accents)
        lines = text.split("\n")
        size = _counting.BATCH_SIZE
        counter.add_texts(
            [t for i in range(0, len(lines), size) for t in normalize(lines[i : i + size])]
        )
    return counter.counts()
