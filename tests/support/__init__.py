"""Helpers shared by tests and benchmarks (never import from a conftest.py)."""
