"""The one place where electsim's allocation code turns an ``rng`` argument into a generator."""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import ElectsimError

__all__ = ["LotRng", "RngLike", "normalise_rng"]

RngLike = int | np.random.Generator | None


def normalise_rng(rng: RngLike) -> np.random.Generator:
    """``None`` -> a fresh generator, an int seed >= 0 -> ``default_rng(seed)``, a Generator as is.

    >>> bool(normalise_rng(3).integers(0, 100) == normalise_rng(3).integers(0, 100))
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ElectsimError(f"rng={rng!r} must be a non-negative int seed")
        return np.random.default_rng(int(rng))
    raise ElectsimError(f"rng={rng!r} must be None, an int seed or a numpy Generator")


class LotRng:
    """The generator of ``tie_break="lot"`` when no ``rng`` was given: it draws a seed only if a
    lot is actually drawn, so untied allocations stay deterministic and silent."""

    def __init__(self) -> None:
        self.seed: int | None = None
        self._gen: np.random.Generator | None = None

    def choice(self, *args: Any, **kwargs: Any) -> Any:
        if self._gen is None:
            self.seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
            self._gen = np.random.default_rng(self.seed)
        return self._gen.choice(*args, **kwargs)
