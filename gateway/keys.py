"""Distributed mode: the gateway asks the identity service whether an API key is live (shared.auth.apikeys)."""

from shared.auth.apikeys import RemoteKeyVerifier

__all__ = ["RemoteKeyVerifier"]
