"""What the provider announces about itself (OpenID Connect Discovery 1.0, RFC 8414)."""

from __future__ import annotations

from typing import Any

from services.identity.config import IdentitySettings
from services.identity.service.authorize import SUPPORTED_SCOPES
from services.identity.service.keys import ALGORITHM
from services.identity.service.token_grants import GRANTS

CLIENT_AUTH = ["client_secret_basic", "client_secret_post", "none"]


def provider_metadata(settings: IdentitySettings) -> dict[str, Any]:
    base = settings.issuer
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/userinfo",
        "jwks_uri": f"{base}/jwks",
        "introspection_endpoint": f"{base}/introspect",
        "revocation_endpoint": f"{base}/revoke",
        "end_session_endpoint": f"{base}/logout",
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(GRANTS),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "token_endpoint_auth_methods_supported": CLIENT_AUTH,
        "introspection_endpoint_auth_methods_supported": CLIENT_AUTH,
        "revocation_endpoint_auth_methods_supported": CLIENT_AUTH,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "amr",
            "sid",
            "name",
            "preferred_username",
            "email",
            "email_verified",
            "phone_number",
            "phone_number_verified",
        ],
        "acr_values_supported": ["urn:sitegroup:loa:1", "urn:sitegroup:loa:2", "urn:sitegroup:loa:3"],
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "ui_locales_supported": ["zh-CN"],
        "claims_locales_supported": ["zh-CN"],
    }
