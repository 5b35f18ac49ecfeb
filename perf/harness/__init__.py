"""The benchmark harness behind perf/run.sh (see perf/README.md)."""
