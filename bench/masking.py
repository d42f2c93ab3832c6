"""Masking benchmark: subword.pretraining.mask_tokens against transformers' MLM collator.

The corpus is tokenized once (untimed) with subword's BertTokenizer and cut into
``[CLS] ... [SEP]`` rows; every measurement is a fresh process (see ``_harness``) that
loads those ids, builds its batches (untimed) and times masking every batch. Cases:

- ``array``: padded ``[batch, length]`` arrays (full rows). subword ``mask_tokens(array)``;
  transformers ``DataCollatorForLanguageModeling(return_tensors="np").numpy_mask_tokens``
  given a precomputed ``special_tokens_mask`` (untimed: the fast path its docs recommend).
- ``lists``: ragged Python lists (random lengths in [length/4, length]). subword
  ``mask_tokens(list_of_lists)`` (lists back); transformers ``collator(examples)`` over
  dicts with ``input_ids`` + ``special_tokens_mask`` (it pads, returns arrays).
- ``array, whole word``: subword ``whole_word=True``; transformers ``whole_word_mask=True``
  with a precomputed ``offset_mapping`` marking the same ``##`` words (untimed). It forces
  ``mask_replace_prob=1``; subword runs with ``mask_fraction=1, random_fraction=0`` here.

    python bench/masking.py --corpora ../corpora --out /tmp/masking.md   # a few minutes
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from _harness import emit, header, log, measure

OURS, HF = "subword", "transformers collator"


# --- workers: each runs in a fresh process ---------------------------------------------------


def _rows(ids_file: str, length: int, ragged: bool) -> list[np.ndarray]:
    stream = np.load(ids_file)
    rng = np.random.default_rng(0)
    sizes = rng.integers(length // 4, length + 1, size=stream.size // (length // 4) + 1)
    sizes = sizes if ragged else np.full_like(sizes, length)
    cuts = np.cumsum(sizes - 2)
    pieces = np.split(stream, cuts[cuts < stream.size])
    return [np.concatenate([[101], piece, [102]]) for piece in pieces if piece.size]


def _arrays(ids_file: str, length: int, batch: int) -> list[np.ndarray]:
    rows = _rows(ids_file, length, ragged=False)
    padded = np.zeros((len(rows), length), dtype=np.int64)
    for index, row in enumerate(rows):
        padded[index, : row.size] = row
    return [padded[i : i + batch] for i in range(0, len(padded), batch)]


def _lists(ids_file: str, length: int, batch: int) -> list[list[list[int]]]:
    rows = [row.tolist() for row in _rows(ids_file, length, ragged=True)]
    return [rows[i : i + batch] for i in range(0, len(rows), batch)]


def ours(threads: int, vocab: str, ids: str, case: str, length: int, batch: int) -> dict:
    from subword import BertTokenizer
    from subword.pretraining import mask_tokens

    tokenizer = BertTokenizer(vocab)
    batches = _lists(ids, length, batch) if case == "lists" else _arrays(ids, length, batch)
    options = {"whole_word": True, "mask_fraction": 1.0, "random_fraction": 0.0}
    options = options if case == "whole_word" else {}
    mask_tokens(batches[0], tokenizer, seed=0, **options)  # builds the cached vocab tables
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for inputs in batches:
        mask_tokens(inputs, tokenizer, seed=rng, **options)
    return {"seconds": time.perf_counter() - start, "tokens": _count(batches)}


def theirs(threads: int, vocab: str, ids: str, case: str, length: int, batch: int) -> dict:
    from transformers import BertTokenizer, DataCollatorForLanguageModeling

    tokenizer = BertTokenizer(vocab)
    specials = np.array(tokenizer.all_special_ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # whole word: "setting mask_replace_prob to 1"
        collator = DataCollatorForLanguageModeling(
            tokenizer=tokenizer, return_tensors="np", seed=0, whole_word_mask=case == "whole_word"
        )
        collator.create_rng("np")
    if case == "lists":
        batches = _lists(ids, length, batch)
        examples = [
            [{"input_ids": r, "special_tokens_mask": np.isin(r, specials).tolist()} for r in rows]
            for rows in batches
        ]
        start = time.perf_counter()
        for items in examples:
            collator(items)
        return {"seconds": time.perf_counter() - start, "tokens": _count(batches)}
    batches = _arrays(ids, length, batch)
    special = [np.isin(b, specials).astype(np.int64) for b in batches]
    offsets = [_offsets(b, tokenizer) for b in batches] if case == "whole_word" else special
    start = time.perf_counter()
    for inputs, mask, offset in zip(batches, special, offsets, strict=True):
        extra = {"offset_mapping": offset} if case == "whole_word" else {}
        collator.numpy_mask_tokens(inputs.copy(), special_tokens_mask=mask, **extra)
    return {"seconds": time.perf_counter() - start, "tokens": _count(batches)}


def _offsets(ids: np.ndarray, tokenizer) -> np.ndarray:
    """Offsets where a ``##`` piece touches the piece before and every word starts a gap."""
    tokens = np.array(tokenizer.convert_ids_to_tokens(list(range(len(tokenizer)))), dtype=object)
    continuation = np.array([t.startswith("##") for t in tokens])[ids]
    starts = np.cumsum(1 + ~continuation, axis=1)
    return np.stack([starts, starts + 1], axis=-1)


def _count(batches) -> int:
    return int(sum(sum(len(row) for row in rows) for rows in batches))


# --- driver ---------------------------------------------------------------------------------



def _tokenize(corpus: Path, vocab: Path, max_bytes: int, out: Path) -> int:
    from subword import BertTokenizer

    data = corpus.read_bytes()[:max_bytes]
    lines = [line for line in data[: data.rfind(b"\n")].decode().splitlines() if line.strip()]
    tokenizer = BertTokenizer(vocab)
    ids = tokenizer(
        lines, add_special_tokens=False, return_attention_mask=False, return_token_type_ids=False
    )["input_ids"]
    stream = np.fromiter((i for row in ids for i in row), dtype=np.int64)
    np.save(out, stream)
    return stream.size


CASES = {
    "array": "array, token",
    "lists": "lists (ragged), token",
    "whole_word": "array, whole word",
}


def run(args: argparse.Namespace, ids: Path) -> list[str]:
    lines = ["| case | tool | median s | M tokens/s | time ratio |", "|---|---|---|---|---|"]
    common = {
        "vocab": str(Path(args.corpora) / args.vocab),
        "ids": str(ids),
        "length": args.length,
        "batch": args.batch,
    }
    for case, title in CASES.items():
        results = {}
        for tool, target in ((OURS, "masking:ours"), (HF, "masking:theirs")):
            m = measure(target, threads=1, repeat=args.repeat, case=case, **common)
            results[tool] = (m.time, m.value["tokens"])
            log(f"{title} {tool}: {m.time:.3f} s")
        base = results[OURS][0]
        for tool, (seconds, tokens) in results.items():
            lines.append(
                f"| {title} | {tool} | {seconds:.3f} | {tokens / 1e6 / seconds:.1f} | "
                f"{seconds / base:.2f} |"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", required=True, help="directory with the corpus and vocab")
    parser.add_argument("--corpus", default="en-10m.txt", help="corpus file (default en-10m.txt)")
    parser.add_argument("--vocab", default="bert-base-uncased-vocab.txt")
    parser.add_argument("--max-bytes", type=int, default=10_000_000, help="corpus bytes used")
    parser.add_argument("--length", type=int, default=512, help="row length (default 512)")
    parser.add_argument("--batch", type=int, default=32, help="rows per batch (default 32)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-masking-") as tmp:
        ids = Path(tmp) / "ids.npy"
        tokens = _tokenize(
            Path(args.corpora) / args.corpus, Path(args.corpora) / args.vocab, args.max_bytes, ids
        )
        table = run(args, ids)
    section = f"""## Masking: subword.pretraining.mask_tokens vs transformers' collator

{header(["subword", "transformers", "numpy"])}
- command: `{shlex.join(["python", "bench/masking.py", *argv])}`
- input: {tokens:,} tokens of {args.corpus} (first {args.max_bytes:,} bytes), rows of
  {args.length}, batches of {args.batch}; 1 thread; median of {args.repeat} runs, each a
  fresh process timing only the masking loop (loading and batching are not timed);
  time ratio = tool / subword (> 1: subword is faster).

{chr(10).join(table)}

transformers gets its `special_tokens_mask` (and, for whole words, `offset_mapping`)
precomputed and untimed; subword finds special tokens and `##` words itself, inside the
timed loop. With lists, transformers also pads (it returns arrays); subword returns lists.
"""
    emit(section, args.out)


if __name__ == "__main__":
    main()
