"""Sensitivity analyses: exact breakpoints, tipping points, sweeps and Sobol indices.

* :mod:`~electsim.sensitivity.breakpoints` -- the composition as an exact step function of a
  threshold rate (``Fraction`` endpoints) or of an integer manipulation intensity.
* :mod:`~electsim.sensitivity.tipping` -- the minimum manipulation (votes, % of ballots, som)
  that reaches a target, with a plan that is applied and verified.
* :mod:`~electsim.sensitivity.sweep` -- outputs over a grid of parameters as a labelled array.
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
from .sweep import LabelledArray, sweep
from .tipping import (
    SOM_PER_VOTE,
    Action,
    Add,
    Move,
    PlanStep,
    Remove,
    Switch,
    Target,
    TippingPoint,
    any_change,
    bloc_loses,
    bloc_reaches,
    fails,
    gains_seat,
    loses_seat,
    passes,
    qualifies,
    tipping_point,
)

__all__ = [
    "SOM_PER_VOTE",
    "Action",
    "Add",
    "ChangePoint",
    "IntegerStepFunction",
    "LabelledArray",
    "Move",
    "Path",
    "Piece",
    "PlanStep",
    "Remove",
    "SobolResult",
    "StepFunction",
    "Switch",
    "Target",
    "TippingPoint",
    "add_path",
    "allocate_national_rates",
    "any_change",
    "bloc_loses",
    "bloc_reaches",
    "fails",
    "gains_seat",
    "loses_seat",
    "passes",
    "path_steps",
    "qualifies",
    "remove_path",
    "seats_function",
    "sobol",
    "sweep",
    "switch_path",
    "threshold_steps",
    "tipping_point",
]
