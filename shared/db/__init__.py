"""Database plumbing: engines for SQLite and PostgreSQL, the unit of work, migrations."""
