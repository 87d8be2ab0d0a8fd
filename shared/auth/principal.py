"""Who is calling and what they may do: roles granted per site, optionally narrowed to channels."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field

PLATFORM_SITE: Final = "*"  # a grant on every site (platform operators)


class Grant(BaseModel):
    """One role on one site (or every site), optionally only in some channels."""

    model_config = ConfigDict(frozen=True)

    site: str = Field(description="site id, or * for every site")
    role: str = Field(description="site_admin, editor, reviewer:<step>, platform_operator, …")
    channels: tuple[int, ...] | None = Field(None, description="channel ids; None means the whole site")

    def covers(self, site_id: str, channel_id: int | None) -> bool:
        if self.site not in (site_id, PLATFORM_SITE):
            return False
        return self.channels is None or channel_id is None or channel_id in self.channels


class Principal(BaseModel):
    """The verified claims of an access token (RFC 9068) plus our `grants` claim."""

    model_config = ConfigDict(frozen=True)

    subject: str
    name: str | None = None
    client_id: str | None = None
    scopes: frozenset[str] = frozenset()
    grants: tuple[Grant, ...] = ()

    def has_role(self, site_id: str, roles: str | tuple[str, ...], channel_id: int | None = None) -> bool:
        wanted = (roles,) if isinstance(roles, str) else roles
        return any(g.role in wanted and g.covers(site_id, channel_id) for g in self.grants)

    def is_platform_operator(self) -> bool:
        return any(g.role == "platform_operator" and g.site == PLATFORM_SITE for g in self.grants)

    def has_any_role_on(self, site_id: str) -> bool:
        return self.is_platform_operator() or any(g.site in (site_id, PLATFORM_SITE) for g in self.grants)

    def channels_for(self, site_id: str, roles: tuple[str, ...]) -> set[int] | None:
        """Channels in which the principal holds one of `roles` on the site; None means all of them."""
        channels: set[int] = set()
        for g in self.grants:
            if g.role in roles and g.site in (site_id, PLATFORM_SITE):
                if g.channels is None:
                    return None
                channels.update(g.channels)
        return channels
