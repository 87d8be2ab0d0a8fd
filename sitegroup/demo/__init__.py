"""Demo content for the demo province, built from the seed texts in ``seedtexts/``."""
