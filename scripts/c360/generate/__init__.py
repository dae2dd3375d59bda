"""Synthetic multi-channel customer data for the raw layer.

``generate_days`` writes one folder per day (``day_0000`` is the initial load)
with a CSV per raw table, ``ground_truth.csv`` and a defect manifest; the
``c360 generate`` command wraps it.
"""

from c360.generate.config import DefectRates, load_rates
from c360.generate.runner import GenerationReport, generate_days
from c360.generate.state import GenerationError

__all__ = ["DefectRates", "GenerationError", "GenerationReport", "generate_days", "load_rates"]
