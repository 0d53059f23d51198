"""Plain-Python domain: takes, batches, review decisions, profiles, targets. No Qt, no I/O."""
