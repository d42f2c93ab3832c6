"""The doctest run's shared example: ``tokenizer`` in every doc string of the package.

Loaded by pytest from the repository root for both runs, the test suite and the doc-string
examples (``python -m pytest --doctest-modules --pyargs subword``, which
``scripts/test.sh`` runs from here against the installed package). It is not part of the
package, so it never ships in the wheel.
"""

from __future__ import annotations

from typing import Any

import pytest

#: The vocabulary of the doc strings' example tokenizer: ids 0 to 8.
EXAMPLE_TOKENS = "[PAD] [UNK] [CLS] [SEP] [MASK] hello world ! ##s".split()


@pytest.fixture(scope="session", autouse=True)
def _example_tokenizer(doctest_namespace: dict[str, Any]) -> None:
    """``tokenizer``: ``BertTokenizer(EXAMPLE_TOKENS)``, for the doc-string examples."""
    from subword import BertTokenizer

    doctest_namespace["tokenizer"] = BertTokenizer(EXAMPLE_TOKENS)
