"""electsim: exact, batched election-integrity simulation for list-PR parliaments.

Importing electsim changes no global state.

>>> import electsim as es
>>> e = es.Election([600, 300, 100], parties=["A", "B", "C"])
>>> es.allocate(e, es.ElectoralSystem(10, "dhondt")).seats.tolist()
[6, 3, 1]
"""

from . import (
    apportion,
    audit,
    datasets,
    errors,
    forensics,
    manipulation,
    metrics,
    plotting,
    presets,
    report,
    sensitivity,
    uncertainty,
)
from .allocate import Allocation, Tie, allocate
from .apportion import available_methods, get_method
from .election import Election, Party, PrecinctResults, Region
from .errors import ElectsimError, ElectsimWarning
from .simulate import (
    DirichletMultinomial,
    Multinomial,
    SimulationResult,
    estimate_concentration,
    simulate,
)
from .system import ElectoralSystem, SeatCap, Threshold

__version__ = "0.2.0.dev0"

__all__ = [
    "Allocation",
    "DirichletMultinomial",
    "Election",
    "ElectoralSystem",
    "ElectsimError",
    "ElectsimWarning",
    "Multinomial",
    "Party",
    "PrecinctResults",
    "Region",
    "SeatCap",
    "SimulationResult",
    "Threshold",
    "Tie",
    "__version__",
    "allocate",
    "apportion",
    "audit",
    "available_methods",
    "datasets",
    "errors",
    "estimate_concentration",
    "forensics",
    "get_method",
    "manipulation",
    "metrics",
    "plotting",
    "presets",
    "report",
    "sensitivity",
    "simulate",
    "uncertainty",
]
