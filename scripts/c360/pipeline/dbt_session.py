"""dbt through its programmatic interface: parse once, then invoke each step with that manifest.

Parsing the project costs several seconds; a day runs up to six dbt commands,
so the manifest is parsed on first use and handed to every later invocation
(``dbtRunner(manifest=...)``). Each invocation is summarised as counts per
resource type and status, plus the nodes that failed and why.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from c360.errors import C360Error
from c360.targets import PROJECT_ROOT

FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})
# A test or source freshness check at warn severity: the step goes on, the operator should know.
WARNED_STATUSES = frozenset({"warn"})
# How many of a command's slowest nodes its summary keeps (for the run log).
SLOWEST_NODES_KEPT = 10
# A data test quicker than this is mostly dbt's own work per node (compiling, connecting,
# logging) rather than SQL; the summary counts such tests apart.
QUICK_TEST_SECONDS = 0.1
# What node_seconds calls the resource types that are not models or data tests.
TIMING_KINDS = {"operation": "hooks", "source": "source freshness checks", "unit_test": "unit tests"}
# The dbt commands that write to the warehouse. Each stamps the rows it writes with its start, to
# the second (macros/datetime/run_started_at_second.sql), and a model reads the changes of its
# inputs after its own latest stamp: so a writing command must start in a later second than the
# one before it, or a change it makes could carry the stamp of a build that never saw it.
WRITING_COMMANDS = frozenset({"build", "run", "seed", "snapshot"})


class DbtCommandError(C360Error):
    """dbt could not run at all (the project does not parse, the target is unreachable, ...)."""


@dataclass(frozen=True)
class NodeProblem:
    """One node that failed or warned, with what it reads, so the message says where to look."""

    name: str
    resource_type: str
    status: str
    message: str
    reads: tuple[str, ...] = ()

    def describe(self) -> str:
        reads = f" (on {', '.join(self.reads)})" if self.reads else ""
        return f"{self.resource_type} {self.name}{reads}: {self.status}: {self.message}"


@dataclass
class DbtOutcome:
    success: bool
    # resource type -> status -> number of nodes
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[NodeProblem] = field(default_factory=list)
    # Nodes that passed with a warning (warn severity), in the order dbt ran them.
    warnings: list[NodeProblem] = field(default_factory=list)
    error: str | None = None
    # Snapshots the command took successfully.
    snapshots: list[str] = field(default_factory=list)
    # (seconds, resource type, name) of the nodes that took longest, longest first.
    slowest: list[tuple[float, str, str]] = field(default_factory=list)
    # kind of node (timing_kind) -> {"nodes": how many, "seconds": their seconds together},
    # the kinds with most seconds first: where the command's time went, all of it.
    node_seconds: dict[str, dict[str, float]] = field(default_factory=dict)

    def count(self, resource_type: str, *statuses: str) -> int:
        by_status = self.counts.get(resource_type, {})
        return sum(by_status.get(status, 0) for status in statuses) if statuses else sum(by_status.values())

    def why(self) -> list[str]:
        lines = [problem.describe() for problem in self.problems]
        if self.error:
            lines.append(self.error)
        return lines or ["dbt reported failure without naming a node"]


class DbtSession:
    """One dbt project and target, parsed once per process."""

    def __init__(
        self,
        target: str,
        *,
        target_path: Path | None = None,
        log_path: Path | None = None,
        dbt_vars: dict | None = None,
        threads: int | None = None,
        show_dbt_output: bool = False,
    ) -> None:
        profiles_dir = os.environ.get("DBT_PROFILES_DIR", str(PROJECT_ROOT))
        self._common = [
            "--project-dir",
            str(PROJECT_ROOT),
            "--profiles-dir",
            profiles_dir,
            "--target",
            target,
        ]
        if dbt_vars:
            self._common += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
        # Besides the project's files, what node selection depends on: where dbt writes its
        # artifacts and logs does not change which nodes a selection names.
        self._selection_context = tuple(self._common)
        if target_path:
            self._common += ["--target-path", str(target_path)]
        if log_path:
            self._common += ["--log-path", str(log_path)]
        # Every command the pipeline runs takes --threads except `dbt ls`, which refuses it.
        self._threads = ["--threads", str(threads)] if threads else []
        # The pipeline prints its own progress. --log-level also sets the file's level unless
        # that is given too, so the file keeps dbt's node-by-node log (with timings) explicitly.
        self._output_flags = [] if show_dbt_output else ["--log-level", "none", "--log-level-file", "info"]
        # Results come back in process; rewriting manifest.json after every command cost seconds each.
        self._output_flags.append("--no-write-json")
        self._manifest = None
        # When the latest writing command of this session started (dbt's run_started_at, UTC).
        self._last_write_started_at: datetime | None = None

    def parse(self) -> None:
        """Parse the project now (otherwise the first command does)."""
        self._runner()

    def _runner(self):
        from dbt.cli.main import dbtRunner

        if self._manifest is None:
            result = dbtRunner().invoke(["parse", *self._common, *self._output_flags])
            if not result.success:
                raise DbtCommandError(f"dbt parse failed: {_exception_text(result.exception)}")
            self._manifest = result.result
            # The parsed project lives as long as the process. Frozen, its objects are left out
            # of every later garbage collection, which would otherwise walk all of them again
            # each time dbt's per-node allocations trigger a full one (two days of 2,000
            # customers: 10.0 and 10.2 s collecting before, 6.6 s after). Parsing's own
            # garbage is collected first, so that none of it is frozen for good.
            gc.collect()
            gc.freeze()
            # Frozen objects are never freed, not even when the interpreter exits, and DuckDB's
            # Python binding then reports each of its own still alive as a leak on stderr.
            # Thawed at exit, they are collected with the rest.
            atexit.register(gc.unfreeze)
        return dbtRunner(manifest=self._manifest)

    def invoke(self, args: tuple[str, ...] | list[str], env: dict[str, str] | None = None) -> DbtOutcome:
        """Run one dbt command; ``env`` is set in the environment for its duration only."""
        runner = self._runner()
        writes = bool(args) and args[0] in WRITING_COMMANDS
        if writes:
            wait_for_later_second(self._last_write_started_at)
        with _environment(env or {}):
            result = runner.invoke([*args, *self._common, *self._threads, *self._output_flags])
        if writes:
            self._last_write_started_at = _run_started_at()
        if isinstance(result.exception, KeyboardInterrupt):
            # dbtRunner turns Ctrl-C into a failed result; the pipeline must stop, not mark a failure.
            raise result.exception
        outcome = summarise(result.result, self._manifest)
        outcome.success = bool(result.success) and not outcome.problems
        if result.exception is not None:
            outcome.error = _exception_text(result.exception)
        return outcome

    def data_tests(self, selection: tuple[str, ...] = ()) -> set[str]:
        """Names of the data tests a ``build``/``test`` selection runs (all of them without one)."""
        result = self._runner().invoke(
            [
                "ls",
                *selection,
                "--resource-type",
                "test",
                "--output",
                "name",
                *self._common,
                *self._output_flags,
            ]
        )
        if not result.success:
            raise DbtCommandError(f"dbt ls {' '.join(selection)} failed: {_exception_text(result.exception)}")
        return set(result.result or ())

    def project_digest(self) -> str:
        """A digest of all that dbt's node selection reads: the content of every file of the parsed
        project, the project, profiles, target and vars it is run with, and dbt's version. Two
        sessions with the same digest select the same nodes, wherever they write target/ and logs."""
        from dbt.version import __version__ as dbt_version

        self._runner()
        digest = hashlib.sha256()
        for part in (dbt_version, *self._selection_context):
            digest.update(part.encode() + b"\0")
        for file_id in sorted(self._manifest.files):
            digest.update(
                file_id.encode() + b"\0" + self._manifest.files[file_id].checksum.checksum.encode() + b"\0"
            )
        return digest.hexdigest()

    def snapshot_versions_at(self, recorded_at: str, names: list[str] | None = None) -> dict[str, int]:
        """Snapshot -> versions recorded at ``recorded_at`` (UTC text): what one day's snapshot added.

        ``names`` limits the count to those snapshots (the ones a step took); all of them by default.
        """
        self._runner()
        if names is None:
            names = [n.name for n in self._manifest.nodes.values() if _kind(n) == "snapshot"]
        names = sorted(names)
        if not names:
            return {}
        sql = " union all ".join(
            f"select '{name}' as snapshot_name, count(*) as version_count from {{{{ ref('{name}') }}}} "
            f"where dbt_valid_from = cast('{recorded_at}' as timestamp)"
            for name in names
        )
        result = self._runner().invoke(
            ["show", "--inline", sql, "--limit", "-1", *self._common, *self._output_flags]
        )
        if not result.success:
            raise DbtCommandError(f"counting snapshot versions failed: {_exception_text(result.exception)}")
        table = result.result.results[0].agate_table
        return {str(row[0]): int(row[1]) for row in table.rows}


def wait_for_later_second(
    previous: datetime | None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    sleep: Callable[[float], None] = time.sleep,
) -> float:
    """Sleep until the clock is past the second of ``previous`` (UTC); return the seconds slept.

    The steps of a day take longer than a second at any size worth timing, so this rarely waits.
    """
    if previous is None:
        return 0.0
    wait = (previous.replace(microsecond=0) + timedelta(seconds=1) - clock()).total_seconds()
    if wait <= 0:
        return 0.0
    sleep(wait)
    return wait


def _run_started_at() -> datetime:
    """The start of the dbt command that just ran, as its models see it (``run_started_at``)."""
    from dbt import tracking

    started = getattr(tracking.active_user, "run_started_at", None)
    return started.astimezone(UTC) if started else datetime.now(UTC)


def _kind(node) -> str:
    return str(getattr(node.resource_type, "value", node.resource_type))


def timing_kind(node, seconds: float) -> str:
    """What a node's seconds count under in ``DbtOutcome.node_seconds``.

    Models by materialization (a table is rebuilt whole, an incremental model compares and
    writes what changed); data tests by whether they took QUICK_TEST_SECONDS, under which the
    time is dbt's per-node work more than the test's SQL.
    """
    resource_type = _kind(node)
    if resource_type == "model":
        materialized = getattr(getattr(node, "config", None), "materialized", None)
        return f"models ({materialized})" if materialized else "models"
    if resource_type == "test":
        return f"data tests (under {QUICK_TEST_SECONDS} s)" if seconds < QUICK_TEST_SECONDS else "data tests"
    return TIMING_KINDS.get(resource_type, f"{resource_type}s")


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _exception_text(exception: BaseException | None) -> str:
    if exception is None:
        return "no details"
    return " ".join(str(exception).split()) or type(exception).__name__


def summarise(execution, manifest) -> DbtOutcome:
    """Counts and failures from a ``RunExecutionResult`` or ``FreshnessResult`` (or nothing)."""
    outcome = DbtOutcome(success=True)
    counts: dict[str, Counter] = {}
    timings = []
    by_kind: dict[str, dict[str, float]] = {}
    for result in getattr(execution, "results", None) or ():
        node = result.node
        resource_type = _kind(node)
        status = str(getattr(result.status, "value", result.status))
        seconds = float(getattr(result, "execution_time", 0) or 0)
        timings.append((round(seconds, 2), resource_type, node.name))
        kind = by_kind.setdefault(timing_kind(node, seconds), {"nodes": 0, "seconds": 0.0})
        kind["nodes"] += 1
        kind["seconds"] += seconds
        counts.setdefault(resource_type, Counter())[status] += 1
        if resource_type == "snapshot" and status == "success":
            outcome.snapshots.append(node.name)
        if status in FAILED_STATUSES or status in WARNED_STATUSES:
            problem = NodeProblem(
                name=node.name,
                resource_type=resource_type,
                status=status,
                message=_message(result),
                reads=_reads(node, manifest),
            )
            (outcome.problems if status in FAILED_STATUSES else outcome.warnings).append(problem)
    outcome.counts = {kind: dict(sorted(statuses.items())) for kind, statuses in sorted(counts.items())}
    outcome.slowest = sorted(timings, reverse=True)[:SLOWEST_NODES_KEPT]
    outcome.node_seconds = {
        kind: {"nodes": totals["nodes"], "seconds": round(totals["seconds"], 2)}
        for kind, totals in sorted(by_kind.items(), key=lambda item: (-item[1]["seconds"], item[0]))
    }
    return outcome


def _message(result) -> str:
    message = " ".join(str(result.message or "").split())
    # dbt appends the chain of macros that raised; the first part says what is wrong.
    message = message.split(" > in macro ")[0]
    age = getattr(result, "age", None)
    if age is not None:
        message = f"newest row loaded {age / 3600:.1f} hours ago ({message or 'over the error threshold'})"
    return message[:500] or "no message"


def _reads(node, manifest) -> tuple[str, ...]:
    """Names of the models, sources, seeds or snapshots a test reads."""
    if manifest is None or _kind(node) != "test":
        return ()
    names = []
    for unique_id in getattr(node.depends_on, "nodes", ()):
        parent = manifest.nodes.get(unique_id) or manifest.sources.get(unique_id)
        if parent is not None:
            source_name = getattr(parent, "source_name", None)
            names.append(f"{source_name}.{parent.name}" if source_name else parent.name)
    return tuple(names)
