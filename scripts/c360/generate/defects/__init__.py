"""Defect injection: cell-level value defects, row-level defects, and their manifest."""
