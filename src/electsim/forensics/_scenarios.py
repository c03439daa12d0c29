"""The 2020 manipulation scenarios for detectability studies (one place for their parameters).

Each factory maps a level to a perturbation of :mod:`electsim.manipulation` favouring
Birimdik; they are top-level functions so that they pickle for process pools.  Levels span
from small (a remainder seat may move) to large; only some of them push Butun Kyrgyzstan below
7 % of ballots (a Birimdik-favouring manipulation cannot lift Mekenchil above it) -- which
ones, with what probability, is measured by ``examples/detectability_2020.py`` and tabulated
in ``docs/forensics.md``.  Every other parameter is the manipulation model's documented
default (prices, offer rates, compliance, ...); the default offer rate caps turnout buying, so
its 200 M and 400 M som levels buy the same votes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..manipulation import BallotStuffing, Coercion, Transport, VoteBuying

__all__ = [
    "SCENARIOS_2020",
    "coercion",
    "form2_transport",
    "stuffing",
    "switching",
    "turnout_buying",
]

PARTY = "Birimdik"


def turnout_buying(budget_som: float) -> Any:
    """Turnout buying for Birimdik with a budget in som (default prices and offer rate)."""
    return VoteBuying(party=PARTY, strategy="turnout", budget_som=budget_som)


def switching(budget_som: float) -> Any:
    """Vote switching to Birimdik from every other option, budget in som."""
    return VoteBuying(party=PARTY, strategy="switch", budget_som=budget_som)


def form2_transport(voters: float) -> Any:
    """Form No. 2: ``voters`` moved into Bishkek city and Osh city (weights 80 : 30), with
    compliance 0.65 for Birimdik."""
    return Transport(
        voters=int(voters),
        destinations={"Bishkek city": 80, "Osh city": 30},
        party=PARTY,
        compliance=0.65,
    )


def coercion(employee_share: float) -> Any:
    """Workplace coercion for Birimdik of ``employee_share`` of registered voters."""
    return Coercion(party=PARTY, employee_share=employee_share)


def stuffing(incremental: float) -> Any:
    """Klimek et al. (2012) fraud for Birimdik: ``f_i = incremental``, ``f_e = f_i / 10``."""
    return BallotStuffing(PARTY, incremental=incremental, extreme=incremental / 10)


#: label -> (factory, levels, short name for the command line)
SCENARIOS_2020: dict[str, tuple[Callable[[float], Any], list[float], str]] = {
    "turnout buying (som)": (turnout_buying, [25e6, 50e6, 100e6, 200e6, 400e6], "turnout-buying"),
    "switching (som)": (switching, [10e6, 25e6, 50e6, 100e6, 200e6], "switching"),
    "Form No. 2 transport (voters)": (
        form2_transport,
        [10e3, 25e3, 50e3, 110e3, 200e3],
        "transport",
    ),
    "coercion (employee share)": (coercion, [0.02, 0.05, 0.1, 0.2, 0.3], "coercion"),
    "ballot stuffing (f_i; f_e = f_i/10)": (stuffing, [0.005, 0.01, 0.02, 0.05, 0.1], "stuffing"),
}
