"""Risk-limiting audits of a seat allocation (see ``docs/audit.md``).

* :func:`assertions` -- linear assertions whose truth implies the reported seats, each with
  its SHANGRLA assorter;
* sequential tests :func:`alpha`, :func:`kaplan_wald`, :func:`kaplan_markov`,
  :func:`kaplan_kolmogorov`;
* :func:`batch_design` -- batch-level comparison with polling stations as batches
  (``kind="batch"``; uniform or PPS sampling);
* :func:`plan` (sample sizes), :class:`Audit` (run a real audit ballot by ballot) and
  :func:`simulate` (the audit's empirical risk and workload).
"""

from __future__ import annotations

from ._assertions import Assertion, AssertionSet, assertions, ballot_categories
from ._batch import SAMPLINGS, BatchDesign, batch_design, station_categories
from ._plan import (
    KINDS,
    AssertionPlan,
    AuditPlan,
    kelly_bet,
    lindeman_stark_sample_size,
    plan,
    plans,
)
from ._run import Audit
from ._sequential import TESTS, alpha, kaplan_kolmogorov, kaplan_markov, kaplan_wald, null_means
from ._simulate import AuditSimulation, simulate

__all__ = [
    "KINDS",
    "SAMPLINGS",
    "TESTS",
    "Assertion",
    "AssertionPlan",
    "AssertionSet",
    "Audit",
    "AuditPlan",
    "AuditSimulation",
    "BatchDesign",
    "alpha",
    "assertions",
    "ballot_categories",
    "batch_design",
    "kaplan_kolmogorov",
    "kaplan_markov",
    "kaplan_wald",
    "kelly_bet",
    "lindeman_stark_sample_size",
    "null_means",
    "plan",
    "plans",
    "simulate",
    "station_categories",
]
