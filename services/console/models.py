"""The console's own tables: who is signed in (sessions holding their tokens), sign-ins under way, saved views."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.clock import utcnow
from shared.db.types import BigId, Json, UtcDateTime, service_metadata


class Base(DeclarativeBase):
    metadata = service_metadata()


class ConsoleSession(Base):
    """A signed-in person: the cookie holds a random id, the table only its digest (a leaked table signs no one in)."""

    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_provider_sid", "provider_sid"), Index("ix_sessions_subject", "subject"))

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie value
    subject: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    provider_sid: Mapped[str | None] = mapped_column(String(64))  # the provider's login session (back-channel logout)
    access_token: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    refresh_token: Mapped[str | None] = mapped_column(Text)
    id_token: Mapped[str] = mapped_column(Text)
    csrf: Mapped[str] = mapped_column(String(64))
    # Even: settled. Odd: a refresh is under way (claimed by one process; the others wait for its tokens).
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SignIn(Base):
    """A sign-in under way: what the callback needs to finish it (PKCE verifier, nonce, where to go after)."""

    __tablename__ = "sign_ins"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the state sent to the provider
    code_verifier: Mapped[str] = mapped_column(String(128))
    nonce: Mapped[str] = mapped_column(String(64))
    return_to: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SavedView(Base):
    """A person's named filter of a list (documents: site, channel, state, words), shown in their menu."""

    __tablename__ = "saved_views"
    __table_args__ = (Index("ix_saved_views_subject", "subject"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(64))
    section: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(40))
    query: Mapped[dict[str, Any]] = mapped_column(Json)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
