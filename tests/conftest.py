"""Suite-wide test configuration and the fixtures shared by every test folder.

Hypothesis runs derandomized everywhere (the examples are derived from each test's source, so
a run never depends on the clock or on a previous run's database): a property test that fails
fails on every machine, and the suite never goes red at random. ``HYPOTHESIS_PROFILE=explore``
switches to random exploration (with a database) for local bug hunting.

Helpers that tests import (paths, strategies, statistical checks) are in ``_support.py``; see
tests/README.md.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

import electsim as es

settings.register_profile("deterministic", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


@pytest.fixture(scope="session")
def cec() -> es.Election:
    """The CEC's national preliminary count of 4 Oct 2020 (``electsim.datasets.kyrgyzstan_2020``;
    read-only, so one copy serves the whole session)."""
    return es.datasets.kyrgyzstan_2020()
