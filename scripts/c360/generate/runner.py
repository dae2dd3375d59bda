"""Generate days into an output folder, carrying the state from day to day."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from c360.generate.batch import Batch
from c360.generate.config import DefectRates
from c360.generate.context import DayContext
from c360.generate.days import parse_days
from c360.generate.defects.cells import check_rate_sums
from c360.generate.increments import increment
from c360.generate.initial import initial_load
from c360.generate.pools import locale_pools
from c360.generate.sink import DaySink
from c360.generate.state import GenerationError, State, load_state, read_meta, save_state
from c360.generate.writer import COUNTS_FILE, GROUND_TRUTH_FILE, MANIFEST_FILE, DayWriter, day_folder_name


@dataclass
class DayReport:
    day: int
    folder: Path
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass
class GenerationReport:
    generated: list[DayReport] = field(default_factory=list)
    already_present: list[int] = field(default_factory=list)


def _as_days(days: int | str | Iterable[int]) -> list[int]:
    if isinstance(days, str):
        return list(parse_days(days))
    if isinstance(days, int):
        return [days]
    days = sorted(set(int(day) for day in days))
    if any(day < 0 for day in days):
        raise GenerationError("day numbers cannot be negative")
    return days


def generate_days(
    out_dir: str | Path,
    customers: int,
    seed: int,
    days: int | str | Iterable[int],
    rates: DefectRates | None = None,
    progress=None,
) -> GenerationReport:
    """Generate the requested days (and any missing earlier ones) into ``out_dir``.

    Days already generated in ``out_dir`` with the same settings are left as
    they are: the same seed always gives the same bytes. ``progress`` is called
    with each ``DayReport`` as it completes.
    """
    out_dir = Path(out_dir)
    wanted = _as_days(days)
    rates = rates or DefectRates()
    check_rate_sums(rates)
    if customers < 1:
        raise GenerationError(f"--customers must be at least 1, got {customers}")
    state = _open_state(out_dir, customers, seed, rates)
    present = [day for day in wanted if day <= state.last_day]
    _check_present(out_dir, present)
    report = GenerationReport(already_present=present)
    last = max(wanted) if wanted else -1
    for day in range(state.last_day + 1, last + 1):
        day_report = generate_day(out_dir, state, day, rates)
        report.generated.append(day_report)
        if progress:
            progress(day_report)
        if day < last:
            # Continue from what was saved, exactly as a later run would.
            state = load_state(out_dir)
    return report


def _check_present(out_dir: Path, days: list[int]) -> None:
    missing = [day_folder_name(day) for day in days if not (out_dir / day_folder_name(day)).is_dir()]
    if missing:
        raise GenerationError(
            f"{out_dir} lacks {', '.join(missing)} although later days were generated; "
            "generate into a fresh --out to recreate them"
        )


def _open_state(out_dir: Path, customers: int, seed: int, rates: DefectRates) -> State:
    meta = read_meta(out_dir)
    if meta is None:
        return State(seed=seed, customers=customers, rates=rates.as_dict())
    wanted = {"seed": seed, "customers": customers, "rates": rates.as_dict()}
    different = [name for name, value in wanted.items() if meta.get(name) != value]
    if different:
        raise GenerationError(
            f"{out_dir} was generated with different {', '.join(different)} "
            f"(seed={meta.get('seed')}, customers={meta.get('customers')}); "
            "use another --out or the same settings"
        )
    return load_state(out_dir)


def generate_day(out_dir: Path, state: State, day: int, rates: DefectRates) -> DayReport:
    """Build, deliver and write one day, then save the state for the next.

    Tables are delivered and written while the rest of the day is still being
    built, as soon as each is complete, so they are never all held at once.
    """
    started = time.perf_counter()
    context = DayContext(
        seed=state.seed, day=day, rates=rates, counters=state.counters, pools=locale_pools(state.seed)
    )
    with DayWriter(out_dir, day) as writer:
        sink = DaySink(context, state.delivered, writer)
        batch = Batch(deliver=sink.deliver)
        if day == 0:
            persons, records = initial_load(context, state.customers, batch)
        else:
            persons, records = increment(context, state.persons, state.records, batch)
        writer.write(GROUND_TRUTH_FILE, batch.ground_truth())
        rows, delivered = sink.finish(batch)
        writer.write(MANIFEST_FILE, context.manifest.table())
        writer.write(COUNTS_FILE, context.manifest.counts_table())
    state.persons, state.records, state.delivered = persons, records, delivered
    state.last_day = day
    save_state(out_dir, state)
    return DayReport(day, writer.final, rows, time.perf_counter() - started)
