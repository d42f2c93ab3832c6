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
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from subword import _core
from subword._atomic import write_text_atomic

__all__ = [
    "CONFIG_NAME",
    "LEGACY_KEYS",
    "read_config",
    "read_json_file",
    "read_json_object",
    "write_config",
]

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
    one is always reported the same way: a ``ValueError`` naming the file (and the key,
    for a value of the wrong type or range: :data:`VALUE_CHECKS`). The file is read by
    :func:`read_json_file`. Keys of :data:`LEGACY_KEYS` come back under their current
    spelling (the current key wins when a file holds both).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp, CONFIG_NAME)
    ...     _ = path.write_text('{"model": "bpe", "lowercase": false}')
    ...     read_json_object(path), read_json_object(Path(tmp, "missing.json"))
    ({'model': 'bpe', 'do_lower_case': False}, None)
    """
    config = read_json_file(path)
    if config is None:
        return None
    for old, new in LEGACY_KEYS.items():
        if old in config:
            value = config.pop(old)
            config.setdefault(new, value)
    check_values(path, config)
    return config


def read_json_file(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path`` as it is, or ``None`` when there is no such file.

    Only a regular file is read, at most ``SUBWORD_MAX_FILE_BYTES`` of it; a broken file,
    JSON nested too deeply, or anything but an object is a ``ValueError`` naming the file.
    Config files go through :func:`read_json_object`, which checks their keys too;
    ``tokenizer.json`` is read here directly (its keys are not config keys).

    >>> read_json_file(Path("missing.json")) is None
    True
    """
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(f"{path}: not a regular file; a config must be a regular file")
    limit = _core.max_file_bytes()
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ValueError(
            f"{path}: over the {limit} bytes a config may hold "
            "(set SUBWORD_MAX_FILE_BYTES to allow more)"
        )
    try:
        config = json.loads(data.decode("utf-8"))
    except RecursionError:
        raise ValueError(f"{path}: not a valid config: JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a valid config: {err}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path}: not a valid config: expected a JSON object")
    return config


def _is_token(value: object) -> bool:
    # transformers writes special tokens as strings or as AddedToken dicts.
    return isinstance(value, str) or (
        isinstance(value, dict) and isinstance(value.get("content"), str)
    )


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64


#: What the value of each config key the package reads must be; other keys are ignored.
VALUE_CHECKS: dict[str, tuple[str, Callable[[object], bool]]] = {
    **{
        key: ("true or false", lambda v: isinstance(v, bool))
        for key in ("do_lower_case", "tokenize_chinese_chars", "byte_fallback")
    },
    **{
        key: ("true, false or null", lambda v: v is None or isinstance(v, bool))
        for key in ("strip_accents", "refine")
    },
    **{
        key: ("a string", lambda v: isinstance(v, str))
        for key in ("model", "pre_tokenizer", "continuing_subword_prefix", "end_of_word_suffix")
    },
    **{
        key: ("a token (a string) or null", lambda v: v is None or _is_token(v))
        for key in ("unk_token", "sep_token", "pad_token", "cls_token", "mask_token")
    },
    "scoring": ("a string or null", lambda v: v is None or isinstance(v, str)),
    "never_split": (
        "a list of strings or null",
        lambda v: v is None or (isinstance(v, list) and all(isinstance(w, str) for w in v)),
    ),
    "max_input_chars_per_word": ("an integer in [0, 2**64)", _is_count),
    "model_max_length": (
        "a number of at least 0",
        lambda v: (
            _is_count(v) or (isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0)
        ),
    ),
}


def check_values(path: Path, config: dict[str, Any]) -> None:
    """Raises a ``ValueError`` naming ``path`` and the key of the first wrong value.

    >>> check_values(Path("subword.json"), {"max_input_chars_per_word": -1})
    Traceback (most recent call last):
    ValueError: subword.json: max_input_chars_per_word must be an integer in [0, 2**64), got -1
    """
    for key, value in config.items():
        check = VALUE_CHECKS.get(key)
        if check is not None and not check[1](value):
            shown = repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            raise ValueError(f"{path}: {key} must be {check[0]}, got {shown}")


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
