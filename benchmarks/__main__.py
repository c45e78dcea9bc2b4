"""``python -m benchmarks``: the gateway benchmarks (``benchmarks/runner.py``)."""

import sys

from benchmarks.runner import main

sys.exit(main())
