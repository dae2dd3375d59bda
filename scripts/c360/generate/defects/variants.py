"""Helpers to apply one of several transformations to each value, vectorised."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from c360.generate.strings import assemble_by_group

Transform = Callable[[pa.Array], pa.Array]


def one_of(values: pa.Array, rng: np.random.Generator, transforms: Sequence[Transform]) -> pa.Array:
    """Each value gets one randomly chosen transform."""
    if len(values) == 0:
        return values.cast(pa.string())
    choice = rng.integers(0, len(transforms), len(values))
    return assemble_by_group(
        choice, len(transforms), lambda index, rows: transforms[index](values.take(pa.array(rows)))
    )


def first_different(values: pa.Array, rng: np.random.Generator, transforms: Sequence[Transform]) -> pa.Array:
    """Each value gets a random transform that changes it.

    The last transform must always change its input; it is the fallback when
    none of the random picks does (upper-casing "李娜" changes nothing).
    """
    count = len(values)
    if count == 0:
        return values.cast(pa.string())
    original = values.cast(pa.string())
    candidates = [transform(original).cast(pa.string()) for transform in transforms]
    changed = np.stack(
        [
            pc.fill_null(pc.not_equal(candidate, original), False).to_numpy(zero_copy_only=False)
            for candidate in candidates
        ],
        axis=1,
    )
    changed[:, -1] = True
    # Random priority per (value, transform); the best changing transform wins.
    priority = rng.random((count, len(transforms))) + changed
    choice = np.argmax(priority, axis=1).astype(np.int8)
    return pc.choose(pa.array(choice), *candidates)


def literal(options: Sequence[str], rng: np.random.Generator) -> Transform:
    """A transform that replaces each value with one of ``options``."""

    def transform(values: pa.Array) -> pa.Array:
        return pa.array(list(options), pa.string()).take(pa.array(rng.integers(0, len(options), len(values))))

    return transform


def regex(pattern: str, replacement: str) -> Transform:
    return lambda values: pc.replace_substring_regex(values, pattern, replacement)


def map_values(mapping: dict[str, Sequence[str]], rng: np.random.Generator) -> Transform:
    """Replace each value by one of its listed alternatives (case-insensitive key)."""

    def transform(values: pa.Array) -> pa.Array:
        picks = rng.integers(0, 1 << 30, len(values))
        out = []
        for value, choice in zip(values.to_pylist(), picks, strict=True):
            options = mapping.get((value or "").lower())
            out.append(options[choice % len(options)] if options else value)
        return pa.array(out, pa.string())

    return transform
