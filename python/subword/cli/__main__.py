"""``python -m subword.cli``: the same as the ``subword`` command."""

import sys

from subword.cli import main

sys.exit(main())
