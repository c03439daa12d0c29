"""Sensitivity analyses: exact breakpoints, tipping points, sweeps and Sobol indices.

* :mod:`~electsim.sensitivity.breakpoints` -- the composition as an exact step function of a
  threshold rate (``Fraction`` endpoints) or of an integer manipulation intensity.
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

__all__ = [
    "ChangePoint",
    "IntegerStepFunction",
    "Path",
    "Piece",
    "StepFunction",
    "add_path",
    "path_steps",
    "remove_path",
    "switch_path",
    "threshold_steps",
]
