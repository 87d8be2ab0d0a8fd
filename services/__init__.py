"""The platform's services; each is independent and owns its data."""
