"""Use cases of the content service; each owns its transaction."""
