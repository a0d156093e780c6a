"""The `cleaner` command line (typer)."""
