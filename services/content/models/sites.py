"""Sites (tenants), their domains, channel trees and review workflows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.content.models.base import Base, BigId, Json, Timestamps, utcnow
from shared.db.types import UtcDateTime
from shared.tenancy import TenantScoped


class Site(Timestamps, Base):
    """A government website; its id is the tenant key every other row carries."""

    __tablename__ = "sites"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    abbreviation: Mapped[str] = mapped_column(String(20), default="")
    host_unit: Mapped[str] = mapped_column(String(100))  # 主办单位
    site_code: Mapped[str] = mapped_column(String(12), unique=True)  # 网站标识码
    org_code: Mapped[str] = mapped_column(String(20))  # 机构代码: first part of 索引号
    icp_number: Mapped[str | None] = mapped_column(String(60))
    police_number: Mapped[str | None] = mapped_column(String(60))
    level: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id"), index=True)
    theme: Mapped[str] = mapped_column(String(40), default="default")
    lang: Mapped[str] = mapped_column(String(16), default="zh-CN", server_default="zh-CN")  # BCP 47
    status: Mapped[str] = mapped_column(String(12), default="building")
    # where a closed (关停/整合) site sends its visitors: the site it merged into, else its parent
    successor_id: Mapped[str | None] = mapped_column(ForeignKey("sites.id", use_alter=True))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(120))
    contact_address: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)


class SiteChange(TenantScoped, Base):
    """A request to open, close (关停) or merge (整合) a site, and who decided it: kept, approved or not."""

    __tablename__ = "site_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))  # open | close | merge
    successor_id: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | approved | rejected
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    comment: Mapped[str | None] = mapped_column(Text)


class SiteDomain(TenantScoped, Base):
    """A host name a site answers on; exactly one per site is the main (canonical) one."""

    __tablename__ = "site_domains"

    host: Mapped[str] = mapped_column(String(253), primary_key=True)
    is_main: Mapped[bool] = mapped_column(Boolean, default=False)


class BasicChannel(Base):
    """The platform-wide template of 基本栏目 every new site gets (platform data, not a tenant's)."""

    __tablename__ = "basic_channels"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    parent_key: Mapped[str | None] = mapped_column(String(60))
    slug: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Channel(TenantScoped, Timestamps, Base):
    """A column of a site; its path lives under the site's own domain."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("site_id", "path", name="uq_channels_site_path"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    path: Mapped[str] = mapped_column(String(400))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))
    link_url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[str]] = mapped_column(Json, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    basic_key: Mapped[str | None] = mapped_column(String(60))
    unit_name: Mapped[str | None] = mapped_column(String(100))  # a department with a channel, not a site
    unit_code: Mapped[str | None] = mapped_column(String(20))  # its 机构代码 for 索引号
    version: Mapped[int] = mapped_column(Integer, default=1)


class Workflow(TenantScoped, Base):
    """Ordered review steps for a site (channel_id NULL) or one channel."""

    __tablename__ = "workflows"
    __table_args__ = (UniqueConstraint("site_id", "channel_id", name="uq_workflows_site_channel"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    steps: Mapped[list[dict]] = mapped_column(Json)


class ChannelSubscription(TenantScoped, Base):
    """A channel that takes in every document another site's channel publishes (自动转载)."""

    __tablename__ = "channel_subscriptions"
    __table_args__ = (UniqueConstraint("channel_id", "source_channel_id", name="uq_channel_subscriptions_pair"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    source_site_id: Mapped[str] = mapped_column(String(40))
    source_channel_id: Mapped[int] = mapped_column(Integer, index=True)
    created_by: Mapped[str] = mapped_column(String(80))
