"""The config files of a model directory, read and written in one place.

``subword.json`` is the small config a model directory carries beside its vocab files: it
names the model and its options, so that loading needs nothing else. transformers'
``tokenizer_config.json`` and ``special_tokens_map.json`` are read here too, so a broken
config is always reported the same way (a ``ValueError`` naming the file), and so is a key
spelled the old way: each option has one spelling (:data:`LEGACY_KEYS` maps the old
ones), and files written before the change still load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from subword._atomic import write_text_atomic

__all__ = ["CONFIG_NAME", "LEGACY_KEYS", "read_config", "read_json_object", "write_config"]

CONFIG_NAME = "subword.json"

#: Old spelling -> current spelling of config keys. Lowercasing is ``do_lower_case``, as
#: transformers spells it; BPE directories written by earlier versions said ``lowercase``.
LEGACY_KEYS = {"lowercase": "do_lower_case"}


def write_config(directory: Path, config: dict[str, Any]) -> None:
    """Writes ``directory/subword.json`` atomically (temp file + rename).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_config(Path(tmp), {"model": "bpe"})
    ...     print(Path(tmp, CONFIG_NAME).read_text(), end="")
    {
      "model": "bpe"
    }
    """
    write_text_atomic(
        directory / CONFIG_NAME, json.dumps(config, indent=2, ensure_ascii=False) + "\n"
    )


def read_json_object(path: Path) -> dict[str, Any] | None:
    """The JSON object in the config file ``path``, or ``None`` when there is no such file.

    Every config a model directory holds (``subword.json``, transformers'
    ``tokenizer_config.json`` and ``special_tokens_map.json``) is read here, so a broken
    one is always reported the same way: a ``ValueError`` naming the file. Keys of
    :data:`LEGACY_KEYS` come back under their current spelling (the current key wins when
    a file holds both).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, CONFIG_NAME)
    ...     _ = path.write_text('{"model": "bpe", "lowercase": false}')
    ...     read_json_object(path), read_json_object(Path(tmp, "missing.json"))
    ({'model': 'bpe', 'do_lower_case': False}, None)
    """
    if not path.is_file():
        return None
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a valid config: {err}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path}: not a valid config: expected a JSON object")
    for old, new in LEGACY_KEYS.items():
        if old in config:
            value = config.pop(old)
            config.setdefault(new, value)
    return config


def read_config(directory: Path, model: str) -> dict[str, Any]:
    """The config of ``directory`` (empty when there is none); checks it names ``model``.

    >>> import tempfile
    >>> directory = Path(tempfile.mkdtemp())
    >>> write_config(directory, {"model": "bpe"})
    >>> read_config(directory, "bpe")
    {'model': 'bpe'}
    >>> read_config(directory, "wordpiece")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: .../subword.json: holds a 'bpe' model, not 'wordpiece'
    """
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory}: not a model directory")
    path = directory / CONFIG_NAME
    config = read_json_object(path) or {}
    if config.get("model", model) != model:
        raise ValueError(f"{path}: holds a {config.get('model')!r} model, not {model!r}")
    return config
