"""Seed the demo province through the content service's own use cases (the real path: create,
three review steps, publication, events), backdated so the sites look lived in."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from services.content import (
    Actor,
    ContentDeps,
    DocumentCreate,
    InterpretsUpdate,
    PushRequest,
    PushTarget,
    ReviewDecision,
    SiteCreate,
    SubscriptionCreate,
    add_subscription,
    approve_document,
    create_document,
    create_site,
    list_channels,
    push,
    set_interprets,
    upload_attachment,
)
from shared.auth import Grant, Principal
from shared.clock import CHINA, china_time
from sitegroup.demo import disclosure, pictures
from sitegroup.demo.corpus import DemoArticle, articles_for_site
from sitegroup.demo.province import CHANNEL_FOR_KIND, PROVINCE, DemoSite

SEEDER = Actor(  # opens the sites and writes the documents
    Principal(
        subject="system:demo-seed",
        name="演示数据",
        grants=(Grant(site="*", role="platform_operator"), Grant(site="*", role="editor")),
    )
)
# 三审 are three other people (the platform refuses an author's own review, and two steps by one person)
REVIEWERS = tuple(
    Actor(
        Principal(subject=f"system:demo-{step}", name=f"演示{step}", grants=(Grant(site="*", role=f"reviewer:{step}"),))
    )
    for step in ("初审", "审核", "审发")
)
Progress = Callable[[int], None]
PICTURES_PER_SITE = 5  # the newest news of every site have a cover: its home page's 图片新闻
FIXED_PER_SITE = 3  # the 政府信息公开指南, the 负责人信息 and last year's 年度报告


async def seed_province(deps: ContentDeps, progress: Progress = lambda _n: None) -> dict[str, int]:
    """Open every demo site, publish its documents, then link, push and subscribe between them."""
    channels: dict[str, dict[str, int]] = {}
    for site in PROVINCE:
        await create_site(deps, SEEDER, _site_create(site))
        channels[site.id] = {c.path: c.id for c in await list_channels(deps, site.id)}
    await add_subscription(
        deps,
        SEEDER,
        "feixi",
        channels["feixi"]["zwdt/tzgg"],
        SubscriptionCreate(source_site_id="hefei", source_channel_id=channels["hefei"]["zwdt/tzgg"]),
    )
    published: dict[str, list[tuple[DemoArticle, int]]] = {}
    for site in PROVINCE:
        moments = _moments(site)
        published[site.id] = await _publish_site(deps, site, channels[site.id], moments, progress)
        await _publish_disclosure_column(deps, site, channels[site.id], moments, progress)
    await _push_policies(deps, published["ah"], channels)
    return {site_id: len(docs) + FIXED_PER_SITE for site_id, docs in published.items()}


def total_documents() -> int:
    return sum(site.documents + FIXED_PER_SITE for site in PROVINCE)


def _site_create(site: DemoSite) -> SiteCreate:
    return SiteCreate(
        id=site.id,
        name=site.name,
        abbreviation=site.abbreviation[:20],
        host_unit=site.host_unit,
        site_code=site.site_code,
        org_code=site.org_code,
        icp_number=site.icp_number,
        police_number=site.police_number,
        level=site.level,
        parent_id=site.parent_id,
        main_domain=site.main_domain,
        status="online",
        contact_phone=site.phone,
    )


Moments = list[tuple[DemoArticle, datetime]]


def _moments(site: DemoSite) -> Moments:
    """The site's demo articles, each with the moment it is published (backdated: the sites look lived in)."""
    now = datetime.now(UTC)
    articles = articles_for_site(site.site_code, site.abbreviation, site.documents)
    return [
        (a, now - timedelta(days=a.published_days_ago, hours=(i * 7) % 9, minutes=(i * 13) % 60))
        for i, a in enumerate(articles)
    ]


async def _reviewed(deps: ContentDeps, site_id: str, data: DocumentCreate, moment: datetime) -> int:
    """Written by the seeder and passed by three other people, at `moment`."""
    at = dataclasses.replace(deps, clock=lambda: moment)
    doc = await create_document(at, SEEDER, site_id, data)
    for reviewer in REVIEWERS:
        await approve_document(at, reviewer, site_id, doc.id, ReviewDecision(comment="同意发布"))
    return doc.id


async def _publish_site(
    deps: ContentDeps, site: DemoSite, channels: dict[str, int], moments: Moments, progress: Progress
) -> list[tuple[DemoArticle, int]]:
    done: list[tuple[DemoArticle, int]] = []
    pictured = _pictured(moments)
    for index, (article, moment) in enumerate(moments):
        data = _document(article, channels, moment, index)
        if index in pictured:
            data.cover_id = await _cover(deps, site, pictured[index], moment)
        doc_id = await _reviewed(deps, site.id, data, moment)
        if article.interprets is not None:
            at = dataclasses.replace(deps, clock=lambda moment=moment: moment)
            await set_interprets(
                at, SEEDER, site.id, doc_id, InterpretsUpdate(policy_ids=[done[article.interprets][1]])
            )
        done.append((article, doc_id))
        progress(1)
    return done


def _pictured(moments: Moments) -> dict[int, int]:
    """The site's newest news, which get a picture (图片新闻): their index → the picture's number."""
    news = sorted((moment, index) for index, (article, moment) in enumerate(moments) if article.kind == "news")
    return {index: number for number, (_, index) in enumerate(reversed(news[-PICTURES_PER_SITE:]))}


async def _cover(deps: ContentDeps, site: DemoSite, number: int, moment: datetime) -> int:
    picture = pictures.landscape(int(site.site_code) % 97 + number)
    at = dataclasses.replace(deps, clock=lambda: moment)
    uploaded = await upload_attachment(at, SEEDER, site.id, f"{site.abbreviation}要闻配图{number + 1}.jpg", picture)
    return uploaded.id


def _document(article: DemoArticle, channels: dict[str, int], moment: datetime, index: int) -> DocumentCreate:
    policy = article.kind == "policy"
    written = china_time(moment - timedelta(days=3 + index % 9)).date() if policy else None  # 成文 before 发布
    return DocumentCreate(
        channel_id=channels[CHANNEL_FOR_KIND[article.kind]],
        title=article.title,
        subtitle=article.subtitle or None,
        body_html="".join(f"<p>{p}</p>" for p in article.paragraphs),
        summary=article.summary,
        author=article.author or None,
        source=article.source,
        keywords=list(article.keywords),
        document_number=article.doc_number or None,
        written_on=written,
        issuing_body=article.source if policy else None,
        topic_category=article.topic_category or None,
        subject_words=list(article.subject_words) or None,
        submit=True,
    )


async def _publish_disclosure_column(
    deps: ContentDeps, site: DemoSite, channels: dict[str, int], moments: Moments, progress: Progress
) -> None:
    """The 政府信息公开指南 and 负责人信息 (single pages), and last year's 年度报告 counted from what the site
    published then."""
    first = min(moment for _, moment in moments)
    await _reviewed(deps, site.id, _fixed(disclosure.guide(site), channels[disclosure.GUIDE_CHANNEL]), first)
    await _reviewed(deps, site.id, _fixed(disclosure.leaders(site), channels[disclosure.LEADERS_CHANNEL]), first)
    last_year = china_time(datetime.now(UTC)).year - 1
    counts = Counter(a.kind for a, moment in moments if china_time(moment).year == last_year)
    report = disclosure.annual_report(site, last_year, counts)
    due = min(datetime(last_year + 1, 1, 20, 9, tzinfo=CHINA), datetime.now(UTC))  # reports are due in January
    await _reviewed(deps, site.id, _fixed(report, channels[disclosure.REPORT_CHANNEL]), due)
    progress(FIXED_PER_SITE)


def _fixed(document: disclosure.FixedDocument, channel_id: int) -> DocumentCreate:
    body = "".join(f"<p>{p}</p>" for p in document.paragraphs)
    return DocumentCreate(
        channel_id=channel_id,
        title=document.title,
        body_html=body,
        summary=document.summary,
        topic_category="综合政务",
        submit=True,
    )


async def _push_policies(
    deps: ContentDeps, province_docs: list[tuple[DemoArticle, int]], channels: dict[str, dict[str, int]]
) -> None:
    """The province pushes its five newest policies into every city's and county's policy channel."""
    policies = [doc_id for article, doc_id in province_docs if article.kind == "policy"][-5:]
    targets = [
        PushTarget(site_id=s.id, channel_id=channels[s.id]["zfxxgk/fdzdgknr/zcwj"])
        for s in PROVINCE
        if s.level in ("city", "county")
    ]
    for doc_id in policies:
        await push(deps, SEEDER, "ah", doc_id, PushRequest(targets=targets))
