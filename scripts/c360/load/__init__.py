"""Load a batch of raw extracts into the ``raw`` schema of a target."""

from c360.load.batch import LoadReport, TableLoad, load_batch
from c360.load.extracts import ExtractError

__all__ = ["ExtractError", "LoadReport", "TableLoad", "load_batch"]
