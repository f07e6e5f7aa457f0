"""Engines run compiled rule packs over tables. DuckDB in-process is the default."""
