"""Daily orchestration: replay days of batches through load, dbt builds, snapshots and tests.

``run_pipeline`` runs the steps of ``steps.py`` for each day, resuming where
an earlier run stopped; the ``c360 pipeline`` command wraps it. See
``docs/pipeline.md``.
"""

from c360.pipeline.runner import PipelineOptions, PipelineReport, run_pipeline

__all__ = ["PipelineOptions", "PipelineReport", "run_pipeline"]
