"""Small checks run by the pre-commit hooks."""
