"""Suite-wide test configuration.

Hypothesis runs derandomized everywhere (the examples are derived from each test's source, so
a run never depends on the clock or on a previous run's database): a property test that fails
fails on every machine, and the suite never goes red at random. ``HYPOTHESIS_PROFILE=explore``
switches to random exploration (with a database) for local bug hunting.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))
