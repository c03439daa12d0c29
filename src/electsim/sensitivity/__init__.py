"""Sensitivity analyses: exact breakpoints, tipping points, sweeps and Sobol indices.

* :mod:`~electsim.sensitivity.breakpoints` -- the composition as an exact step function of a
  threshold rate (``Fraction`` endpoints) or of an integer manipulation intensity.
* :mod:`~electsim.sensitivity.sobol` -- Sobol first- and total-order indices of seat outputs
  (``scipy.stats.sobol_indices``) with reproducible bootstrap intervals.
"""

from .breakpoints import (
    ChangePoint,
    IntegerStepFunction,
    Path,
    Piece,
    StepFunction,
    add_path,
    path_steps,
    remove_path,
    switch_path,
    threshold_steps,
)
from .sobol import SobolResult, allocate_national_rates, seats_function, sobol

__all__ = [
    "ChangePoint",
    "IntegerStepFunction",
    "Path",
    "Piece",
    "SobolResult",
    "StepFunction",
    "add_path",
    "allocate_national_rates",
    "path_steps",
    "remove_path",
    "seats_function",
    "sobol",
    "switch_path",
    "threshold_steps",
]
