"""Vectorised building of string columns (ids, UUIDs, digits, pools).

Per-row Python string formatting is far too slow for millions of rows, so
strings are assembled as byte matrices in numpy and handed to Arrow as-is.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)


def fixed_width_strings(matrix: np.ndarray, lengths: np.ndarray | None = None) -> pa.Array:
    """Arrow strings from an (n, width) uint8 matrix of ASCII/UTF-8 bytes.

    With ``lengths``, row i keeps only its first ``lengths[i]`` bytes.
    """
    count, width = matrix.shape
    if lengths is None:
        offsets = np.arange(0, (count + 1) * width, width, dtype=np.int64)
        data = np.ascontiguousarray(matrix).reshape(-1)
    else:
        lengths = np.asarray(lengths, dtype=np.int64)
        keep = np.arange(width)[None, :] < lengths[:, None]
        data = matrix[keep]
        offsets = np.concatenate([[0], np.cumsum(lengths)])
    if offsets[-1] >= 2**31:
        raise ValueError("string column larger than 2 GiB; generate fewer rows per table")
    return pa.Array.from_buffers(
        pa.string(),
        count,
        [None, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data.tobytes())],
    )


def digit_matrix(numbers: np.ndarray, width: int) -> np.ndarray:
    """(n, width) ASCII digits of non-negative integers, zero padded."""
    values = np.asarray(numbers, dtype=np.int64).copy()
    matrix = np.empty((len(values), width), np.uint8)
    for position in range(width - 1, -1, -1):
        values, digit = np.divmod(values, 10)
        matrix[:, position] = digit + 48
    return matrix


def format_ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """'WA-0000001' style identifiers: prefix plus zero-padded number."""
    numbers = np.asarray(numbers, dtype=np.int64)
    digits = len(str(int(numbers.max()))) if len(numbers) else width
    width = max(width, digits)
    head = np.broadcast_to(np.frombuffer(prefix.encode(), np.uint8), (len(numbers), len(prefix)))
    return fixed_width_strings(np.concatenate([head, digit_matrix(numbers, width)], axis=1))


def format_digits(numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded digit strings (card numbers, phone parts)."""
    return fixed_width_strings(digit_matrix(numbers, width))


def mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: a fast, well-spread hash of uint64 values."""
    with np.errstate(over="ignore"):
        z = np.asarray(values, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def uuids(keys: np.ndarray, salt: int) -> pa.Array:
    """Deterministic version-4-shaped UUID strings derived from integer keys."""
    keys = np.asarray(keys, dtype=np.uint64)
    with np.errstate(over="ignore"):
        high = mix64(keys * np.uint64(2) + np.uint64(salt))
        low = mix64(high ^ np.uint64(salt * 7919 + 1))
    nibbles = np.empty((len(keys), 32), np.uint8)
    for index, word in enumerate((high, low)):
        for position in range(16):
            shift = np.uint64(60 - 4 * position)
            nibbles[:, index * 16 + position] = ((word >> shift) & np.uint64(15)).astype(np.uint8)
    nibbles[:, 12] = 4  # version 4
    nibbles[:, 16] = 8 + (nibbles[:, 16] & 3)  # RFC 4122 variant
    hexes = _HEX[nibbles]
    dash = np.full((len(keys), 1), ord("-"), np.uint8)
    parts = [hexes[:, :8], dash, hexes[:, 8:12], dash, hexes[:, 12:16], dash]
    parts += [hexes[:, 16:20], dash, hexes[:, 20:]]
    return fixed_width_strings(np.concatenate(parts, axis=1))


def format_cents(cents: np.ndarray) -> pa.Array:
    """Decimal text with two places from integer cents: 12990 -> '129.90'."""
    cents = np.asarray(cents, dtype=np.int64)
    whole, fraction = np.divmod(np.abs(cents), 100)
    text = pc.binary_join_element_wise(
        pc.cast(pa.array(whole), pa.string()),
        fixed_width_strings(digit_matrix(fraction, 2)),
        ".",
    )
    return pc.if_else(pa.array(cents < 0), pc.binary_join_element_wise("-", text, ""), text)


def pick(pool: pa.Array, indices: np.ndarray) -> pa.Array:
    """Values of ``pool`` at ``indices`` (sampling a pool drawn once from Faker)."""
    return pool.take(pa.array(np.asarray(indices, dtype=np.int64)))


def join(*parts: pa.Array | str, separator: str = "") -> pa.Array:
    """Element-wise concatenation; a null part makes the result null."""
    return pc.binary_join_element_wise(*parts, separator)


def replace_where(values: pa.Array, mask: np.ndarray, replacements: pa.Array) -> pa.Array:
    """``values`` with the rows in ``mask`` replaced, in order, by ``replacements``."""
    if not mask.any():
        return values
    return pc.replace_with_mask(values, pa.array(mask), replacements.cast(values.type))


def choose(rng: np.random.Generator, options: list[str] | tuple[str, ...], size: int) -> pa.Array:
    """``size`` values drawn uniformly from a short list of literals."""
    return pick(pa.array(list(options), pa.string()), rng.integers(0, len(options), size))


def map_distinct(values: pa.Array, function) -> pa.Array:
    """``function`` applied once per distinct value: cheap when values come from pools."""
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    return function(encoded.dictionary).take(encoded.indices)


def assemble_by_group(groups: np.ndarray, group_count: int, build) -> pa.Array:
    """Build a column group by group and return it in row order.

    ``build(group, rows)`` gets the row positions of one group and returns
    their values; useful when each group draws from its own pool or format.
    """
    order = np.argsort(groups, kind="stable")
    bounds = np.searchsorted(groups[order], np.arange(group_count + 1))
    pieces = [build(group, order[bounds[group] : bounds[group + 1]]) for group in range(group_count)]
    combined = pa.concat_arrays([piece.cast(pa.string()) for piece in pieces])
    return combined.take(pa.array(np.argsort(order, kind="stable")))
