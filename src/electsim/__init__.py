"""electsim: exact, batched election-integrity simulation for list-PR parliaments.

Who wins seats under a set of rules -- and under any reform or manipulation -- computed
exactly (integers and fractions decide every threshold and seat; floats only describe) and in
batches of many elections at once (arrays with leading batch axes, no Python loop over them).
Reference case: Kyrgyzstan's annulled parliamentary election of 4 October 2020.

Entry points (top level)
------------------------
Election, Party, Region, PrecinctResults
    The data: votes ``(*batch, R, P)`` per region (or per polling station), against-all,
    invalid and registered counts.  ``Election.from_csv`` / ``from_mapping`` read your own.
ElectoralSystem, Threshold, SeatCap
    The rules: house size, method, national and regional thresholds, cap, tie policy.
allocate -> Allocation
    Seats for one election or a batch, with every rule's outcome, ties and ``explain()``; any
    other rule book (``SupportsAllocate``: ``.seats`` and ``.allocate(election, rng=)``) runs
    its own allocation.
eligibility -> Eligibility, Apportionment, SupportsAllocate
    The public stages ``allocate`` composes: the thresholds (who passes which test), then one
    apportionment with caps and ties, ``electsim.stages.apportion -> Apportionment``.
simulate, Multinomial, DirichletMultinomial, estimate_concentration -> SimulationResult
    Seeded, chunked Monte Carlo over count uncertainty (and manipulation).
get_method, available_methods
    The apportionment methods (Hare, Droop, D'Hondt, Sainte-Laguë, ... twelve in all) and
    their parametrised families (``sainte_lague(first_divisor=...)``, ``divisor_method``,
    ``largest_remainder(quota, rounding)`` in :mod:`electsim.apportion`).

Subpackages and modules
-----------------------
apportion
    quota and divisor methods: batch kernels and exact references
stages
    the allocation stages ``eligibility`` and ``apportion`` (the function is reached as
    ``electsim.stages.apportion``: ``electsim.apportion`` is the methods subpackage)
rules
    rule books beyond one list tier: per-kind thresholds (``ByKind``), alternative
    qualification (``Exempt``, ``DistrictShare``), districts (``DistrictSystem``,
    ``Magnitudes``), levelling and second-scrutiny tiers (``LevellingSystem``,
    ``RemainderSystem``), mixed systems (``ParallelSystem``, ``MMPSystem``)
datasets
    the bundled Kyrgyzstan 2020 data (national, regional, 2,413 stations), its
    reconciliation, and a seeded synthetic single-member-district layer
presets
    Kyrgyz rule sets with their legal sources: 2007, 2010, 2015, 2020, the 2021 list tier and
    the 2021 parallel system
metrics
    disproportionality, effective number of parties, blocs, majorities, power
manipulation
    vote buying, Form No. 2 transport, carousels, coercion, ballot stuffing, each with an
    exact ledger
uncertainty
    the layered uncertainty model of ``simulate`` (counting error, invalid rate, missing
    stations, swing)
sensitivity
    exact step functions of thresholds and manipulation, tipping points, Sobol indices,
    sweeps
forensics
    detectors on station data, the clean-election null model, power and detectability
audit
    risk-limiting audits: assertions, sequential tests, plans, running and simulating audits
report
    summaries and scenario tables
plotting
    hemicycles, step plots, heatmaps, seat distributions, forensic and audit figures
    (matplotlib)
errors
    ElectsimError and its subclasses (every bad input), warnings
cli
    the ``electsim`` command (``electsim --help``)

Results print as readable tables (``print(allocation)``), render as the same table in a
notebook, and convert with ``to_records()`` / ``to_json()``.  Importing electsim changes no
global state.

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
    rules,
    sensitivity,
    stages,
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
from .stages import Apportionment, Eligibility, SupportsAllocate, eligibility
from .system import ElectoralSystem, SeatCap, Threshold

__version__ = "0.2.0.dev0"

__all__ = [
    "Allocation",
    "Apportionment",
    "DirichletMultinomial",
    "Election",
    "ElectoralSystem",
    "ElectsimError",
    "ElectsimWarning",
    "Eligibility",
    "Multinomial",
    "Party",
    "PrecinctResults",
    "Region",
    "SeatCap",
    "SimulationResult",
    "SupportsAllocate",
    "Threshold",
    "Tie",
    "__version__",
    "allocate",
    "apportion",
    "audit",
    "available_methods",
    "datasets",
    "eligibility",
    "errors",
    "estimate_concentration",
    "forensics",
    "get_method",
    "manipulation",
    "metrics",
    "plotting",
    "presets",
    "report",
    "rules",
    "sensitivity",
    "simulate",
    "stages",
    "uncertainty",
]
