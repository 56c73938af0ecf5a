"""Benchmarks: `make bench` runs every ``bench_*`` module here and prints its figures."""
