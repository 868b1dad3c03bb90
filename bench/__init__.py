"""Benchmark harness of issue 7 (see docs/performance.md). Not shipped content."""
