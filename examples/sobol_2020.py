"""Which uncertain input moves the 2020 parliament most?  Sobol indices of seat outputs.

Run: ``python examples/sobol_2020.py``

Data: the CEC's preliminary national result of 5 October 2020 (16 lists, 1,990,753 ballots).
Rules: the 2020 law -- 120 seats, Hare largest remainder, 65-seat cap, national threshold of the
voters who took part -- without the regional 0.7 % test (national data have no regions); ties are
given to the lower list index (none occur at the preliminary figures).

Three uncertain inputs, independent and uniform:

* ``threshold`` -- the national threshold rate, 2-9 % (a reform debate: 7 % in 2020, 5 % in 2021;
  below about 3.3 % the pro-government bloc loses its two-thirds);
* ``budget_som`` -- a vote-buying budget of Birimdik, 0-400 million som, spent at 2,000 som a vote
  (RFE/RL, Novopokrovka 2020) on switching voters of the other lists; 24 % of them receive an
  offer (IRI/SIAR 2021), all accept (upper bound);
* ``compliance`` -- the share of paid voters who vote as paid, 0.3-1.

Outputs: the seats of Birimdik, Butun Kyrgyzstan and Mekenchil and the indicator that the
pro-government bloc (Birimdik, Mekenim Kyrgyzstan, Kyrgyzstan) holds two thirds (80 seats).
Vote buying runs in expected mode (deterministic, exact integers), as Sobol estimation requires.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats  # type: ignore[import-untyped]

import electsim as es
from electsim.manipulation.vote_buying import VoteBuying
from electsim.sensitivity.sobol import seats_function, sobol

election = es.datasets.kyrgyzstan_2020()
system = es.presets.kyrgyzstan_2020().replace(regional=None, tie_break="lowest_index")


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


model = seats_function(
    election,
    system,
    parties=["Birimdik", "Butun Kyrgyzstan", "Mekenchil"],
    majorities=[("pro-government", "two_thirds")],
    national_rate="threshold",
    perturb=perturb,
)

base = es.allocate(election, system).by_party()
short = {p.name: p.short for p in election.parties}
print(
    "baseline (7 %, no buying): "
    + " ".join(f"{short[name]} {s}" for name, s in base.items() if s > 0)
)
print()

result = sobol(
    model,
    {
        "threshold": stats.uniform(0.02, 0.07),
        "budget_som": stats.uniform(0, 4e8),
        "compliance": stats.uniform(0.3, 0.7),
    },
    n=1024,
    rng=2020,
)
print(result)
