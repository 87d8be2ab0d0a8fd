"""The words a theme's pages are framed with, in the site's language (foreign-language sites of the group
are framed in their own language; their documents are whatever the editors wrote)."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

ZH: dict[str, str] = {
    "skip": "跳到主要内容",
    "home": "首页",
    "home_page": "首页",
    "sitemap": "网站地图",
    "elder_on": "适老化模式",
    "elder_off": "退出适老化模式",
    "main_nav": "主栏目",
    "breadcrumbs": "当前位置",
    "host_unit": "主办单位：",
    "contact": "联系方式：",
    "phone": "电话",
    "email": "邮箱",
    "address": "地址",
    "contact_fallback": "请见“{unit}”公开的联系方式",
    "site_code": "网站标识码：",
    "conac": "党政机关网站标识",
    "error_report": "我为政府网站找错",
    "pager": "分页",
    "pager_total": "共 {total} 条，第 {number}/{pages} 页",
    "first": "首页",
    "prev": "上一页",
    "next": "下一页",
    "last": "尾页",
    "more": "更多",
    "empty": "本栏目暂无信息。",
    "in_progress": "本栏目内容正在整理中。",
    "updated": "更新时间：",
    "rss": "订阅本栏目（RSS）",
    "subchannels": "子栏目",
    "published": "发布时间：",
    "source": "来源：",
    "author": "作者：",
    "attachments": "附件",
    "related_policies": "相关政策文件",
    "interpretations": "政策解读",
    "reposted_from": "本文转载自",
    "topic": "专题：",
    "not_found": "您访问的页面不存在",
    "not_found_hint": "请检查网址是否正确，或从首页、网站地图查找所需信息。",
    "gone_page": "该页面已不再提供",
    "deleted": "该信息已删除",
    "gone_hint": "该信息已不再公开。",
    "back_home": "返回首页",
    "see_sitemap": "查看网站地图",
    "bad_parameter": "参数 {field} 无效：{problem}",
    "leaders_more": "查看负责人信息",
    "title_sep": "_",
}
EN: dict[str, str] = ZH | {
    "skip": "Skip to main content",
    "home": "Home",
    "home_page": "Home",
    "sitemap": "Site map",
    "elder_on": "Large text",
    "elder_off": "Standard text",
    "main_nav": "Main sections",
    "breadcrumbs": "You are here",
    "host_unit": "Sponsored by ",
    "contact": "Contact: ",
    "phone": "Tel.",
    "email": "Email",
    "address": "Address",
    "contact_fallback": "see the contacts published by {unit}",
    "site_code": "Website ID: ",
    "conac": "Government website mark",
    "error_report": "Report an error",
    "pager": "Pages",
    "pager_total": "{total} items, page {number} of {pages}",
    "first": "First",
    "prev": "Previous",
    "next": "Next",
    "last": "Last",
    "more": "More",
    "empty": "Nothing has been published here yet.",
    "in_progress": "This page is being prepared.",
    "updated": "Updated: ",
    "rss": "Subscribe (RSS)",
    "subchannels": "Subsections",
    "published": "Published: ",
    "source": "Source: ",
    "author": "Author: ",
    "attachments": "Attachments",
    "related_policies": "Related policies",
    "interpretations": "Interpretations",
    "reposted_from": "Reposted from",
    "topic": "Special: ",
    "not_found": "Page not found",
    "not_found_hint": "Please check the address, or find what you need from the home page or the site map.",
    "gone_page": "This page is no longer available",
    "deleted": "This item has been removed",
    "gone_hint": "This information is no longer public.",
    "back_home": "Back to the home page",
    "see_sitemap": "See the site map",
    "bad_parameter": "The parameter {field} is not valid: {problem}",
    "leaders_more": "Leadership",
    "title_sep": " - ",
}
_BY_LANGUAGE = {"zh": MappingProxyType(ZH), "en": MappingProxyType(EN)}
LOCALES = {"zh-CN": "zh_CN", "zh-TW": "zh_TW", "en": "en_US"}


def labels(lang: str) -> MappingProxyType[str, str]:
    """The frame's words for a language tag (`en-GB` → English); Chinese for every language without its own."""
    return _BY_LANGUAGE.get(lang.split("-", 1)[0].lower(), _BY_LANGUAGE["zh"])


def og_locale(lang: str) -> str:
    """Open Graph's locale for a language tag (ll_CC)."""
    if lang in LOCALES:
        return LOCALES[lang]
    language, _, region = lang.partition("-")
    return f"{language.lower()}_{region.upper()}" if len(region) == 2 else language.lower()


def site_lang(site: dict[str, Any]) -> str:
    return site.get("lang") or "zh-CN"
