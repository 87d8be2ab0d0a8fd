"""Datasets (数据集) owned by a site's department, their resources, and developers' applications for the
有条件开放 ones."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.opendata.models.base import Base
from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime
from shared.tenancy import TenantScoped


class Dataset(TenantScoped, Base):
    """One dataset: its catalogue metadata (名称, 摘要, 提供部门, 主题分类, 开放属性, 更新周期 …) and its state."""

    __tablename__ = "datasets"
    __table_args__ = (Index("ix_datasets_catalogue", "state", "modified_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID, as CKAN's ids are
    name: Mapped[str] = mapped_column(String(100), unique=True)  # its address: /dataset/<name>, package_show id
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(String(100))
    theme: Mapped[str] = mapped_column(String(40))
    access: Mapped[str] = mapped_column(String(12))  # open | conditional | closed
    frequency: Mapped[str] = mapped_column(String(12))
    license_id: Mapped[str] = mapped_column(String(40))
    tags: Mapped[list[str]] = mapped_column(Json, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(60), default=None)
    contact_email: Mapped[str | None] = mapped_column(String(200), default=None)
    state: Mapped[str] = mapped_column(String(12), default="draft")  # draft | published | withdrawn
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Resource(TenantScoped, Base):
    """A file of a dataset, kept in the blob store; a table file is also loaded into a datastore table, whose
    name changes with every load so that a re-upload replaces the data in one switch."""

    __tablename__ = "resources"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str] = mapped_column(String(10))  # CSV | XLSX | JSON
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(BigInteger)
    blob_key: Mapped[str] = mapped_column(String(300))
    encoding: Mapped[str | None] = mapped_column(String(20), default=None)
    table_name: Mapped[str | None] = mapped_column(String(63), default=None)  # None: not in the datastore
    columns: Mapped[list[dict[str, Any]]] = mapped_column(Json, default=list)  # 数据项: id, type, label, notes
    row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class AccessRequest(TenantScoped, Base):
    """A developer's application (申请) to use a 有条件开放 dataset with one of their applications' keys; the
    owning department decides, and an approved application's keys may then read it."""

    __tablename__ = "access_requests"
    __table_args__ = (Index("ix_access_app", "application_id", "dataset_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    application_id: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[str] = mapped_column(String(80))  # the developer's account
    applicant: Mapped[str] = mapped_column(String(100))  # a person's or organisation's name, as they gave it
    purpose: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | approved | rejected | revoked
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    decided_by: Mapped[str | None] = mapped_column(String(80), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
