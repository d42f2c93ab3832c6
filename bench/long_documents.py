"""Long documents benchmark: QA preprocessing and post-processing, subword vs transformers.

A QA set built from the English corpus (``--contexts`` contexts of 2,000-20,000
characters, a question and an answer span each) goes through what a SQuAD-style training
or evaluation script does: windows of 384 tokens overlapping by 128 (``run_qa``'s
``doc_stride``) with the answers' start/end positions, then random logits back to the
best answer of each question. subword: ``BertTokenizer.chunk(questions, contexts, answers=...)`` and
``window_predictions.best_answers``; transformers: its ``BertTokenizer`` (``tokenizers``)
with ``return_overflowing_tokens`` and the logic of ``run_qa``'s
``prepare_train_features`` / ``postprocess_qa_predictions`` (``tests/reference/run_qa.py``).
Documents per second, at each thread count; every run is a fresh process.

    python bench/long_documents.py --corpora ../corpora --threads 1,all --out /tmp/qa.md
"""

from __future__ import annotations

import argparse
import random
import re
import shlex
import sys
import time
from pathlib import Path

from _harness import (
    Row,
    add_scaling_option,
    add_threads_option,
    baseline,
    emit,
    header,
    int_list,
    log,
    markdown_table,
    measure_interleaved,
    measure_rounds,
    scaling_report,
)

OURS, HF = "subword", "transformers route"
VOCAB_FILE = "bert-base-uncased-vocab.txt"
MAX_LENGTH, STRIDE = 384, 128  # run_qa's max_seq_length and doc_stride (its overlap)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def _qa_set(corpora: str, contexts: int) -> tuple[list[str], list[str], list[dict]]:
    rng = random.Random(0)
    text = (Path(corpora) / "en-10m.txt").read_text(encoding="utf-8")
    lines = [line for line in text.split("\n") if line.strip()]
    questions, texts, answers, position = [], [], [], 0
    while len(texts) < contexts:
        size = rng.randint(2_000, 20_000)
        context = ""
        while len(context) < size:
            context += lines[position % len(lines)] + " "
            position += 1
        context = context[:size]
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", context)]
        first = rng.randrange(len(words))
        start, end = words[first][0], words[min(len(words) - 1, first + 3)][1]
        questions.append(" ".join(context[s:e] for s, e in rng.sample(words, 6)))
        texts.append(context)
        answers.append({"answer_start": [start], "text": [context[start:end]]})
    return questions, texts, answers


def _tokenizer(tool: str, vocab: str):
    if tool == OURS:
        from subword import BertTokenizer

        return BertTokenizer(vocab)
    import transformers

    return transformers.BertTokenizer(vocab)


def preprocess(threads: int, tool: str, corpora: str, contexts: int) -> dict:
    questions, texts, answers = _qa_set(corpora, contexts)
    tokenizer = _tokenizer(tool, str(Path(corpora) / VOCAB_FILE))
    start = time.perf_counter()
    if tool == OURS:
        windows = tokenizer.chunk(questions, texts, max_length=MAX_LENGTH, stride=STRIDE,
                                  answers=answers)
        count = len(windows)
    else:
        from reference.run_qa import qa_windows, train_positions

        features = qa_windows(tokenizer, questions, texts, MAX_LENGTH, STRIDE)
        train_positions(features, answers, tokenizer.cls_token_id)
        count = len(features["input_ids"])
    return {"seconds": time.perf_counter() - start, "windows": count}


def postprocess(threads: int, tool: str, corpora: str, contexts: int) -> dict:
    import numpy as np

    questions, texts, _ = _qa_set(corpora, contexts)
    tokenizer = _tokenizer(tool, str(Path(corpora) / VOCAB_FILE))
    rng = np.random.default_rng(0)
    if tool == OURS:
        from subword.window_predictions import best_answers

        windows = tokenizer.chunk(questions, texts, max_length=MAX_LENGTH, stride=STRIDE)
        logits = [rng.normal(size=len(w["input_ids"])) for w in windows]
        start = time.perf_counter()
        best_answers(windows, logits, logits)
    else:
        from reference.run_qa import postprocess as run_qa_postprocess
        from reference.run_qa import qa_windows

        features = qa_windows(tokenizer, questions, texts, MAX_LENGTH, STRIDE)
        logits = [rng.normal(size=len(ids)) for ids in features["input_ids"]]
        start = time.perf_counter()
        run_qa_postprocess(features, texts, logits, logits, 20, 30, False)
    return {"seconds": time.perf_counter() - start}


def run(args: argparse.Namespace) -> tuple[list[Row], str]:
    rows = []
    for stage in ("preprocess", "postprocess"):
        # Both tools at every thread count in interleaved rounds: their ratio is then
        # measured in the same minutes, not minutes apart on a machine that drifts.
        runs = {(threads, tool): (f"long_documents:{stage}", threads,
                                  {"tool": tool, "corpora": args.corpora,
                                   "contexts": args.contexts})
                for threads in int_list(args.threads) for tool in (OURS, HF)}
        for (threads, tool), m in measure_rounds(runs, repeat=args.repeat).items():
            group = {"stage": stage, "threads": str(threads)}
            rate = args.contexts / m.time
            rows.append(Row(group, tool, m, note=f"{rate:.0f} documents/s"))
            log(f"{group} {tool}: {rate:.0f} documents/s")
    scaling = scaling_report({
        stage: measure_interleaved(f"long_documents:{stage}", thread_counts=int_list(args.threads),
                                   repeat=args.scaling_rounds, tool=OURS, corpora=args.corpora,
                                   contexts=args.contexts)
        for stage in ("preprocess", "postprocess")
    }, "stage")
    log(scaling)
    return rows, scaling


def report(args: argparse.Namespace, argv: list[str], rows: list[Row], scaling: str) -> str:
    command = shlex.join(["python", "bench/long_documents.py", *argv])
    empty = baseline().peak / 2**20
    return f"""## Long documents: QA windows with labels, and answers back

{header(["subword", "tokenizers", "transformers"])}
- command: `{command}`
- each figure: median wall time of {args.repeat} runs, largest peak RSS of those runs; every
  run is a fresh process (an empty worker process peaks at {empty:.0f} MB); ratios are
  anchor / subword, so > 1 means subword is faster or uses less memory; per stage, the
  runs of both tools at every thread count are interleaved (a round runs each once, back
  to back, in an order that alternates), so the machine's drift falls on all alike.

{markdown_table(rows, OURS)}

{args.contexts} contexts of 2,000-20,000 characters from en-10m, each with a question (six
of its words) and an answer span; windows of {MAX_LENGTH} tokens overlapping by
{STRIDE} (run_qa's `doc_stride`, passed to transformers as `stride` with
`truncation="only_second", return_overflowing_tokens=True`; ours `stride={STRIDE}`).
"preprocess" makes the windows and the answers' start/end positions
(`chunk(..., answers=...)` against `run_qa`'s `prepare_train_features` logic);
"postprocess" finds each question's best answer from random logits (`best_answers`
against `postprocess_qa_predictions`, n_best 20, max_answer_length 30), windows made
before the clock starts.

{scaling}
"""


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", required=True, help=f"directory with en-10m.txt, {VOCAB_FILE}")
    parser.add_argument("--contexts", type=int, default=1000, help="QA examples (default: 1000)")
    add_threads_option(parser)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (default: 3)")
    add_scaling_option(parser)
    parser.add_argument("--out", help="also write the Markdown section to this file")
    args = parser.parse_args(argv)
    emit(report(args, argv, *run(args)), args.out)


if __name__ == "__main__":
    main()
