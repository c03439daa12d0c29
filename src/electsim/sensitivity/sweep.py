"""Sweeps: evaluate a function over the cartesian grid of named axes, as a labelled array.

>>> from electsim.sensitivity.sweep import sweep
>>> out = sweep(lambda a, b: a * b, a=[1, 2, 3], b=[10, 20])
>>> out.dims, out.values.tolist()
(('a', 'b'), [[10, 20], [20, 40], [30, 60]])
>>> out.sel(a=2).values.tolist()
[20, 40]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import HTMLReprMixin
from ..errors import ElectsimError, ShapeMismatchError, UnknownNameError

__all__ = ["LabelledArray", "sweep"]


@dataclass(frozen=True, eq=False)
class LabelledArray(HTMLReprMixin):
    """An array with named dimensions and a coordinate vector along each.

    Attributes
    ----------
    dims : tuple of str
        Dimension names, one per axis of ``values``.
    coords : mapping of str to ndarray
        ``coords[d]`` has length ``values.shape[i]`` for ``d = dims[i]``.
    values : ndarray

    Examples
    --------
    >>> la = LabelledArray(("t",), {"t": [0.05, 0.07]}, [3, 2])
    >>> print(la)
    t     value
    -----------
    0.05      3
    0.07      2
    >>> la.sel(t=0.07).item()
    2
    """

    dims: tuple[str, ...]
    coords: Mapping[str, NDArray[Any]]
    values: NDArray[Any]

    def __init__(
        self, dims: Sequence[str], coords: Mapping[str, ArrayLike], values: ArrayLike
    ) -> None:
        d = tuple(str(x) for x in dims)
        if len(set(d)) != len(d):
            raise ElectsimError(f"dims={d!r} has duplicate names")
        v = np.asarray(values)
        if v.ndim != len(d):
            raise ShapeMismatchError(f"values has {v.ndim} axes but dims={d!r} names {len(d)}")
        if set(coords) != set(d):
            raise ElectsimError(f"coords has keys {sorted(coords)}; expected {sorted(d)}")
        cs: dict[str, NDArray[Any]] = {}
        for i, name in enumerate(d):
            c = np.asarray(coords[name])
            if c.ndim != 1 or c.shape[0] != v.shape[i]:
                raise ShapeMismatchError(
                    f"coords[{name!r}] has shape {c.shape}; expected ({v.shape[i]},)"
                )
            c.setflags(write=False)
            cs[name] = c
        v = v.copy()
        v.setflags(write=False)
        object.__setattr__(self, "dims", d)
        object.__setattr__(self, "coords", MappingProxyType(cs))
        object.__setattr__(self, "values", v)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of ``values``."""
        return tuple(self.values.shape)

    def item(self) -> Any:
        """The single value of a 0-dimensional array, as a Python scalar."""
        return self.values.item()

    def _position(self, dim: str, value: Any) -> int:
        c = self.coords[dim]
        if c.dtype.kind in "fc":
            hit = np.flatnonzero(np.isclose(c, value, rtol=1e-12, atol=0.0))
        else:
            hit = np.flatnonzero(c == value)
        if hit.size == 0:
            raise UnknownNameError(f"{dim}={value!r} is not a coordinate; have {c.tolist()}")
        return int(hit[0])

    def sel(self, **coords: Any) -> LabelledArray:
        """Select by coordinate value (floats match to 1e-12 relative); drops those dims."""
        unknown = set(coords) - set(self.dims)
        if unknown:
            raise UnknownNameError(f"sel() got unknown dims {sorted(unknown)}; dims {self.dims}")
        index = tuple(
            self._position(d, coords[d]) if d in coords else slice(None) for d in self.dims
        )
        keep = [d for d in self.dims if d not in coords]
        return LabelledArray(keep, {d: self.coords[d] for d in keep}, self.values[index])

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per grid point: the coordinates and ``"value"`` (plain Python)."""
        rows = []
        for idx in itertools.product(*(range(n) for n in self.shape)):
            row = {d: self.coords[d][i].item() for d, i in zip(self.dims, idx, strict=True)}
            row["value"] = self.values[idx].item()
            rows.append(row)
        return rows

    def to_frame(self) -> Any:
        """A pandas DataFrame in long format (one row per grid point); needs pandas."""
        try:
            import pandas as pd  # type: ignore[import-untyped,unused-ignore]
        except ImportError as exc:
            raise ElectsimError(
                "to_frame() needs pandas, which is not installed (pip install pandas); "
                "use to_records() for plain Python"
            ) from exc
        return pd.DataFrame.from_records(self.to_records(), columns=[*self.dims, "value"])

    def __str__(self, max_rows: int = 40) -> str:
        recs = self.to_records()
        cols = [*self.dims, "value"]

        def fmt(x: Any) -> str:
            return f"{x:.6g}" if isinstance(x, float) else str(x)

        cells = [[fmt(r[c]) for c in cols] for r in recs[:max_rows]]
        widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(cols)]
        nd = len(self.dims)

        def line(items: Sequence[str]) -> str:
            return "  ".join(
                x.ljust(w) if i < nd else x.rjust(w)
                for i, (x, w) in enumerate(zip(items, widths, strict=True))
            )

        head = line(cols)
        lines = [head, "-" * len(head), *(line(row) for row in cells)]
        if len(recs) > max_rows:
            lines.append(f"... {len(recs) - max_rows} more rows")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"LabelledArray(dims={self.dims}, shape={self.shape})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles by value (the coordinate mapping is a read-only proxy, which cannot)."""
        return (LabelledArray, (self.dims, dict(self.coords), self.values))


def sweep(
    function: Callable[..., Any], *, vectorized: bool = False, **axes: ArrayLike
) -> LabelledArray:
    """Evaluate ``function`` over the cartesian grid of the named axes.

    Parameters
    ----------
    function : callable
        Called with the axes as keyword arguments.  Returns a scalar per grid point.
    vectorized : bool, default False
        ``True``: one call with every argument an array of the grid's shape (``np.meshgrid``
        with ``indexing="ij"``), returning an array of that shape -- e.g. a function that builds
        a batched election or a manipulation with parameter arrays.  ``False``: one call per
        grid point, in row-major order.
    **axes : 1-D array_like
        The coordinates of each dimension, in the order given.

    Returns
    -------
    LabelledArray
        ``dims`` = the axis names, ``values`` of shape ``(len(axis_1), len(axis_2), ...)``.

    Examples
    --------
    Seats of party B (votes 600 : b : 100, D'Hondt, 5 seats) for a range of b, vectorised:
    the grid becomes a batch of elections and one ``allocate`` call.  At b = 300 the averages
    600, 300, 300, 200, 150 | 150 tie for the fifth seat, which ``lowest_index`` gives to A:

    >>> import numpy as np, electsim as es
    >>> def seats_b(b):
    ...     v = np.stack(np.broadcast_arrays(600, b, 100), axis=-1)[..., None, :]
    ...     s = es.ElectoralSystem(5, "dhondt", tie_break="lowest_index")
    ...     return es.allocate(es.Election(v), s).seats[..., 1]
    >>> sweep(seats_b, vectorized=True, b=[100, 300, 400, 600]).values.tolist()
    [0, 1, 2, 2]
    """
    if not callable(function):
        raise ElectsimError(f"function={function!r} is not callable")
    if not axes:
        raise ElectsimError("sweep() needs at least one axis, e.g. sweep(f, rate=[0.05, 0.07])")
    coords: dict[str, NDArray[Any]] = {}
    for name, vals in axes.items():
        a = np.asarray(vals)
        if a.ndim != 1 or a.size == 0:
            raise ShapeMismatchError(f"axis {name}={vals!r} must be a non-empty 1-D sequence")
        coords[name] = a
    dims = tuple(coords)
    shape = tuple(len(coords[d]) for d in dims)
    if vectorized:
        grids = np.meshgrid(*(coords[d] for d in dims), indexing="ij")
        out = np.asarray(function(**dict(zip(dims, grids, strict=True))))
        if out.shape != shape:
            raise ShapeMismatchError(
                f"the vectorized function returned shape {out.shape}; expected {shape}"
            )
        return LabelledArray(dims, coords, out)
    values = [
        function(**{d: coords[d][i].item() for d, i in zip(dims, idx, strict=True)})
        for idx in itertools.product(*(range(n) for n in shape))
    ]
    arr = np.asarray(values)
    if arr.shape != (int(np.prod(shape)),):
        raise ShapeMismatchError(
            f"function must return one scalar per grid point; got values of shape {arr.shape[1:]}"
        )
    return LabelledArray(dims, coords, arr.reshape(shape))
