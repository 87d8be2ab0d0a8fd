"""The API gateway: one entry for public pages (by Host) and the service APIs (by path)."""
