"""Reliable messaging: the transactional outbox and its relay, and idempotent consumers with an inbox."""
