"""Seat distributions of the 2020 parliament under count uncertainty and vote buying.

Run: ``python examples/uncertainty.py [--n 20000]``

Data: Kloop Media's precinct count of 4 October 2020 aggregated to the ten regions, 1.5 % invalid
ballots assumed (the count does not report them).  Rules: the 2020 law (7 % of voters who took
part, 0.7 % per region, 120 seats, Hare, cap 65), ties decided by lot.

Count uncertainty: each region's ballots are redrawn from a Dirichlet-multinomial around its
observed shares, with the concentration estimated from the 2,413 polling stations
(``estimate_concentration(precincts, level="region")``: the between-station spread of shares,
turned into the spread of a regional total).  ASSUMPTION: the between-station heterogeneity is
treated as exchangeable noise, so this is a generous (wide) description of count uncertainty.

Manipulation: turnout buying for Birimdik with the defaults of
``electsim.manipulation.VoteBuying`` (IRI/SIAR price distribution, 24 % offer rate, compliance
0.65), drawn in sample mode, abstainers from an assumed 56.5 % turnout (CEC national figure).

Columns: P(pass) for Butun Kyrgyzstan and Mekenchil, mean seats of the five largest lists and
P(pro-government bloc >= 80 seats, a two-thirds majority).
"""

from __future__ import annotations

import argparse

import numpy as np

import electsim as es
from electsim.manipulation import VoteBuying
from electsim.simulate import DirichletMultinomial, estimate_concentration, simulate

BUDGETS_MILLION_SOM = (0, 10, 25, 50, 100, 200)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="draws per budget")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args()

    election = es.datasets.kyrgyzstan_2020_regions("1.5%")
    system = es.presets.kyrgyzstan_2020().replace(tie_break="lot")
    precincts = es.datasets.kyrgyzstan_2020_precincts()
    alpha_station = estimate_concentration(precincts)
    alpha = np.asarray(estimate_concentration(precincts, level="region"))
    model = DirichletMultinomial(alpha)
    print(f"Station-level concentration (pooled, method of moments): {alpha_station:.1f}")
    print(
        "Regional concentrations: "
        + ", ".join(f"{r.name} {a:,.0f}" for r, a in zip(election.regions, alpha, strict=True))
    )
    print(f"{args.n:,} draws per budget, seed {args.seed}\n")

    names = ["Birimdik", "Mekenim Kyrgyzstan", "Kyrgyzstan", "Butun Kyrgyzstan", "Mekenchil"]
    idx = [election.party_index(p) for p in names]
    head = (
        f"{'budget (M som)':<15}{'P(BUT pass)':>12}{'P(MCH pass)':>12}"
        + "".join(f"{election.parties[i].name[:8]:>10}" for i in idx)
        + f"{'P(gov>=80)':>12}"
    )
    print(head)
    print("-" * len(head))
    for budget in BUDGETS_MILLION_SOM:
        buy = None
        if budget:
            buy = VoteBuying(
                buyer="Birimdik",
                strategy="turnout",
                budget_som=budget * 1_000_000,
                assumed_turnout=0.565,
                mode="sample",
            )
        res = simulate(election, system, args.n, uncertainty=model, perturbation=buy, rng=args.seed)
        p = res.prob_pass
        mean = res.mean_seats
        print(
            f"{budget:<15,}{p[idx[3]]:>12.4f}{p[idx[4]]:>12.4f}"
            + "".join(f"{mean[i]:>10.2f}" for i in idx)
            + f"{res.prob_majority('pro-government', 'two_thirds'):>12.4f}"
        )
    print("\nThe budget-0 row is count uncertainty alone (point count: 46/44/16/14/0).")


if __name__ == "__main__":
    main()
