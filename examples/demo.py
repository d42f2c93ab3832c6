"""Shows a trained model at work: ``python examples/demo.py MODEL_DIR [--held-out FILE] [TEXT...]``.

Prints the tokens and ids of a few sentences and, given ``--held-out``, the vocabulary's
quality on that text (tokens per word, words kept whole, ``[UNK]`` rate): use text the
model was not trained on.
"""

import argparse
import json
from pathlib import Path

import subword
from subword.evaluation import format_reports

SENTENCES = [
    "Tokenizers turn unbelievably long words into pieces.",
    "The quick brown fox jumps over the lazy dog.",
]


def main() -> None:
    """Loads the model directory and shows it on sentences and held-out text."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="a directory written by `subword train`")
    parser.add_argument("texts", nargs="*", help="texts to tokenize (default: two examples)")
    parser.add_argument("--held-out", type=Path, help="text to measure the vocabulary on")
    args = parser.parse_args()
    config = json.loads((args.model / "subword.json").read_text(encoding="utf-8"))
    model_class = subword.BPE if config["model"] == "bpe" else subword.WordPiece
    model = model_class.load(args.model)
    print(f"{model!r} from {args.model}")
    for text in args.texts or SENTENCES:
        print(f"\n{text}\n  tokens: {model.tokenize(text)}\n  ids:    {model.encode(text)}")
    if args.held_out:
        print(f"\nOn {args.held_out} (text it was not trained on):\n")
        print(format_reports([model.evaluate(args.held_out, most_split=5)]))


if __name__ == "__main__":
    main()
