"""The auth contract: JWT access tokens with site- and channel-scoped roles, verified against a JWKS."""

from shared.auth.principal import PLATFORM_SITE, Grant, Principal
from shared.auth.verifier import JwksSource, TokenVerifier

__all__ = ["PLATFORM_SITE", "Grant", "JwksSource", "Principal", "TokenVerifier"]
