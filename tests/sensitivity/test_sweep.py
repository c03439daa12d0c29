"""Sweeps over parameter grids and the labelled arrays they return."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import electsim as es
from electsim.errors import ElectsimError, ShapeMismatchError, UnknownNameError
from electsim.sensitivity.sweep import LabelledArray, sweep


def test_grid_order_and_values_match_a_double_loop() -> None:
    calls: list[tuple[float, int]] = []

    def f(rate: float, seats: int) -> float:
        calls.append((rate, seats))
        return rate * 1000 + seats

    out = sweep(f, rate=[0.05, 0.07], seats=[100, 120, 150])
    assert out.dims == ("rate", "seats") and out.shape == (2, 3)
    assert calls == [(r, s) for r in (0.05, 0.07) for s in (100, 120, 150)]  # row-major
    assert out.values.tolist() == [[150.0, 170.0, 200.0], [170.0, 190.0, 220.0]]
    assert out.coords["seats"].tolist() == [100, 120, 150]
    assert out.sel(rate=0.07, seats=120).item() == 190.0
    assert out.sel(seats=150).values.tolist() == [200.0, 220.0]


def national_election() -> es.Election:
    # five largest lists of 2020 (CEC, 5 Oct 2020), the other lists folded into against_all
    return es.Election(
        [487_685, 475_372, 174_317, 141_940, 136_276],
        against_all=[543_340],
        invalid=[31_823],
        parties=["BRM", "MKK", "KYR", "BUT", "MCH"],
    )


def test_vectorised_threshold_sweep_equals_pointwise_allocation() -> None:
    e = national_election()
    rates = ["5%", "6.9%", "7%", "7.2%"]

    def mch_seats(rate: str) -> int:
        s = es.ElectoralSystem(120, "hare", national=es.Threshold(rate), cap=65)
        return int(es.allocate(e, s).seats[4])

    out = sweep(mch_seats, rate=rates)
    # Mekenchil: 136,276 / 1,990,753 = 6.845 % of ballots -> passes 5 % and 6.9 %? 6.9 % of
    # 1,990,753 = 137,362 > 136,276: fails 6.9 %, 7 %, 7.2 %; passes 5 % (99,538 needed)
    assert [v > 0 for v in out.values.tolist()] == [True, False, False, False]

    # the same sweep vectorised over a budget axis: bought votes for MCH as a batch
    def mch_seats_budget(bought: np.ndarray) -> np.ndarray:
        v = np.broadcast_to(e.votes, (*bought.shape, 1, 5)).copy()
        v[..., 0, 4] += bought
        batch = es.Election(v, against_all=e.against_all, invalid=e.invalid)
        s = es.ElectoralSystem(120, "hare", national=es.Threshold("7%"), cap=65)
        return es.allocate(batch, s).seats[..., 4]

    vec = sweep(mch_seats_budget, vectorized=True, bought=[0, 3_500, 3_600])
    loop = sweep(lambda bought: mch_seats_budget(np.array(bought)).item(), bought=[0, 3_500, 3_600])
    assert vec.values.tolist() == loop.values.tolist()
    # 7 % of (1,990,753 + b) <= 136,276 + b  <=>  b >= (139,352.71 - 136,276)/0.93 = 3,308.3
    assert vec.values.tolist()[0] == 0 and vec.values.tolist()[1] > 0


def test_table_and_records() -> None:
    la = sweep(lambda a, b: a + b, a=[1, 2], b=[10, 20])
    assert la.to_records()[1] == {"a": 1, "b": 20, "value": 21}
    text = str(la)
    assert text.splitlines()[0].split() == ["a", "b", "value"]
    assert len(text.splitlines()) == 2 + 4
    big = sweep(lambda a: a, a=list(range(100)))
    assert "60 more rows" in big.__str__()


def test_to_frame_without_pandas(monkeypatch: pytest.MonkeyPatch) -> None:
    la = sweep(lambda a: a, a=[1, 2])
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(ElectsimError, match="pandas"):
        la.to_frame()


def test_to_frame_with_pandas() -> None:
    pd = pytest.importorskip("pandas")
    la = sweep(lambda a, b: a * b, a=[1, 2], b=[3, 4])
    df = la.to_frame()
    assert isinstance(df, pd.DataFrame)
    assert df["value"].tolist() == [3, 4, 6, 8]


def test_module_import_does_not_import_pandas() -> None:
    import subprocess

    code = "import sys, electsim.sensitivity.sweep; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_bad_input() -> None:
    with pytest.raises(ElectsimError, match="axis"):
        sweep(lambda: 0)
    with pytest.raises(ShapeMismatchError, match="1-D"):
        sweep(lambda a: a, a=[[1, 2]])
    with pytest.raises(ShapeMismatchError, match="1-D"):
        sweep(lambda a: a, a=[])
    with pytest.raises(ShapeMismatchError, match="vectorized"):
        sweep(lambda a: np.zeros(5), vectorized=True, a=[1, 2])
    with pytest.raises(ShapeMismatchError, match="one scalar"):
        sweep(lambda a: [a, a], a=[1, 2])
    with pytest.raises(ElectsimError, match="callable"):
        sweep(3, a=[1])  # type: ignore[arg-type]
    la = sweep(lambda a: a, a=[1, 2])
    with pytest.raises(UnknownNameError, match="not a coordinate"):
        la.sel(a=3)
    with pytest.raises(UnknownNameError, match="unknown dims"):
        la.sel(z=1)
    with pytest.raises(ShapeMismatchError):
        LabelledArray(("a",), {"a": [1, 2, 3]}, [1, 2])
    with pytest.raises(ElectsimError, match="duplicate"):
        LabelledArray(("a", "a"), {"a": [1]}, [[1]])


def test_values_are_read_only() -> None:
    la = sweep(lambda a: a, a=[1, 2])
    with pytest.raises(ValueError):
        la.values[0] = 5


def test_labelled_array_pickles_read_only() -> None:
    import pickle

    la = LabelledArray(("t", "s"), {"t": [0.05, 0.07], "s": [100, 120]}, [[1, 2], [3, 4]])
    back = pickle.loads(pickle.dumps(la))
    assert back.dims == ("t", "s") and back.values.tolist() == [[1, 2], [3, 4]]
    assert back.coords["s"].tolist() == [100, 120]
    assert not back.values.flags.writeable and not back.coords["t"].flags.writeable
