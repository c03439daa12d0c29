"""How sure can we be about the 2020 parliament?  P(pass) under each uncertainty layer.

Run: ``python examples/uncertainty.py [--n 4000] [--seed 2020]``

Data: Kloop Media's precinct count of 4 October 2020 aggregated to the ten regions.  It is an
incomplete count (61 of the CEC's 2,429 domestic stations are missing, 80,749 valid votes fewer:
``electsim.datasets.kyrgyzstan_2020_reconciliation()``) and reports no invalid ballots; where no
layer says otherwise, 1.5 % invalid ballots are assumed (Kloop's own calculator).  Rules: the
2020 law (7 % of voters who took part, 0.7 % per region, 120 seats, Hare, cap 65), ties by lot.

Each row runs ``simulate`` with one layer of ``electsim.uncertainty`` alone, then all of them
together (every layer and default is discussed in ``docs/uncertainty.md``):

* counting error -- 0.1 % of ballots misrecorded (ASSUMPTION);
* invalid rate -- agnostic: uniform on 0-3.2 % (none to twice the CEC's 1.60 %); CEC-informed:
  uniform on 1.2-2.0 % (ASSUMPTIONS);
* missing stations -- the 61 absent stations imputed by resampling the 2,368 domestic ones
  (a hot deck: they resemble the stations present); or the count *completed* to the CEC's
  national totals (``kyrgyzstan_2020_regions(..., complete=True)``: each list's shortfall split
  over the regions like its votes -- the regional split is the ASSUMPTION);
* swing -- re-run variability: national sd 0.03, regional 0.05 on the log-share (ASSUMPTIONS);
* Dirichlet-multinomial -- the older model: between-station spread (lasting geography) turned
  into regional noise; shown for comparison, it is not count uncertainty;
* vote buying -- turnout buying for Birimdik with a budget uniform on 0-100 million som
  (manipulation parameters as a distribution).

Columns: P(pass) of Butun Kyrgyzstan, Mekenchil and Respublika; mean seats of the five largest
lists.  The last line conditions on the drawn invalid rate.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

import electsim as es
from electsim.manipulation import VoteBuying
from electsim.uncertainty import (
    CountingError,
    DirichletMultinomial,
    InvalidRate,
    Manipulation,
    MissingStations,
    Swing,
)

AGNOSTIC = stats.uniform(0.0, 0.032)
CEC_INFORMED = stats.uniform(0.012, 0.008)
CROSSING = 0.0052168  # Mekenchil passes iff the invalid rate is below (docs/uncertainty.md)


def buy_for_birimdik(params: dict[str, np.ndarray]) -> Any:
    """Turnout buying for Birimdik, one budget per draw (module level: picklable)."""
    return VoteBuying(
        "Birimdik",
        strategy="turnout",
        budget_som=params["budget_som"],
        assumed_turnout=0.565,
        mode="sample",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4_000, help="draws per row")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    precincts = es.datasets.kyrgyzstan_2020_precincts()
    missing = es.datasets.kyrgyzstan_2020_reconciliation().stations_missing
    base = es.datasets.kyrgyzstan_2020_regions(0)  # invalid ballots come from a layer
    fixed = es.datasets.kyrgyzstan_2020_regions("1.5%")
    completed = es.datasets.kyrgyzstan_2020_regions("1.5%", complete=True)
    system = es.presets.kyrgyzstan_2020().replace(tie_break="lot")
    alpha = np.asarray(es.estimate_concentration(precincts, level="region"))
    count_layers = [MissingStations(precincts, missing), CountingError(), InvalidRate(AGNOSTIC)]
    rows: list[tuple[str, es.Election, list[Any]]] = [
        ("reported count, 1.5 % invalid", fixed, []),
        ("counting error 0.1 %", fixed, [CountingError()]),
        ("invalid rate U(0, 3.2 %)", base, [InvalidRate(AGNOSTIC)]),
        ("invalid rate U(1.2, 2.0 %)", base, [InvalidRate(CEC_INFORMED)]),
        (f"missing stations ({missing})", fixed, [MissingStations(precincts, missing)]),
        ("completed to CEC totals", completed, []),
        ("completed + invalid U(0, 3.2 %)", completed, [InvalidRate(AGNOSTIC)]),
        ("swing 0.03 / 0.05 (re-run)", fixed, [Swing(0.03, 0.05)]),
        ("Dirichlet-multinomial", fixed, [DirichletMultinomial(alpha)]),
        (
            "vote buying U(0, 100 M som)",
            fixed,
            [Manipulation(buy_for_birimdik, {"budget_som": stats.uniform(0, 1e8)})],
        ),
        ("count layers together", base, count_layers),
        ("count layers + swing", base, [*count_layers[:2], Swing(0.03, 0.05), count_layers[2]]),
    ]
    names = ["Birimdik", "Mekenim Kyrgyzstan", "Kyrgyzstan", "Butun Kyrgyzstan", "Mekenchil"]
    idx = [base.party_index(p) for p in names]
    res_idx = base.party_index("Respublika")
    print(f"{args.n:,} draws per row, seed {args.seed}; 2020 law, Kloop precinct count")
    head = f"{'Layers':<31}{'P(BUT)':>8}{'P(MCH)':>8}{'P(RES)':>8}  " + "".join(
        f"{base.parties[i].short:>6}" for i in idx
    )
    print(head)
    print("-" * len(head))
    together = None
    for label, election, layers in rows:
        res = es.simulate(election, system, args.n, uncertainty=layers or None, rng=args.seed)
        p = res.prob_pass
        print(
            f"{label:<31}{p[idx[3]]:>8.3f}{p[idx[4]]:>8.3f}{p[res_idx]:>8.3f}  "
            + "".join(f"{res.mean_seats[i]:>6.1f}" for i in idx)
        )
        if label == "count layers together":
            together = res
    assert together is not None
    rate = together.parameters["invalid_rate"]
    low = rate <= CROSSING
    mch = together.eligible[:, idx[4]]
    print()
    print(
        f"Count layers together, by the drawn invalid rate: P(MCH passes | rate <= 0.52 %) = "
        f"{mch[low].mean():.3f} ({int(low.sum()):,} draws), P(MCH passes | rate > 0.52 %) = "
        f"{mch[~low].mean():.3f}"
    )
    mch_c = completed.national_votes[idx[4]].item()
    print(
        f"Completed to the CEC's totals, Mekenchil has {mch_c:,} votes, below 7 % of the "
        f"{completed.national_valid.item():,} valid votes alone: it fails at any invalid rate."
    )


if __name__ == "__main__":
    main()
