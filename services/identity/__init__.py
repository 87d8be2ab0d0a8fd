"""统一身份认证 — the identity service: the OpenID Connect provider of the site group.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.identity.config import IdentitySettings
from services.identity.main import SCHEMA, IdentityRuntime, create_app, migrate
from services.identity.schemas import ClientCreate
from services.identity.service.admin import add_client, rotate_keys
from services.identity.service.context import IdentityDeps
from services.identity.service.developers import verify_key
from services.identity.service.provisioning import (
    OrganisationSeed,
    StaffSeed,
    provision_client,
    provision_organisations,
    provision_staff,
)
from services.identity.service.tokens import access_token

__all__ = [
    "SCHEMA",
    "ClientCreate",
    "IdentityDeps",
    "IdentityRuntime",
    "IdentitySettings",
    "OrganisationSeed",
    "StaffSeed",
    "access_token",
    "add_client",
    "create_app",
    "migrate",
    "provision_client",
    "provision_organisations",
    "provision_staff",
    "rotate_keys",
    "verify_key",
]
