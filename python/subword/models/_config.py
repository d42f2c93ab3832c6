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


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in the config file ``path``, or ``None`` when there is no such file.

    Every config a model directory holds (``subword.json``, transformers'
    ``tokenizer_config.json`` and ``special_tokens_map.json``) is read here, so a broken
    one is always reported the same way: a ``ValueError`` naming the file.
    """
    if not path.is_file():
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a valid config: {err}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path}: not a valid config: expected a JSON object")
    return config


def read_config(directory: Path, model: str) -> dict[str, Any]:
    """The config of ``directory`` (empty when there is none); checks it names ``model``."""
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory}: not a model directory")
    path = directory / CONFIG_NAME
    config = read_json_object(path) or {}
    if config.get("model", model) != model:
        raise ValueError(f"{path}: holds a {config.get('model')!r} model, not {model!r}")
    return config
