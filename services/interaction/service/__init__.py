"""Use cases of the interaction desk: each opens its unit of work and commits, or not at all."""
