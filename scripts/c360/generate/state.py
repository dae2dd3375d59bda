"""Generator state carried from one day to the next, kept in ``<out>/_state/``.

Holds the true persons, the current clean version of every record that can
change later (accounts, members, ...; orders and tickets while their status
still moves), identifier counters, the parameters the folder was generated
with and samples of delivered rows for later re-delivery.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from c360.errors import C360Error
from c360.generate.counters import Counters

STATE_DIR = "_state"
META_FILE = "meta.json"
FORMAT_VERSION = 1


class GenerationError(C360Error):
    """The requested generation cannot run (for example a folder made with other settings)."""


@dataclass
class State:
    seed: int
    customers: int
    rates: dict[str, float]
    last_day: int = -1
    counters: Counters = field(default_factory=Counters)
    persons: pa.Table | None = None
    # Current clean version of changeable records, per raw table.
    records: dict[str, pa.Table] = field(default_factory=dict)
    # Samples of delivered rows, per raw table, for re-delivered duplicates.
    delivered: dict[str, pa.Table] = field(default_factory=dict)


def state_dir(out_dir: Path) -> Path:
    return out_dir / STATE_DIR


def read_meta(out_dir: Path) -> dict | None:
    path = state_dir(out_dir) / META_FILE
    if not path.exists():
        return None
    return json.loads(path.read_text())


def load_state(out_dir: Path) -> State:
    folder = state_dir(out_dir)
    meta = read_meta(out_dir)
    if meta is None or meta.get("format") != FORMAT_VERSION:
        raise GenerationError(f"{folder} holds no usable generator state; use a fresh --out")
    state = State(
        seed=meta["seed"],
        customers=meta["customers"],
        rates=meta["rates"],
        last_day=meta["last_day"],
        counters=Counters(meta["counters"]),
        persons=pq.read_table(folder / "persons.parquet"),
    )
    state.records = _read_folder(folder / "records")
    state.delivered = _read_folder(folder / "delivered")
    return state


def _read_folder(folder: Path) -> dict[str, pa.Table]:
    return {path.stem: pq.read_table(path) for path in sorted(folder.glob("*.parquet"))}


def save_state(out_dir: Path, state: State) -> None:
    """Write the whole state next to the old one, then swap, so a crash keeps the old one."""
    final = state_dir(out_dir)
    staging = out_dir / f"{STATE_DIR}.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    (staging / "records").mkdir(parents=True)
    (staging / "delivered").mkdir()
    pq.write_table(state.persons, staging / "persons.parquet")
    for name, table in state.records.items():
        pq.write_table(table, staging / "records" / f"{name}.parquet")
    for name, table in state.delivered.items():
        pq.write_table(table, staging / "delivered" / f"{name}.parquet")
    meta = {
        "format": FORMAT_VERSION,
        "seed": state.seed,
        "customers": state.customers,
        "rates": state.rates,
        "last_day": state.last_day,
        "counters": state.counters.as_dict(),
    }
    (staging / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    retired = out_dir / f"{STATE_DIR}.old"
    if retired.exists():
        shutil.rmtree(retired)
    if final.exists():
        final.rename(retired)
    staging.rename(final)
    if retired.exists():
        shutil.rmtree(retired)
