"""tests/peer: transformers' own tokenizer suite run on our BertTokenizer.

The loading machinery is in ``peer_suite.py``; the test class and the exclusions are in
``test_transformers_suite.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from peer_suite import TRANSFORMERS_VERSION, cache_dir, peer_class_name, write_pretrained


def pytest_report_header(config: object) -> str:
    return (
        f"tests/peer: transformers {TRANSFORMERS_VERSION} TokenizerTesterMixin on "
        f"{peer_class_name()}.BertTokenizer (cache: {cache_dir()})"
    )


@pytest.fixture(scope="session", autouse=True)
def peer_pretrained_dir(bert_vocab_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The local bert-base-uncased folder (from tests/conftest.py's real vocab).

    Session-scoped and autouse, so it is written before any unittest ``setUpClass`` (a
    class-scoped fixture in pytest) reads it through ``peer_suite.pretrained_dir()``.
    """
    return write_pretrained(tmp_path_factory.mktemp("bert-base-uncased"), bert_vocab_file)


def pytest_configure(config: pytest.Config) -> None:
    # transformers.testing_utils' @slow adds pytest.mark.slow to the one slow test.
    config.addinivalue_line("markers", "slow: transformers' slow tests (run here: local data)")
