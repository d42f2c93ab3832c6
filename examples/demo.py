"""Shows a trained model at work: ``python examples/demo.py MODEL_DIR [TEXT...]``."""

import json
import sys
from pathlib import Path

import subword

SENTENCES = [
    "Tokenizers turn unbelievably long words into pieces.",
    "The quick brown fox jumps over the lazy dog.",
]


def main() -> None:
    """Loads the model in ``argv[1]`` and prints tokens and ids of a few sentences."""
    directory = Path(sys.argv[1])
    config = json.loads((directory / "subword.json").read_text(encoding="utf-8"))
    model_class = subword.BPE if config["model"] == "bpe" else subword.WordPiece
    model = model_class.load(directory)
    print(f"{model!r} from {directory}")
    for text in sys.argv[2:] or SENTENCES:
        print(f"\n{text}\n  tokens: {model.tokenize(text)}\n  ids:    {model.encode(text)}")


if __name__ == "__main__":
    main()
