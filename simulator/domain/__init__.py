"""The simulator's pure core: configuration, seeded draws, plans and the decide step. No I/O."""
