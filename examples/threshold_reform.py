"""Threshold reform, exactly: the 2020 parliament as a step function of the threshold rate.

Run: ``python examples/threshold_reform.py``

A grid of thresholds (0 %, 0.5 %, 1 %, ...) misses where the parliament actually changes.  Here
every interval of rates is computed exactly (:func:`electsim.sensitivity.threshold_steps`): the
endpoints are fractions ``votes / base`` -- the rates at which a party stops qualifying -- and
each row is one parliament.

1. The national threshold from 0 % to 15 % on the CEC's preliminary national figures of
   5 October 2020, for the base of the 2020 law (voters who took part, ``ballots``) and the
   Venice Commission's recommendation (``valid`` votes).  The regional test is off: these
   figures have no regional breakdown.
2. The same on Kloop Media's precinct count aggregated to the nine regions + abroad, with the
   0.7 % regional threshold of the law held fixed and 1.5 % invalid ballots assumed (the
   assumption of Kloop's own calculator; the count does not report them).
3. The regional threshold from 0 % to 3 % on the same regional data, with the national 7 %
   held fixed, and without a national threshold.

Ties for the last seat are resolved by ``lowest_index`` (the 2020 law has no tie rule).
"""

from __future__ import annotations

import electsim as es
from electsim.sensitivity.breakpoints import threshold_steps

INVALID_RATE = "1.5%"


def main() -> None:
    law = es.presets.kyrgyzstan_2020().replace(tie_break="lowest_index")
    cec = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(INVALID_RATE)

    print("=" * 100)
    print(f"1. {cec.name}: national threshold 0-15 %")
    for base in ("ballots", "valid"):
        f = threshold_steps(cec, law.replace(regional=None), base=base, lo="0%", hi="15%")
        print()
        print(f)
        print(f"   ({len(f.pieces)} parliaments, computed in {f.seconds * 1000:.1f} ms)")

    print()
    print("=" * 100)
    print(f"2. {regional.name}: national threshold 0-15 %, 0.7 % per region held fixed")
    for base in ("ballots", "valid"):
        f = threshold_steps(regional, law, base=base, lo="0%", hi="15%")
        print()
        print(f)

    print()
    print("=" * 100)
    print("3. Regional threshold 0-3 % (base ballots in each region)")
    for label, system in (
        ("national 7 % held fixed", law),
        ("no national threshold", law.replace(national=None)),
    ):
        f = threshold_steps(regional, system, which="regional", lo="0%", hi="3%")
        print()
        print(f"-- {label}")
        print(f)
        names = regional.parties
        crit = sorted(
            (c, names[p].short) for p, c in enumerate(f.critical) if c is not None and c <= f.hi
        )
        print(
            "   critical regional rates (weakest region): "
            + ", ".join(f"{s} {float(c * 100):.4f}%" for c, s in crit)
        )


if __name__ == "__main__":
    main()
