"""Use-cases: the only layer that combines store, index and objects."""
