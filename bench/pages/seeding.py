"""`prepare`: a fresh data directory seeded through the review workflow with the page under test (cut from
the anchor's seed texts as its build_page.py does) and the site's demo corpus."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from bench.pages import BODY_HAN, BODY_HAN_30K, CHANNEL, CORPUS_DOCS, LIST_DOCS, LIST_PATH, SEEDS, SITE_CODE
from bench.pages.server import in_process
from bench.pages.workflow import Staff, open_sites, page_bytes, publish


def seed_article(limit: int = BODY_HAN) -> tuple[str, list[str]]:
    """The anchor page's title and paragraphs: the first `limit` Han characters, cut as build_page.py does."""
    text = "".join(p.read_text(encoding="utf-8") + "\n" for p in sorted(SEEDS.glob("*.txt")))
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    han = re.compile(r"[\u4e00-\u9fff]")
    paragraphs: list[str] = []
    count = 0
    for line in lines[2:]:
        n = len(han.findall(line))
        if count >= limit:
            break
        if n and count + n > limit:
            line, n = _cut(line, limit - count, han), limit - count
        if n:
            paragraphs.append(line)
            count += n
    return lines[0], paragraphs


def _cut(line: str, keep: int, han: re.Pattern[str]) -> str:
    """The line up to (not including) its (keep + 1)-th Han character, then a full stop."""
    seen = 0
    for i, ch in enumerate(line):
        if han.match(ch):
            if seen == keep:
                return line[:i] + "。"
            seen += 1
    return line + "。"


def article_body(channel_id: int, limit: int = BODY_HAN, suffix: str = "") -> dict[str, Any]:
    """The POST /documents body of the page under test, with the metadata the anchor page shows."""
    title, paragraphs = seed_article(limit)
    return {
        "channel_id": channel_id,
        "title": title + suffix,
        "body_html": "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
        "summary": paragraphs[0][:120],
        "source": "某某市人民政府办公室",
        "keywords": ["政府网站", "信息公开", "政务服务"],
        "document_number": "某政办〔2024〕12号",
        "issuing_body": "某某市人民政府办公室",
        "topic_category": "综合政务",
        "subject_words": ["政府网站", "政务公开"],
        "submit": True,
    }


def demo_bodies(channel_id: int, start: int, count: int) -> list[dict[str, Any]]:
    """Documents start … start+count of the site's demo corpus (seed texts), all placed in 通知公告."""
    from bench.common import document_body
    from sitegroup.demo.corpus import articles_for_site
    from sitegroup.demo.province import CHANNEL_FOR_KIND

    articles = articles_for_site(SITE_CODE, "某某市", CORPUS_DOCS)[start : start + count]
    channels = dict.fromkeys(CHANNEL_FOR_KIND.values(), channel_id)
    return [document_body(a, channels) for a in articles]


async def prepare(data: Path) -> dict[str, Any]:
    """Seed www.example.gov.cn on a fresh data directory; what `serve` and the rows need (pages.json)."""
    if data.exists():
        if not (data / "pages.json").exists() and any(data.iterdir()):
            raise SystemExit(f"{data} is not empty and was not made by bench.pages prepare")
        shutil.rmtree(data)
    os.environ.setdefault("RENDER_MIRROR_ENABLED", "false")
    async with in_process(data) as (app, http):
        staff = Staff(app.signer)
        channel_id = (await open_sites(http, staff))[CHANNEL]
        for body in demo_bodies(channel_id, 0, LIST_DOCS):
            await publish(http, staff, body)
        long = await publish(http, staff, article_body(channel_id, BODY_HAN_30K, "（全文）"))
        doc = await publish(http, staff, article_body(channel_id))
        await app.settle(timeout=60)
        paths = {"article": doc["url_path"], "article_30k": long["url_path"], "list": LIST_PATH, "home": "/"}
        info = paths | {f"{k}_bytes": await page_bytes(http, path) for k, path in paths.items()}
    info |= {"title": doc["title"], "documents": LIST_DOCS + 2}
    (data / "pages.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")
    return info
