"""Benchmarks: ``python -m benchmarks`` (the gateway over real loopback HTTP, see
``runner.py``), and the others each runnable as ``python -m benchmarks.<name>`` from the
repository root."""
