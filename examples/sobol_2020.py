"""Which behaviour moves the 2020 parliament most, under each law?  Sobol indices per law.

Run: ``python examples/sobol_2020.py [--n 1024]``

Data: the CEC's preliminary national result of 5 October 2020 (16 lists, 1,990,753 ballots).
Rules: the 2020 law -- 120 seats, Hare largest remainder, 65-seat cap, national threshold of the
voters who took part -- without the regional 0.7 % test (national data have no regions); ties
are given to the lower list index.

The threshold is a *policy lever*, not an uncertain input: it is fixed in each analysis and the
analysis is repeated for each law (7 % as in 2020, 5 % as the 2021 draft, 3 % as the October 2020
bill).  The uncertain inputs are behavioural, independent and uniform:

* ``budget_som`` -- a vote-buying budget of Birimdik, 0-400 million som, spent at 2,000 som a
  vote (RFE/RL, Novopokrovka 2020) on switching voters of the other lists (an upper bound on
  what a budget buys: every paid voter who complies switches);
* ``compliance`` -- the share of paid voters who vote as paid, 0.3-1 (ASSUMPTION).

Outputs: the seats of Birimdik, Butun Kyrgyzstan and Mekenchil and the indicator that the
pro-government bloc (Birimdik, Mekenim Kyrgyzstan, Kyrgyzstan) holds two thirds (80 seats).
Vote buying runs in expected mode (deterministic, exact integers), as Sobol estimation requires.
An output that hardly varies under a law is flagged (``--``): its indices are not meaningful.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

import electsim as es
from electsim.manipulation.vote_buying import VoteBuying
from electsim.sensitivity.sobol import seats_function, sobol

LAWS = {"7 % (2020)": "7%", "5 % (2021 draft)": "5%", "3 % (Oct 2020 bill)": "3%"}
BEHAVIOUR = {"budget_som": stats.uniform(0, 4e8), "compliance": stats.uniform(0.3, 0.7)}


def perturb(e: es.Election, p: dict[str, np.ndarray]) -> Any:
    """A batch of perturbed elections, one per parameter point."""
    return VoteBuying(
        "Birimdik",
        strategy="switch",
        budget_som=p["budget_som"],
        compliance=p["compliance"],
        price_som=2000,
        mode="expected",
    ).apply(e)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1024, help="Sobol base sample (power of 2)")
    args = parser.parse_args()
    election = es.datasets.kyrgyzstan_2020()
    law_2020 = es.presets.kyrgyzstan_2020().replace(regional=None, tie_break="lowest_index")
    short = {p.name: p.short for p in election.parties}
    for label, rate in LAWS.items():
        law = law_2020.replace(national=es.Threshold(rate))
        base = es.allocate(election, law).by_party()
        print(f"== Law: national threshold {label}")
        print("baseline (no buying): " + " ".join(f"{short[k]} {s}" for k, s in base.items() if s))
        model = seats_function(
            election,
            law,
            parties=["Birimdik", "Butun Kyrgyzstan", "Mekenchil"],
            majorities=[("pro-government", "two_thirds")],
            perturb=perturb,
        )
        print(sobol(model, BEHAVIOUR, n=args.n, rng=2020))
        print()


if __name__ == "__main__":
    main()
