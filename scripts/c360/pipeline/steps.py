"""The steps of one pipeline day, in order, and the dbt selection each one runs.

This is the one place that says what a day does: change a selector here and
the pipeline follows (``docs/pipeline.md`` explains the choices, and a test
checks that no data test is selected by two steps).

Test selection is split so that each data test runs once a day, as soon as
everything it reads has been rebuilt, and so that nothing a later step
publishes is built before the tests guarding it have passed:

- ``seed`` builds the seeds with the tests that read only seeds, on days
  when a seed file has changed;
- ``staging`` builds the staging and intermediate models with the tests whose
  parents are all among them (``cautious``): a test that also reads a mart or a
  snapshot would otherwise see yesterday's mart or history;
- ``snapshot`` runs the tests tagged ``PRE_SNAPSHOT_TAG`` (left out of
  ``staging``), which must pass before history is written: they test the
  snapshots' inputs, so ``dbt build`` takes a snapshot only after they passed
  and skips it when one fails. Then it takes the snapshots with the tests
  that read only snapshots (the SCD2 invariants), so broken history stops the
  day before the marts;
  a snapshot whose input is a mart (segment membership) is left to ``marts``,
  since its input is only up to date once the marts are built;
- ``marts`` builds the marts, and the snapshots of marts after them, with
  every test that reads one of them (``eager``), including tests that compare
  a mart with an earlier layer;
- ``post_tests`` runs every data test that no step above selects (a test
  reading a seed that only the marts use, a test reading no model at all), so
  a test with unusual parents is run late rather than never.

Unit tests check code, not the day's data: they run in CI (``make test``) and
are left out of the daily run.
"""

from __future__ import annotations

from dataclasses import dataclass

# Tests that must pass before the day's history is written carry this tag.
PRE_SNAPSHOT_TAG = "pre_snapshot"
STAGING_PATHS = ("path:models/staging", "path:models/intermediate")
MARTS_PATH = "path:models/marts"
NO_UNIT_TESTS = "resource_type:unit_test"
# Snapshots that read a mart: taken in the marts step, right after the mart they read.
MART_SNAPSHOTS = f"{MARTS_PATH}+,resource_type:snapshot"


# Flags that change how a step builds, not what it selects (``dbt ls`` refuses them).
BUILD_ONLY_FLAGS = ("--full-refresh",)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    # dbt arguments (command first), or None for a step the runner does itself.
    dbt_args: tuple[str, ...] | None = None

    @property
    def selection_args(self) -> tuple[str, ...]:
        """The step's dbt arguments without the command and the build-only flags: what it selects."""
        return tuple(arg for arg in (self.dbt_args or ())[1:] if arg not in BUILD_ONLY_FLAGS)


GENERATE = Step("generate", "generate batch")
LOAD = Step("load", "load batch")
# Seeds reload only when a seed file changed, and then from scratch: a reload into the
# existing table would keep its old columns when a seed gains, loses or renames one.
SEED = Step(
    "seed",
    "seeds",
    ("build", "--full-refresh", "--select", "resource_type:seed", "--indirect-selection", "cautious"),
)
FRESHNESS = Step("freshness", "source freshness", ("source", "freshness"))
STAGING = Step(
    "staging",
    "build staging + intermediate",
    (
        "build",
        "--select",
        *STAGING_PATHS,
        "--exclude",
        f"tag:{PRE_SNAPSHOT_TAG}",
        NO_UNIT_TESTS,
        "--indirect-selection",
        "cautious",
    ),
)
SNAPSHOT = Step(
    "snapshot",
    "snapshots",
    (
        "build",
        "--select",
        f"tag:{PRE_SNAPSHOT_TAG}",
        "resource_type:snapshot",
        "--exclude",
        MART_SNAPSHOTS,
        NO_UNIT_TESTS,
        "--indirect-selection",
        "cautious",
    ),
)
MARTS = Step(
    "marts",
    "build marts",
    (
        "build",
        "--select",
        MARTS_PATH,
        MART_SNAPSHOTS,
        "--exclude",
        NO_UNIT_TESTS,
        "--indirect-selection",
        "eager",
    ),
)
# Its tests are found when the day runs: every data test that no step above selects.
POST_TESTS = Step("post_tests", "post-snapshot tests")
ALL_STEPS = (GENERATE, LOAD, SEED, FRESHNESS, STAGING, SNAPSHOT, MARTS, POST_TESTS)
STEP_NAMES = tuple(step.name for step in ALL_STEPS)


def day_steps(generate: bool) -> tuple[Step, ...]:
    """The steps of a day: all of them, or all but ``generate`` when batches are given."""
    return ALL_STEPS if generate else tuple(step for step in ALL_STEPS if step is not GENERATE)


def steps_selecting_tests() -> tuple[Step, ...]:
    """The dbt steps that select data tests; ``post_tests`` runs the tests none of them selects."""
    return tuple(step for step in ALL_STEPS if step.dbt_args and step.dbt_args[0] in ("build", "test"))
