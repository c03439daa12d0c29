"""The Monte Carlo engine on a Dask cluster via ``client.get_executor()`` (optional ``dask`` extra).

CI installs the extra and runs this on a local two-worker cluster; without dask it is skipped.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_simulate import BUY, SYSTEM, arrays, small_election  # tests/ is on sys.path

from electsim.simulate import Multinomial, simulate

distributed = pytest.importorskip("distributed")


def test_dask_executor_gives_the_serial_result() -> None:
    e = small_election()
    kw: dict[str, Any] = dict(uncertainty=Multinomial(), perturbation=BUY, rng=11, seed_block=8)
    serial = simulate(e, SYSTEM, 96, chunk_size=16, **kw)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        parallel = simulate(e, SYSTEM, 96, chunk_size=24, executor=client.get_executor(), **kw)
    assert arrays(serial) == arrays(parallel)
