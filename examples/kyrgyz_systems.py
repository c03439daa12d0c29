"""Kyrgyz electoral systems 2007-2021 (and an MMP reform) on the same 2020 votes.

Run: ``python examples/kyrgyz_systems.py [--draws N] [--seed S] [--plot FILE]``

List tiers: every list-PR preset (:data:`electsim.presets.PRESETS`) on the CEC's preliminary
national figures of 5 Oct 2020 (the published parliament under the 2020 law is 46/45/16/13).
The figures have no regional breakdown, so every regional threshold is dropped (national test
only); registered voters (3,523,554) are published, so the 2007/2010 base of registered voters
works.

Mixed systems: the 2021 parallel system (54 list seats + 36 single-member districts) and, as a
reform idea, mixed-member proportional with the same 90 seats (5 % threshold or one district,
overhang kept).  Real district results are missing, so the districts come from
:func:`electsim.datasets.synthetic_districts` -- a SYNTHETIC layer from the 2020 precinct file
with stated ASSUMPTIONS (one candidate per list with >= 1 % in the district, two independents
sharing 20 % of the party vote, personal-vote noise sd 0.3, against all as in 2020).  The table
shows mean seats over ``--draws`` layers (default 200, seed 2021); the districts' personal-vote
noise is the only randomness.
"""

from __future__ import annotations

import argparse

import numpy as np

import electsim as es
from electsim.rules import MMPSystem

TOP = ("BRM", "MKK", "KYR", "BUT", "MCH", "RES", "ATM")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--draws", type=int, default=200, help="synthetic district layers")
    ap.add_argument("--seed", type=int, default=2021, help="seed of the district layer")
    ap.add_argument("--plot", metavar="FILE", help="save a bar chart of the table to FILE")
    args = ap.parse_args()

    cec = es.datasets.kyrgyzstan_2020()
    shorts = [p.short for p in cec.parties]
    cols = [shorts.index(s) for s in TOP]
    head = f"{'system':<44} {'house':>5} " + " ".join(f"{s:>5}" for s in TOP)
    head += f" {'other':>5} {'indep':>5} {'unfil':>5}"
    print("Kyrgyz systems on the 2020 votes (CEC figures of 5 Oct 2020; regional tests dropped)")
    print(head)
    print("-" * len(head))
    rows: dict[str, np.ndarray] = {}

    def show(label: str, house: float, seats: np.ndarray, indep: float, unfilled: float) -> None:
        other = seats.sum() - seats[cols].sum()
        values = [*seats[cols], other, indep, unfilled]
        mean = seats.dtype.kind == "f"  # a mean over draws: one decimal
        cells = " ".join(f"{x:>5.1f}" if mean else f"{int(x):>5}" for x in values)
        print(f"{label:<44} {house:>5.0f} {cells}")
        rows[label] = seats[cols]

    for preset in es.presets.PRESETS.values():
        system = preset().replace(regional=None)
        a = es.allocate(cec, system)
        show(f"{system.name} (list PR)", system.seats, a.seats, 0, int(a.unfilled))

    layer = es.datasets.synthetic_districts(n_draws=args.draws, rng=args.seed)
    parallel = es.presets.kyrgyzstan_2021()
    tier = parallel.list_tier.replace(regional=None)
    parallel = parallel.replace(list_tier=tier, tie_break="lowest_index")
    mmp = MMPSystem(
        tier.replace(seats=90),
        36,
        overhang="keep",
        alternative_district_seats=1,
        tie_break="lowest_index",
        name="MMP reform",
    )
    for label, system in (
        ("Kyrgyzstan 2021 parallel (synthetic SMDs)", parallel),
        ("MMP reform 90 (5 % or 1 SMD; synthetic)", mmp),
    ):
        r = system.allocate(cec, districts=layer)
        show(
            label,
            float(r.house.mean()),
            r.seats.mean(axis=0),
            float(r.independents.mean()),
            float(r.unfilled.mean()),
        )
    print(
        f"Mixed rows: mean over {args.draws} synthetic district layers (seed {args.seed}); "
        "'indep' = district seats of independents."
    )

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 4.5))
        width = 0.8 / len(rows)
        for k, (label, seats) in enumerate(rows.items()):
            ax.bar(np.arange(len(TOP)) + k * width, seats, width, label=label)
        ax.set_xticks(np.arange(len(TOP)) + 0.4 - width / 2, TOP)
        ax.set_ylabel("seats")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(args.plot)
        print(f"saved {args.plot}")


if __name__ == "__main__":
    main()
