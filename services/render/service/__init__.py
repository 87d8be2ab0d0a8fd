"""Use cases of the render service: keep the read model from events, build pages, write the mirror."""
