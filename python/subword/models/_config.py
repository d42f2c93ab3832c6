"""``subword.json``: the small config a model directory carries beside its vocab files.

It names the model and its options, so that loading needs nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from subword._atomic import write_text_atomic

CONFIG_NAME = "subword.json"


def write_config(directory: Path, config: dict[str, Any]) -> None:
    """Writes ``directory/subword.json`` atomically (temp file + rename)."""
    write_text_atomic(
        directory / CONFIG_NAME, json.dumps(config, indent=2, ensure_ascii=False) + "\n"
    )


def read_config(directory: Path, model: str) -> dict[str, Any]:
    """The config of ``directory`` (empty when there is none); checks it names ``model``."""
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory}: not a model directory")
    path = directory / CONFIG_NAME
    if not path.exists():
        return {}
    try:
        config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a valid config: {err}") from None
    if config.get("model", model) != model:
        raise ValueError(f"{path}: holds a {config.get('model')!r} model, not {model!r}")
    return config
