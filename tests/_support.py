"""Helpers shared by test files in every directory of the suite (see tests/README.md).

Importable as ``_support`` from any test file: ``pythonpath = ["tests"]`` in the pytest
configuration (pyproject.toml) puts this folder on ``sys.path``.  Fixtures live in
``conftest.py``; this module holds what a test imports: paths of the repository, a runner for
scripts, Hypothesis strategies and statistical checks used by more than one file.
"""

from __future__ import annotations

from pathlib import Path

#: The repository checkout (the folder holding ``pyproject.toml``), wherever a test file sits.
REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"
BENCHMARKS = REPO_ROOT / "benchmarks"
DOCS = REPO_ROOT / "docs"
