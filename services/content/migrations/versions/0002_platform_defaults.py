"""Platform defaults: the 基本栏目 template and the starting check dictionaries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# key, parent, slug, name, kind, position, description — frozen here; operators edit it through the API.
BASIC_CHANNELS = [
    ("gk", None, "gk", "概况信息", "page", 10, "本地区、本部门概况"),
    ("zwdt", None, "zwdt", "政务动态", "list", 20, "政务要闻、工作动态"),
    ("zwdt.yw", "zwdt", "yw", "要闻动态", "list", 21, "本地区、本部门重要政务活动"),
    ("zwdt.tzgg", "zwdt", "tzgg", "通知公告", "list", 22, "需要社会公众广泛知晓的通知、公告"),
    ("zwdt.bmdt", "zwdt", "bmdt", "部门动态", "list", 23, "所属部门和下级单位工作动态"),
    ("zfxxgk", None, "zfxxgk", "政府信息公开", "list", 30, "政府信息公开专栏"),
    ("zfxxgk.zn", "zfxxgk", "zn", "政府信息公开指南", "page", 31, "信息分类、编排体系、获取方式和依申请公开办理流程"),
    ("zfxxgk.zd", "zfxxgk", "zd", "政府信息公开制度", "list", 32, "政府信息公开相关制度"),
    ("zfxxgk.fdzdgknr", "zfxxgk", "fdzdgknr", "法定主动公开内容", "list", 33, "《政府信息公开条例》规定主动公开的内容"),
    ("zfxxgk.fdzdgknr.jgzn", "zfxxgk.fdzdgknr", "jgzn", "机构职能", "page", 34, "机构设置、职能、联系方式"),
    ("zfxxgk.fdzdgknr.ldxx", "zfxxgk.fdzdgknr", "ldxx", "负责人信息", "page", 35, "负责人姓名、职务、分工"),
    ("zfxxgk.fdzdgknr.zcwj", "zfxxgk.fdzdgknr", "zcwj", "政策文件", "list", 36, "行政规范性文件和其他政策文件"),
    ("zfxxgk.fdzdgknr.ghxx", "zfxxgk.fdzdgknr", "ghxx", "规划信息", "list", 37, "国民经济和社会发展规划、专项规划"),
    ("zfxxgk.fdzdgknr.czxx", "zfxxgk.fdzdgknr", "czxx", "财政信息", "list", 38, "财政预算、决算"),
    ("zfxxgk.nb", "zfxxgk", "nb", "政府信息公开年报", "list", 39, "政府信息公开工作年度报告"),
    ("zcjd", None, "zcjd", "政策解读", "list", 40, "政策文件解读、回应关切"),
    ("hdjl", None, "hdjl", "互动交流", "list", 50, "留言办理、意见征集、在线访谈"),
    ("hdjl.yjzj", "hdjl", "yjzj", "意见征集", "list", 51, "规范性文件等征求意见"),
    ("hdjl.zxft", "hdjl", "zxft", "在线访谈", "list", 52, "在线访谈、网上直播"),
    ("bsfw", None, "bsfw", "办事服务", "list", 60, "办事指南、便民服务"),
    ("sjfb", None, "sjfb", "数据发布", "list", 70, "统计数据、数据解读"),
]

# Common serious wording errors (严重表述错误) and obvious banned spam; sites add their own.
CHECK_TERMS = [
    ("wording", "中华人民共合国", "中华人民共和国"),
    ("wording", "中国共产党中央委员会员", "中国共产党中央委员会"),
    ("wording", "国务院办公厅厅", "国务院办公厅"),
    ("wording", "人民代表大会常务委会", "人民代表大会常务委员会"),
    ("wording", "社会主意", "社会主义"),
    ("wording", "改革开发", "改革开放"),
    ("wording", "党中央国务院", "党中央、国务院"),
    ("wording", "十九大精神精神", "十九大精神"),
    ("wording", "政府网站发展指南", "政府网站发展指引"),
    ("sensitive", "代开发票", None),
    ("sensitive", "六合彩", None),
    ("sensitive", "网络赌博", None),
    ("sensitive", "办理假证", None),
]


def upgrade() -> None:
    channels = sa.table(
        "basic_channels", sa.column("key"), sa.column("parent_key"), sa.column("slug"), sa.column("name"),
        sa.column("kind"), sa.column("position"), sa.column("description"),
    )
    op.bulk_insert(channels, [
        {"key": k, "parent_key": p, "slug": s, "name": n, "kind": kind, "position": pos, "description": d}
        for k, p, s, n, kind, pos, d in BASIC_CHANNELS
    ])
    terms = sa.table(
        "platform_check_terms", sa.column("kind"), sa.column("term"), sa.column("suggestion"), sa.column("note"),
        sa.column("created_by"), sa.column("created_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    op.bulk_insert(terms, [
        {"kind": kind, "term": term, "suggestion": suggestion, "note": None, "created_by": "migration",
         "created_at": now}
        for kind, term, suggestion in CHECK_TERMS
    ])


def downgrade() -> None:
    op.execute("DELETE FROM platform_check_terms WHERE created_by = 'migration'")
    op.execute("DELETE FROM basic_channels")
