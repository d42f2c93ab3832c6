"""``subword adapt``: add a domain's tokens to a pretrained vocabulary, ids kept.

Counts the words of the inputs with the base's normalization, chooses the new tokens with
:meth:`subword.WordPiece.adapt` (``[unusedN]`` slots by default, or appended), writes the
adapted model folder (for a BERT base: ``vocab.txt``, ``tokenizer.json``,
``tokenizer_config.json``, ``special_tokens_map.json``, as ``save_pretrained``; for a
folder ``subword train`` wrote: :meth:`subword.WordPiece.save`'s files, with
``tokenizer_config.json``) and
reports tokens per word and words kept whole on held-out domain text before and after,
with the new tokens and what each saves: a table on stdout (``--json``: JSON), and
``adaptation.json`` in the output folder. Held out: the ``--eval`` files, or else every
tenth line of the inputs (not trained on).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import subword
from subword import adaptation
from subword._atomic import write_text_atomic
from subword._progress import ProgressBar
from subword.cli import _inputs
from subword.cli._args import add_errors_option, positive
from subword.cli.evaluate import load
from subword.cli.train import save

#: Without ``--eval``, one line in this many is held out for the report.
HELD_OUT_EVERY = 10
REPORT_NAME = "adaptation.json"

EXAMPLES = """examples:
  subword adapt --vocab bert-base-uncased docs/*.txt -o bert-docs      # fill the [unused] slots
  subword adapt --vocab vocab.txt corpus.txt --eval held-out.txt -o out --max-new-tokens 500
  subword adapt --vocab bert-base-uncased corpus.txt --slots append --max-new-tokens 2000 -o out

BASE is a model folder (a BERT download, or one `subword train` wrote) or a vocab.txt.
With --slots unused every existing id keeps its token and the vocab its size, so the
model's checkpoint loads unchanged; with --slots append, resize its embeddings.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Registers ``adapt`` and its options.

    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> args = parser.parse_args(["adapt", "--vocab", "bert", "a.txt", "-o", "out"])
    >>> args.vocab, args.files, args.output, args.slots, args.max_new_tokens
    (PosixPath('bert'), ['a.txt'], PosixPath('out'), 'unused', None)
    """
    command = commands.add_parser(
        "adapt",
        help="add a domain's tokens to a pretrained vocabulary, keeping every id",
        description="Adapt a pretrained WordPiece vocabulary to the domain of the inputs.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EXAMPLES,
    )
    command.add_argument(
        "--vocab", type=Path, required=True, metavar="BASE", help="model folder or vocab.txt"
    )
    command.add_argument(
        "files", nargs="+", metavar="FILE", help="domain text: files, globs, '-' for stdin; .gz ok"
    )
    command.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    command.add_argument(
        "--max-new-tokens",
        type=int,
        metavar="N",
        help="tokens to add (default: every [unused] slot; required with --slots append)",
    )
    command.add_argument(
        "--slots",
        choices=adaptation.SLOTS,
        default="unused",
        help="unused: fill the [unusedN] entries, ids unchanged (default); append: add ids",
    )
    command.add_argument(
        "--scoring",
        choices=adaptation.ADAPT_SCORINGS,
        default="saving",
        help="saving: the tokens that save the most under the encoder (default); "
        "whole-words: the most-split frequent words (the naive filling)",
    )
    command.add_argument(
        "--min-frequency",
        type=positive,
        default=2,
        help="a new token must shorten words seen this often in all (2)",
    )
    command.add_argument(
        "--eval",
        nargs="+",
        metavar="FILE",
        help=f"held-out text for the report (default: every {HELD_OUT_EVERY}th input line, "
        "not trained on)",
    )
    command.add_argument("--json", action="store_true", help="the report as JSON on stdout")
    add_errors_option(command)
    command.add_argument("--threads", type=positive, help="threads to use (default: all cores)")
    command.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no report")
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    r"""Adapts, saves the folder and ``adaptation.json``, prints the report.

    >>> import json, tempfile
    >>> parser = argparse.ArgumentParser(prog="subword")
    >>> add_parser(parser.add_subparsers())
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     vocab, corpus = Path(tmp, "vocab.txt"), Path(tmp, "corpus.txt")
    ...     _ = vocab.write_text("[PAD]\n[UNK]\n[unused0]\nq\n##u\n##e\n##r\n##y\n")
    ...     _ = corpus.write_text("query queue\n" * 20)
    ...     options = ["--vocab", str(vocab), str(corpus), "-o", f"{tmp}/out", "-q"]
    ...     run(parser.parse_args(["adapt", *options]))
    ...     report = json.loads(Path(tmp, "out", "adaptation.json").read_text())
    ...     subword.BertTokenizer.from_pretrained(f"{tmp}/out").tokenize("query")
    0
    ['que', '##r', '##y']
    >>> report["new_tokens"]
    [{'token': 'que', 'id': 2, 'saving': 72, 'words': 36}]
    >>> report["before"]["tokens_per_word"], report["after"]["tokens_per_word"]
    (5.0, 3.0)
    """
    base = load(args.vocab)
    if isinstance(base, subword.BPE):
        raise ValueError(f"{args.vocab}: a BPE model; adapt needs a WordPiece vocabulary")
    sources = _inputs.expand(args.files)
    held_out: list[str] = []
    if args.eval:
        held_out = list(_inputs.read_lines(_inputs.expand(args.eval), errors=args.errors))
    bar = ProgressBar(disable=args.quiet or not sys.stderr.isatty())
    try:
        lines = _inputs.read_lines(sources, errors=args.errors, progress=bar)
        texts = lines if args.eval else _holding_out(lines, held_out)
        adapted = subword.WordPiece.adapt(
            base,
            texts=texts,
            max_new_tokens=args.max_new_tokens,
            slots=args.slots,
            scoring=args.scoring,
            min_frequency=args.min_frequency,
            threads=args.threads,
            progress=bar,
        )
    finally:
        bar.close()
    model: subword.BertTokenizer | subword.WordPiece = adapted
    if isinstance(base, subword.BertTokenizer):
        model = _like(base, adapted)
    save(model, args.output)
    report = adaptation.compare(base, adapted, held_out or None, adapted.new_tokens, args.slots)
    write_text_atomic(args.output / REPORT_NAME, _json(report))
    if args.json:
        print(_json(report))
    elif not args.quiet:
        print(report.format())
    return 0


def _holding_out(lines: Iterator[str], held_out: list[str]) -> Iterator[str]:
    """The lines to train on; every ``HELD_OUT_EVERY``-th goes to ``held_out`` instead.

    >>> kept = []
    >>> len(list(_holding_out(iter(map(str, range(25))), kept))), kept
    (23, ['9', '19'])
    """
    for number, line in enumerate(lines, start=1):
        if number % HELD_OUT_EVERY == 0:
            held_out.append(line)
        else:
            yield line


def _like(base: subword.BertTokenizer, adapted: subword.WordPiece) -> subword.BertTokenizer:
    """A ``BertTokenizer`` with ``base``'s options over the adapted vocabulary."""
    vocab = sorted(adapted.vocab, key=adapted.vocab.__getitem__)
    names = ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
    specials: dict[str, Any] = {n: getattr(base, n) for n in names if getattr(base, n)}
    return subword.BertTokenizer(
        vocab,
        do_lower_case=base.do_lower_case,
        never_split=base.never_split,
        tokenize_chinese_chars=base.tokenize_chinese_chars,
        strip_accents=base.strip_accents,
        model_max_length=base.model_max_length,
        **specials,
    )


def _json(report: adaptation.AdaptationReport) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False)
