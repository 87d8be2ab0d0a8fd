"""the 主题分类 vocabulary: the national list (国务院公文主题分类, as 中国政府网's 政策文件库 uses it), which a province
may extend; documents' categories come from it

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 12:20:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NATIONAL = (
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "其他",
)


def upgrade() -> None:
    table = op.create_table(
        "topic_categories",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_topic_categories"),
        sa.UniqueConstraint("name", name="uq_topic_categories_name"),
    )
    now = datetime.now(UTC)
    rows = [
        {"name": name, "position": (n + 1) * 10, "national": True, "created_by": "platform", "created_at": now}
        for n, name in enumerate(NATIONAL)
    ]
    op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("topic_categories")
