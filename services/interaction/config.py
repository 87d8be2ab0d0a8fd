"""Settings of the interaction desk (environment prefix INTERACTION_)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class InteractionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTERACTION_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/interaction.db"
    secret: SecretStr = Field(
        SecretStr("change-me-interaction-secret"),
        description="signs CAPTCHA challenges and keys the hash of writers' addresses; set it in production",
    )
    max_attachment_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="largest file attached to a letter")
    max_attachments: int = Field(5, ge=0, le=20, description="files one letter may carry")
    max_upload_bytes: int = Field(52 * 1024 * 1024, ge=1024, description="largest letter with its attachments")
    letters_per_hour_per_address: int = Field(
        10, ge=0, description="letters one address may send in an hour (0: no limit): bots and floods"
    )
    duplicate_window_days: int = Field(30, ge=0, description="the same letter again within this is marked a duplicate")
    near_due_workdays: int = Field(2, ge=0, description="letters due within this many working days are near due")
    unanswered_months: int = Field(3, ge=1, description="a valid letter unanswered this long fails the site (单项否决)")
    watch_interval_seconds: float = Field(300.0, gt=0, description="how often deadlines are checked for alerts")
    watch_enabled: bool = Field(True, description="run the deadline watch inside this process")
    smtp_url: str | None = Field(
        None,
        description="smtp://[user:password@]host:port[?starttls=true] or smtps://…; unset: mail is kept, not sent",
    )
    mail_from: str = Field("noreply@sitegroup.gov.cn", description="the From of every message")
    mail_poll_seconds: float = Field(2.0, gt=0, description="how often the mailer looks for mail to send")
    site_url_template: str = Field(
        "https://{domain}", description="a site's public address in mail: {domain} (its main domain) and {site}"
    )
    trusted_proxies: list[str] = Field(
        ["127.0.0.1", "::1"], description="peers whose X-Forwarded-For names the writer's address (gateway, renderer)"
    )
    posts_per_hour_per_address: int = Field(
        30, ge=0, description="comments and interview questions one address may post in an hour (0: no limit)"
    )
    auto_hide_reports: int = Field(3, ge=1, description="reports from different addresses that hide an item")
    page_size_max: int = Field(100, ge=1, le=1000)
