"""Presets: every registry entry builds, carries its source, and the Kyrgyz results hold."""

from __future__ import annotations

import pytest

from electsim import ElectoralSystem, allocate
from electsim.datasets import kyrgyzstan_2020
from electsim.presets import (
    MIXED_PRESETS,
    PRESETS,
    kyrgyzstan_2007,
    kyrgyzstan_2010,
    kyrgyzstan_2021,
    kyrgyzstan_2021_list_tier,
)
from electsim.presets import kyrgyzstan_2020 as kyrgyzstan_2020_law
from electsim.rules import ParallelSystem


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_list_presets_are_systems_with_sources(name: str) -> None:
    s = PRESETS[name]()
    assert isinstance(s, ElectoralSystem)
    assert s.name and s.source


def test_mixed_presets() -> None:
    s = MIXED_PRESETS["kyrgyzstan_2021"]()
    assert isinstance(s, ParallelSystem) and s.seats == 90 and s.source


def test_kyrgyz_rules_by_year() -> None:
    # thresholds and bases as the laws give them (see the presets' docstrings)
    assert (kyrgyzstan_2007().seats, kyrgyzstan_2007().national.percent) == (90, "5%")
    assert kyrgyzstan_2007().national.base == "registered"
    assert kyrgyzstan_2010().cap is not None and kyrgyzstan_2010().cap.max_seats == 65
    assert kyrgyzstan_2021_list_tier().cap is None
    assert kyrgyzstan_2021().n_districts == 36 and kyrgyzstan_2021().list_tier.seats == 54


def test_kyrgyzstan_2020_result_unchanged() -> None:
    # CEC preliminary figures of 5 Oct 2020: published 46/45/16/13 (Birimdik, Mekenim
    # Kyrgyzstan, Kyrgyzstan, Butun Kyrgyzstan)
    a = allocate(kyrgyzstan_2020(), kyrgyzstan_2020_law().replace(regional=None))
    assert a.seats.tolist()[:4] == [46, 45, 16, 13] and a.seats.sum() == 120


def test_cli_preset_choices_include_the_new_presets(capsys: pytest.CaptureFixture[str]) -> None:
    from electsim.cli import main

    assert main(["allocate", "--preset", "kyrgyzstan_2015", "--no-regional"]) == 0
    out = capsys.readouterr().out
    assert "--preset kyrgyzstan_2015" in out and "7% of ballots" in out
