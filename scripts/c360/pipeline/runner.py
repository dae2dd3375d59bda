"""Replay days through the warehouse: for each day, run its steps in order, record each, stop on failure.

A day's steps are listed in ``steps.py``. Before a step runs, a ``running``
event goes to the run log; once it has finished, the state records it. On a
rerun, finished days are skipped and a day that was cut short resumes at the
step that did not finish. A step that fails (a dbt test, a stale source, a
model error) stops the day there: later steps, the marts among them, do not
run, the day is marked failed with the reason, and the run ends with exit
code 1.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from c360.errors import C360Error
from c360.generate import DefectRates, generate_days
from c360.generate.timeline import extract_time
from c360.generate.writer import day_folder_name
from c360.load import load_batch
from c360.pipeline.dbt_session import DbtOutcome, DbtSession
from c360.pipeline.progress import Progress
from c360.pipeline.run_log import RunLog
from c360.pipeline.state import PipelineState, PipelineStateError, as_text, utc_now
from c360.pipeline.steps import (
    GENERATE,
    LOAD,
    POST_TESTS,
    SEED,
    Step,
    day_steps,
    steps_selecting_tests,
)
from c360.targets import PROJECT_ROOT, DuckDBTarget, PostgresTarget, resolve_target

SEEDS_DIR = PROJECT_ROOT / "seeds"
RUN_LOG_FILE = "run_log.jsonl"
# Read by the snapshots as the time a change was recorded (macros/history/snapshot_time.sql).
HISTORY_CLOCK_VARIABLE = "C360_HISTORY_RECORDED_AT"
# Read by the SCD2 invariant and version-id uniqueness tests of the histories: keys with no version
# recorded after it are not read again (macros/generic_tests/scd2_invariants.sql).
HISTORY_CHECKED_VARIABLE = "C360_HISTORY_CHECKED_THROUGH"
# Read by the uniqueness tests of incremental models: keys with no row written after it are not read
# again (macros/generic_tests/rows_written_since_check.sql).
BUILD_CHECKED_VARIABLE = "C360_BUILD_CHECKED_THROUGH"


class PipelineOrderError(C360Error):
    """The days asked for cannot run in that order on this warehouse."""


@dataclass(frozen=True)
class PipelineOptions:
    days: tuple[int, ...]
    data_dir: Path
    target: str | None = None
    generate: bool = True
    customers: int = 10_000
    seed: int = 42
    rates: DefectRates | None = None
    state_dir: Path | None = None
    log_path: Path | None = None
    dbt_target_path: Path | None = None
    dbt_log_path: Path | None = None
    dbt_vars: dict | None = None
    threads: int | None = None
    redo: bool = False
    show_dbt_output: bool = False


@dataclass
class PipelineReport:
    run_id: str
    completed: list[int] = field(default_factory=list)
    already_complete: list[int] = field(default_factory=list)
    failed_day: int | None = None
    failed_step: str | None = None
    why: list[str] = field(default_factory=list)
    state_dir: Path | None = None
    log_path: Path | None = None

    @property
    def succeeded(self) -> bool:
        return self.failed_day is None


@dataclass
class StepResult:
    ok: bool
    counts: dict
    why: list[str] = field(default_factory=list)


def default_state_dir(target: DuckDBTarget | PostgresTarget) -> Path:
    """Next to the DuckDB file, or under ``warehouse/`` named after the PostgreSQL database."""
    if isinstance(target, DuckDBTarget):
        return target.path.parent / f"{target.path.stem}.pipeline"
    return PROJECT_ROOT / "warehouse" / f"pipeline-postgres-{target.host}-{target.port}-{target.database}"


def warehouse_name(target: DuckDBTarget | PostgresTarget) -> str:
    if isinstance(target, DuckDBTarget):
        return str(target.path)
    return f"postgres://{target.user}@{target.host}:{target.port}/{target.database}"


def seeds_checksum(seeds_dir: Path = SEEDS_DIR) -> str:
    """One hash over every seed file and its path: a changed seed reloads the seeds."""
    digest = hashlib.sha256()
    for path in sorted(p for p in seeds_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(seeds_dir)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def history_recorded_at(day: int) -> str:
    """The moment day ``day``'s batch was extracted, in the generator's calendar, as UTC text.

    History records when the warehouse learned a change. Replaying day N
    stamps its versions with day N's own time, not with the moment of the
    replay: the history of a replay then reads like one built day by day, and
    a resumed day writes exactly what an uninterrupted one would.
    """
    return datetime.fromtimestamp(extract_time(day), UTC).strftime("%Y-%m-%d %H:%M:%S")


def history_checked_through(completed_days: list[int], day: int) -> str:
    """The recording time through which the snapshots' history is known sound when day ``day`` runs.

    That of the latest day before ``day`` that completed on this warehouse: all its tests passed,
    the snapshots' invariants among them, and a snapshot run never writes an earlier time, so a
    key with no version recorded after it is as it was then. Empty when no earlier day completed
    (day 0, or a warehouse the pipeline has not run on): then the tests read every key.
    """
    earlier = [completed for completed in completed_days if completed < day]
    return history_recorded_at(max(earlier)) if earlier else ""


def build_checked_through(state: PipelineState, day: int) -> str:
    """The moment (UTC) through which every row the models wrote is known tested when day ``day`` runs.

    When the latest day before ``day`` that completed on this warehouse finished: all its tests had
    passed, after its last write. A model stamps the rows it writes with the start of the dbt
    command writing them (to the second), and every later command starts after that moment, so it
    is rounded down to the second. Empty when no earlier day completed: then the tests read every row.
    """
    earlier = [completed for completed in state.completed_days() if completed < day]
    finished = state.finished_at(max(earlier)) if earlier else None
    return finished.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if finished else ""


def check_order(state: PipelineState, days: tuple[int, ...], redo: bool) -> None:
    """Days run in calendar order: no gap after the last finished day, no unfinished day left behind."""
    recorded = {int(day) for day in state.data["days"]}
    unfinished = sorted(day for day in recorded if not state.is_day_complete(day))
    if unfinished and unfinished[0] not in days:
        raise PipelineOrderError(
            f"day {unfinished[0]} did not finish on this warehouse; run it (e.g. --days {unfinished[0]}..{max(days)}) "
            "before later days"
        )
    completed = state.completed_days()
    to_run = [day for day in days if redo or not state.is_day_complete(day)]
    if completed and to_run and to_run[0] > completed[-1] + 1:
        raise PipelineOrderError(
            f"this warehouse has run up to day {completed[-1]}; days {completed[-1] + 1}..{to_run[0] - 1} "
            f"must run before day {to_run[0]}"
        )
    if redo and completed and to_run and to_run[0] < completed[-1]:
        # Its snapshots would record changes before ones already recorded; history only moves forward.
        raise PipelineOrderError(
            f"--redo can only run the last finished day (day {completed[-1]}) and later ones, "
            f"not day {to_run[0]}: history already holds what day {completed[-1]} recorded"
        )


class Pipeline:
    def __init__(self, options: PipelineOptions, progress: Progress | None = None) -> None:
        self.options = options
        self.target = resolve_target(options.target)
        self.state_dir = options.state_dir or default_state_dir(self.target)
        self.state = PipelineState.open(self.state_dir, warehouse_name(self.target))
        if (
            isinstance(self.target, DuckDBTarget)
            and self.state.completed_days()
            and not self.target.path.exists()
        ):
            raise PipelineStateError(
                f"{self.state.path} records finished days but {self.target.path} does not exist; "
                f"remove {self.state_dir} to start the warehouse over"
            )
        self.steps = day_steps(options.generate)
        self.progress = progress or Progress(max(options.days), len(self.steps))
        self.run_id = uuid.uuid4().hex[:12]
        self.log_path = options.log_path or self.state_dir / RUN_LOG_FILE
        self.dbt = DbtSession(
            self.target.name,
            target_path=options.dbt_target_path,
            log_path=options.dbt_log_path,
            dbt_vars=options.dbt_vars,
            threads=options.threads,
            show_dbt_output=options.show_dbt_output,
        )
        self._post_tests: list[str] | None = None

    def run(self) -> PipelineReport:
        days = tuple(sorted(set(self.options.days)))
        check_order(self.state, days, self.options.redo)
        to_run = [day for day in days if self.options.redo or not self.state.is_day_complete(day)]
        if not self.options.generate:
            missing = [day for day in to_run if not (self.options.data_dir / day_folder_name(day)).is_dir()]
            if missing:
                raise PipelineOrderError(
                    f"--existing: no batch folder {self.options.data_dir / day_folder_name(missing[0])}"
                )
        report = PipelineReport(self.run_id, state_dir=self.state_dir, log_path=self.log_path)
        log = RunLog(self.log_path, self.run_id)
        log.write(
            "run_started", days=list(days), target=self.target.name, warehouse=self.state.data["warehouse"]
        )
        status = "error"
        try:
            if to_run:
                self._parse(log)
            for day in days:
                if day not in to_run:
                    self.progress.day_already_done(day)
                    log.write("day_skipped", day=day, reason="already complete")
                    report.already_complete.append(day)
                    continue
                if not self._run_day(day, log, report):
                    break
                report.completed.append(day)
            status = "ok" if report.succeeded else "failed"
        except KeyboardInterrupt:
            status = "interrupted"
            raise
        finally:
            log.write("run_finished", status=status, completed=report.completed, failed_day=report.failed_day)
            log.close()
        return report

    def _parse(self, log: RunLog) -> None:
        self.progress.note_started("parsing the dbt project")
        clock = time.perf_counter()
        self.dbt.parse()
        seconds = time.perf_counter() - clock
        log.write("parsed", duration_s=round(seconds, 3))
        self.progress.step_finished("ok", seconds, {})

    def _run_day(self, day: int, log: RunLog, report: PipelineReport) -> bool:
        if self.state.is_day_complete(day):
            self.state.forget_day(day)
        self.state.start_day(day, utc_now())
        log.write("day_started", day=day, history_recorded_at=history_recorded_at(day))
        day_started = time.perf_counter()
        for index, step in enumerate(self.steps, start=1):
            if self.state.is_step_done(day, step.name):
                self.progress.step_skipped(day, index, step.label)
                log.write("step", day=day, step=step.name, status="skipped", reason="done in an earlier run")
                continue
            started_at = utc_now()
            log.write("step", day=day, step=step.name, status="running", started_at=as_text(started_at))
            self.progress.step_started(day, index, step.label)
            clock = time.perf_counter()
            try:
                result = self._execute(step, day)
            except C360Error as error:
                # A batch that cannot be read or a target that cannot be reached fails the step like a test.
                result = StepResult(False, {}, [str(error)])
            seconds = time.perf_counter() - clock
            finished_at = utc_now()
            times = {
                "started_at": as_text(started_at),
                "finished_at": as_text(finished_at),
                "duration_s": round(seconds, 3),
            }
            if not result.ok:
                self.state.step_failed(day, step.name, finished_at, result.why)
                log.write(
                    "step",
                    day=day,
                    step=step.name,
                    status="failed",
                    counts=result.counts,
                    why=result.why,
                    **times,
                )
                log.write("day_finished", day=day, status="failed", failed_step=step.name)
                self.progress.step_failed(seconds, result.counts, result.why)
                self.progress.day_stopped(day, step.label)
                report.failed_day, report.failed_step, report.why = day, step.name, result.why
                return False
            self.state.step_done(day, step.name, finished_at, result.counts)
            log.write("step", day=day, step=step.name, status="ok", counts=result.counts, **times)
            self.progress.step_finished("ok", seconds, result.counts)
        self.state.day_complete(day, utc_now())
        seconds = time.perf_counter() - day_started
        log.write("day_finished", day=day, status="complete", duration_s=round(seconds, 3))
        self.progress.day_finished(day, seconds)
        return True

    # --- the steps ------------------------------------------------------------------------

    def _execute(self, step: Step, day: int) -> StepResult:
        if step is GENERATE:
            return self._generate(day)
        if step is LOAD:
            return self._load(day)
        if step is SEED:
            checksum = seeds_checksum()
            if checksum == self.state.seeds_checksum:
                return StepResult(True, {"reason": "seeds unchanged, not reloaded"})
            result = self._dbt(step.dbt_args, day)
            if result.ok:
                self.state.set_seeds_checksum(checksum)
            return result
        if step is POST_TESTS:
            names = self._leftover_tests()
            if not names:
                return StepResult(True, {"reason": "no test left for this step"})
            return self._dbt(("test", "--select", *names), day)
        return self._dbt(step.dbt_args, day)

    def _leftover_tests(self) -> list[str]:
        """Data tests that no earlier step selects. Finding them takes a `dbt ls` per step, about a
        second; they depend only on the project and the steps' selections, so the state keeps
        them under a digest of both, and a later run finds them again only when one changed."""
        if self._post_tests is None:
            selections = [list(step.selection_args) for step in steps_selecting_tests()]
            digest = hashlib.sha256(json.dumps([self.dbt.project_digest(), selections]).encode()).hexdigest()
            found = self.state.leftover_tests(digest)
            if found is None:
                selected = set()
                for selection in selections:
                    selected |= self.dbt.data_tests(tuple(selection))
                found = sorted(self.dbt.data_tests() - selected)
                self.state.set_leftover_tests(digest, found)
            self._post_tests = found
        return self._post_tests

    def _generate(self, day: int) -> StepResult:
        options = self.options
        generated = generate_days(options.data_dir, options.customers, options.seed, [day], options.rates)
        if day in generated.already_present:
            return StepResult(True, {"reason": "batch already generated"})
        (report,) = (report for report in generated.generated if report.day == day)
        return StepResult(True, {"rows_generated": report.total_rows, "tables": len(report.rows)})

    def _load(self, day: int) -> StepResult:
        batch_dir = self.options.data_dir / day_folder_name(day)
        # Stamped with the real load time: incremental staging models find a re-delivered
        # (replaced) batch by its newer _loaded_at, so a reload must never reuse an old stamp.
        load = load_batch(batch_dir, self.target)
        counts = {
            "batch_id": load.batch_id,
            "rows_loaded": load.rows_loaded,
            "tables_loaded": sum(1 for table in load.tables if table.outcome != "unchanged"),
            "tables_unchanged": sum(1 for table in load.tables if table.outcome == "unchanged"),
            "rejected_lines": sum(table.rejected_count for table in load.tables),
        }
        return StepResult(True, counts)

    def _dbt(self, args: tuple[str, ...], day: int) -> StepResult:
        time_variables = {
            HISTORY_CLOCK_VARIABLE: history_recorded_at(day),
            HISTORY_CHECKED_VARIABLE: history_checked_through(self.state.completed_days(), day),
            BUILD_CHECKED_VARIABLE: build_checked_through(self.state, day),
        }
        outcome: DbtOutcome = self.dbt.invoke(args, env=time_variables)
        result = StepResult(
            outcome.success, {"nodes": outcome.counts}, [] if outcome.success else outcome.why()
        )
        if outcome.warnings:
            result.counts["warnings"] = [problem.describe() for problem in outcome.warnings]
        if outcome.slowest:
            # Where a step's time went, for whoever tunes it (the run log keeps every count).
            result.counts["slowest_nodes"] = [
                {"seconds": seconds, "resource_type": kind, "name": name}
                for seconds, kind, name in outcome.slowest
            ]
        if outcome.node_seconds:
            result.counts["node_seconds"] = outcome.node_seconds
        # Snapshots are taken in two steps (those of marts after the marts): each counts its own.
        if outcome.success and outcome.snapshots:
            versions = self.dbt.snapshot_versions_at(history_recorded_at(day), outcome.snapshots)
            result.counts["versions_recorded"] = sum(versions.values())
            result.counts["versions_by_snapshot"] = versions
        return result


def run_pipeline(options: PipelineOptions, progress: Progress | None = None) -> PipelineReport:
    return Pipeline(options, progress).run()
