"""N documents from the seed texts, streamed as the content service's `DocumentPublished` events, and the queries.

Sites: a province, 9 cities, and in each city 6 departments and 4 districts/counties: 100 synthetic sites (`SITES`).
Each site gets its own demo articles (`sitegroup.demo.corpus.articles_for_site(code, 简称, 600)`: titles that
name the site, bodies cut from the seed texts). Document `i` goes to a site by weight (province 3, city 2,
others 1; a fixed shuffled cycle), and is that site's `k`-th document: round `r = k // 600` of its pool. Round 0
is the demo article as it is; later rounds recombine: the article's paragraphs (one may be left out), 1–3
paragraphs of a same-kind article of another site inserted, the title qualified with a year or an issue
number, the date moved back ~4 months per round. Everything is drawn from `random.Random` seeded by the
document's position, so the same N gives the same documents; nothing but the 100 pools is held in memory.
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from shared.bus import Message
from shared.events.content import (
    DOCUMENTS_TOPIC,
    DisclosureSnapshot,
    DocumentPublished,
    DocumentRef,
    DocumentSnapshot,
    Placement,
    SiteCreated,
    SiteSnapshot,
)
from shared.events.envelope import encode_event, envelope_bytes
from shared.events.samples import site as site_snapshot

POOL = 600  # demo articles per site (the corpus makes at most ~700 distinct ones for one site)
ANCHOR = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # "today" of the generated documents (fixed: same N, same docs)
DAYS_PER_ROUND = 120
CHANNELS = {  # kind → (path, name), the demo's channels (sitegroup.demo.province.CHANNEL_FOR_KIND)
    "news": ("zwdt/yw", "要闻动态"),
    "work": ("zwdt/bmdt", "部门动态"),
    "notice": ("zwdt/tzgg", "通知公告"),
    "policy": ("zfxxgk/fdzdgknr/zcwj", "政策文件"),
    "interpretation": ("zcjd", "政策解读"),
}
KIND_INDEX = {kind: n for n, kind in enumerate(CHANNELS)}
CITIES = (  # (site id, 简称): fictional cities, the corpus' own kind of names
    ("qingshan", "青山市"), ("linhu", "临湖市"), ("nanling", "南岭市"), ("yunxi", "云溪市"), ("baihe", "白河市"),
    ("shiqiao", "石桥市"), ("qingyuan", "清源市"), ("jinchuan", "金川市"), ("songyang", "松阳市"),
)  # fmt: skip
DEPARTMENTS = (  # (id suffix, name)
    ("jyj", "教育局"), ("czj", "财政局"), ("wjw", "卫生健康委员会"), ("sjj", "数据资源局"), ("sthjj", "生态环境局"),
    ("jtysj", "交通运输局"),
)  # fmt: skip
COUNTIES = ("长宁县", "凤台县", "安远县", "双溪县", "桃源县", "白石县", "永和县", "丰乐县", "清水县", "龙泉县",
            "江口县", "平山县", "望江县", "太和县", "临泉县", "宁远县", "金寨县", "石台县")  # fmt: skip
DISTRICTS = ("东城区", "西湖区")
# Two-word queries every run asks besides those drawn from the articles' keywords (the issue's examples).
FIXED_QUERIES = ("政务公开 平台", "信息公开 年度报告", "政府网站 集约化", "政策解读 热点回应", "网民留言 办理")


@dataclass(frozen=True, slots=True)
class SyntheticSite:
    index: int
    id: str
    abbreviation: str  # what articles_for_site reads the site from
    code: str
    weight: int
    snapshot: SiteSnapshot


def _sites() -> tuple[SyntheticSite, ...]:
    found: list[tuple[str, str, str, str, str | None, int]] = [("wan", "皖", "安徽省", "province", None, 3)]
    for c, (city_id, city) in enumerate(CITIES):
        found.append((city_id, city, city, "city", "wan", 2))
        found += [(f"{city_id}-{code}", f"{city}{name}", "", "department", city_id, 1) for code, name in DEPARTMENTS]
        names = [f"{city}{district}" for district in DISTRICTS] + list(COUNTIES[2 * c : 2 * c + 2])
        found += [(f"{city_id}-x{n}", name, "", "county", city_id, 1) for n, name in enumerate(names)]
    sites = []
    for index, (site_id, abbreviation, area, level, parent, weight) in enumerate(found):
        code = f"35{index:02d}{index % 7:02d}0000" if level != "province" else "3500000000"
        full = abbreviation if level == "department" else f"{area or abbreviation}人民政府"
        snapshot = site_snapshot(site_id, full, code, level=level, parent_id=parent)
        sites.append(SyntheticSite(index, site_id, abbreviation, code, weight, snapshot))
    return tuple(sites)


SITES = _sites()
SITE_BY_ID = {s.id: s for s in SITES}


@cache
def pool(site_index: int) -> tuple:
    """The demo articles of one synthetic site (cached: ~0.1 s each)."""
    from sitegroup.demo.corpus import articles_for_site

    site = SITES[site_index]
    return tuple(articles_for_site(site.code, site.abbreviation, POOL))


def warm() -> None:
    """Make every site's pool now (~15 s for the 100), so that no timing includes it."""
    for s in SITES:
        by_kind(s.index)


@cache
def by_kind(site_index: int) -> dict[str, tuple]:
    found: dict[str, list] = {}
    for article in pool(site_index):
        found.setdefault(article.kind, []).append(article)
    return {kind: tuple(articles) for kind, articles in found.items()}


def site_cycle() -> list[int]:
    """Site indexes repeated by weight, in a fixed shuffled order: document i goes to cycle[i % len]."""
    cycle = [s.index for s in SITES for _ in range(s.weight)]
    random.Random("search-speed-sites").shuffle(cycle)
    return cycle


@dataclass(frozen=True, slots=True)
class GeneratedDoc:
    id: int
    site: SyntheticSite
    kind: str
    title: str
    paragraphs: tuple[str, ...]
    keywords: tuple[str, ...]
    article: object  # the DemoArticle it came from
    published: datetime


def documents(count: int, start: int = 0) -> Iterator[GeneratedDoc]:
    """Documents start … start+count-1, one at a time."""
    cycle = site_cycle()
    seen: dict[int, int] = {}
    # the k of a site at position `start`: count the cycle's earlier positions
    full, rest = divmod(start, len(cycle))
    for s in SITES:
        seen[s.index] = full * s.weight
    for position in range(rest):
        seen[cycle[position]] += 1
    for i in range(start, start + count):
        site_index = cycle[i % len(cycle)]
        k = seen[site_index]
        seen[site_index] = k + 1
        yield document(i, site_index, k)


def document(i: int, site_index: int, k: int) -> GeneratedDoc:
    """The k-th document of a site (global position i)."""
    site = SITES[site_index]
    articles = pool(site_index)
    base = articles[k % len(articles)]
    rounds = k // len(articles)
    r = random.Random(f"doc|{i}")
    days = base.published_days_ago + rounds * DAYS_PER_ROUND + (r.randrange(DAYS_PER_ROUND) if rounds else 0)
    published = ANCHOR - timedelta(days=days, minutes=r.randrange(600))
    title, paragraphs = base.title, tuple(base.paragraphs)
    if rounds:
        other = by_kind(r.randrange(len(SITES))).get(base.kind) or articles
        extra = [p for a in r.sample(other, min(3, len(other))) for p in a.paragraphs][: r.randint(1, 3)]
        kept = list(paragraphs)
        if len(kept) > 1 and r.random() < 0.5:
            kept.pop(r.randrange(len(kept)))
        for p in extra:
            kept.insert(r.randrange(1, len(kept) + 1), p)
        paragraphs = tuple(dict.fromkeys(kept))
        qualifier = f"{published.year}年" if rounds % 2 else f"第{rounds + 1}期"
        title = f"{title}（{qualifier}）"
    return GeneratedDoc(i + 1, site, base.kind, title, paragraphs, tuple(base.keywords), base, published)


# events ----------------------------------------------------------------------------------------------------------
def site_messages() -> list[Message]:
    return [message(SiteCreated(site_id=s.id, aggregate_id=s.id, aggregate_version=1, site=s.snapshot)) for s in SITES]


def message(event) -> Message:
    """The event as the content service's relay puts it on the bus."""
    return Message(event.topic, event.aggregate_id, envelope_bytes(encode_event(event, source="/content")), ())


_FRAME = struct.Struct(">HI")  # key length, value length


def events_file(count: int, directory: Path) -> Path:
    """Documents 0 … count-1 as the bytes the relay puts on the bus, written once and kept beside the indexes,
    so a measured run spends its clock on indexing them, not on generating them.
    Named by a digest of this module, so changed documents are never read from an older file."""
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    path = directory / f"events-{count}-{digest}.bin"
    if path.exists():
        return path
    directory.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as out:
        for doc in documents(count):
            m = message(published_event(doc))
            key = m.key.encode()
            out.write(_FRAME.pack(len(key), len(m.value)) + key + m.value)
    partial.rename(path)
    return path


def read_events(path: Path, batch: int) -> Iterator[list[Message]]:
    """The kept events in batches of `batch` messages."""
    found: list[Message] = []
    with path.open("rb") as source:
        while header := source.read(_FRAME.size):
            key_size, value_size = _FRAME.unpack(header)
            key = source.read(key_size).decode()
            found.append(Message(DOCUMENTS_TOPIC, key, source.read(value_size), ()))
            if len(found) == batch:
                yield found
                found = []
    if found:
        yield found


def published_event(doc: GeneratedDoc, *, site: SyntheticSite | None = None) -> DocumentPublished:
    """The `content.document.published.v1` the content service would publish for this document."""
    owner = site or doc.site
    article = doc.article
    path, channel_name = CHANNELS[doc.kind]
    channel_id = owner.index * 100 + KIND_INDEX[doc.kind] + 1
    at = doc.published
    url_path = f"/{path}/{at:%Y%m}/t{at:%Y%m%d}_{doc.id}.html"
    disclosure = None
    if doc.kind in ("policy", "interpretation"):
        disclosure = DisclosureSnapshot(
            index_number=f"{owner.code}/{at:%Y}-{doc.id:07d}",
            document_number=article.doc_number or None,
            written_on=at.date(),
            issuing_body=article.source,
            topic_category=article.topic_category or None,
            subject_words=list(article.subject_words),
            validity="有效",
        )
    interprets = []
    if doc.kind == "interpretation":
        interprets = [DocumentRef(id=max(1, doc.id - 1), site_id=owner.id, title=doc.title, url_path=None)]
    snapshot = DocumentSnapshot(
        id=doc.id,
        site_id=owner.id,
        channel_id=channel_id,
        title=doc.title,
        subtitle=article.subtitle or None,
        body_html="".join(f"<p>{p}</p>" for p in doc.paragraphs),
        summary=article.summary,
        author=article.author or None,
        source=article.source,
        keywords=list(doc.keywords),
        cover=None,
        attachments=[],
        disclosure=disclosure,
        interpretations=[],
        interprets=interprets,
        url_path=url_path,
        published_at=at,
        first_published_at=at,
        expires_at=None,
        revision=1,
    )
    placement = Placement(
        site_id=owner.id,
        site_main_domain=owner.snapshot.main_domain,
        channel_id=channel_id,
        channel_path=path,
        channel_name=channel_name,
        kind="primary",
        url_path=url_path,
    )
    return DocumentPublished(
        site_id=owner.id,
        aggregate_id=str(doc.id),
        aggregate_version=1,
        document=snapshot,
        site=owner.snapshot,
        placements=[placement],
    )


# queries ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Query:
    q: str
    site: str  # the site the article came from: site scope searches there; group scope asks from there


def queries(count: int = 200) -> list[Query]:
    """Two-word queries: two keywords of one demo article (so AND has hits), from sites across the group, plus
    FIXED_QUERIES; deterministic."""
    r = random.Random("search-speed-queries")
    found: list[Query] = [Query(q, SITES[n * 11 % len(SITES)].id) for n, q in enumerate(FIXED_QUERIES)]
    seen = {q.q for q in found}
    while len(found) < count:
        site_index = r.randrange(len(SITES))
        article = r.choice(pool(site_index))
        words = [w for w in article.keywords if len(w) >= 2]
        if len(words) < 2:
            continue
        q = " ".join(r.sample(words, 2))
        if q not in seen:
            seen.add(q)
            found.append(Query(q, SITES[site_index].id))
    return found


def body_chars(docs: list[GeneratedDoc]) -> float:
    return sum(len("".join(d.paragraphs)) for d in docs) / max(1, len(docs))
