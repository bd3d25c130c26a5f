"""Benchmarks: scripts that measure and print figures (``python -m benchmarks``); not tests."""
