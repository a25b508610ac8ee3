"""``python -m salbench``: the same as the ``salbench`` console script."""

import sys

from .cli import main

sys.exit(main())
