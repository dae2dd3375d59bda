"""Customer 360 warehouse tooling: generate, load, orchestrate and benchmark."""
