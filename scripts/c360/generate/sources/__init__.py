"""One module per source system; each builds clean rows (typed, with hidden columns)."""
