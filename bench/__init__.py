"""Benchmarks of the platform: `python -m bench.publish`, `python -m bench.relay`, `python -m bench.rss`.

They are scripts, not tests: each prints rich tables and can write its figures as JSON (--json PATH).
See bench/README.md for what each one measures and the figures measured so far.
"""
