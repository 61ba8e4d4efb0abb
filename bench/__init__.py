"""Benchmarks: `python -m bench` (or `make bench`) writes BENCHMARKS.md."""
