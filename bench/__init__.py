"""Benchmark suite (run by hand, not part of the tests): see bench/README.md."""
