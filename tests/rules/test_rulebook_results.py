"""Results of every rule book work with the metrics and the plots, as ``Allocation`` does.

The README says a rule book's ``.seats`` are national totals "so metrics and plots work
unchanged"; a review found they did not (no ``.votes``, plots refused anything but an
``Allocation``).  Expected values are computed here from the definition (Gallagher 1991: the
square root of half the sum of squared differences of vote and seat percentages).
"""

from __future__ import annotations

import math

import matplotlib
import pytest

import electsim as es
from electsim.rules import (
    DistrictContests,
    DistrictSystem,
    LevellingSystem,
    MixedElection,
    ParallelSystem,
)

matplotlib.use("Agg")


def _gallagher(votes: list[int], seats: list[int]) -> float:
    V, S = sum(votes), sum(seats)
    return math.sqrt(
        0.5 * sum((100 * v / V - 100 * s / S) ** 2 for v, s in zip(votes, seats, strict=True))
    )


TWO = es.Election([[500, 300, 200], [450, 330, 220]], parties=["A", "B", "C"], regions=["N", "S"])
DISTRICTS = DistrictSystem({"N": 2, "S": 2}, "dhondt")


@pytest.mark.parametrize(
    "system, seats",
    [
        # by hand: D'Hondt 2 seats per district, A and B win one each in both
        (DISTRICTS, [2, 2, 0]),
        # Sainte-Laguë of 6 on 950/630/420: 950 630 420 317 210 190 -> 3/2/1
        (LevellingSystem(DISTRICTS, {"N": 1, "S": 1}, threshold=es.Threshold("4%")), [3, 2, 1]),
    ],
)
def test_metrics_and_hemicycle_read_district_and_tier_results(
    system: DistrictSystem | LevellingSystem, seats: list[int]
) -> None:
    import matplotlib.pyplot as plt

    r = es.allocate(TWO, system)
    assert r.seats.tolist() == seats
    assert r.votes.tolist() == [950, 630, 420]
    assert es.metrics.gallagher(r) == pytest.approx(_gallagher([950, 630, 420], seats))
    ax = es.plotting.hemicycle(r)
    drawn = [c for c in ax.collections if c.get_gid() == "electsim-seats"]
    assert len(drawn[0].get_offsets()) == sum(seats)
    plt.close(ax.figure)


def test_mixed_result_hemicycle_counts_independents_in_the_house() -> None:
    import matplotlib.pyplot as plt

    e = es.Election([600, 400], parties="AB")
    # two districts: A wins d1, an independent wins d2
    d = DistrictContests(["d1", "d2"], [0, 0, 1, 1], [0, 1, None, 1], votes=[50, 40, 60, 30])
    r = es.allocate(MixedElection(e, d), ParallelSystem(es.ElectoralSystem(4, "hare"), 2))
    # Hare on 600/400 of 4: 2.4/1.6 -> 2/1, one remainder seat to B (0.6 > 0.4) -> 2/2; +1 A
    assert r.seats.tolist() == [3, 2] and int(r.house) == 6
    assert es.metrics.gallagher(r) == pytest.approx(_gallagher([600, 400], [3, 2]))
    ax = es.plotting.hemicycle(r)
    drawn = [c for c in ax.collections if c.get_gid() == "electsim-seats"]
    assert len(drawn[0].get_offsets()) == 6  # the independent's seat is drawn (white)
    plt.close(ax.figure)
