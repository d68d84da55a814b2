"""VQL conformance: one hand-written case table run against every index implementation."""
