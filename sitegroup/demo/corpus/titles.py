"""The titles a site can use, per kind, built from the seed phrases plus short connective words.

======================  ===========================================================
``news``  政务动态       "{地区}{短语}" — 1–4 consecutive paragraphs
``work``  工作动态       "{地区}{部门}{短语}" — 1–3 paragraphs
``notice`` 通知公告      "{发文机关}关于{短语}的通知" — 2–4 paragraphs
``policy`` 政策文件      "关于印发{地区}{事项}工作方案的通知", "…管理办法", "…实施意见",
                        with 文号, 主题分类 and 主题词
``interpretation`` 政策解读  "《{政策名称}》政策解读" — points at a policy earlier in the
                        same list (``interprets``)
======================  ===========================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegroup.demo.corpus.article import KINDS
from sitegroup.demo.corpus.determinism import seeded_random
from sitegroup.demo.corpus.parse import Corpus, Phrase, parsed_corpus
from sitegroup.demo.corpus.phrases import DIRECTIVE, title_phrase
from sitegroup.demo.corpus.sites import Site
from sitegroup.demo.corpus.text import balanced, clauses

_HAN = re.compile(r"[\u4e00-\u9fff]")
_SCOPE_IN_TITLE = re.compile(r"全(?:省|区|市|县|州)")


@dataclass(slots=True)
class Draft:
    kind: str
    title: str
    chunk: int  # anchor paragraph
    phrase: str  # the phrase the title was built from (to spread phrases over kinds)
    doc_name: str = ""  # policy: the document's own name, for its interpretation


def title_ok(title: str) -> bool:
    """Whether the title reads like one: not too short or long, Chinese, no dangling quote."""
    return 8 <= len(title) <= 40 and _han_ratio(title) >= 0.75 and balanced(title)


def _han_ratio(text: str) -> float:
    return len(_HAN.findall(text)) / max(1, len(text))


def candidates(site: Site, rng_seed: str) -> dict[str, list[Draft]]:
    """Every title this site can use, per kind, in a site-specific order."""
    corpus = parsed_corpus()
    out: dict[str, list[Draft]] = {k: [] for k in KINDS if k != "interpretation"}
    for ph in corpus.phrases:
        for draft in _phrase_drafts(site, rng_seed, ph):
            out[draft.kind].append(draft)
    for a, b, chunk in corpus.pairs:
        title = f"{site.area}{_scoped(site, a)}，{_scoped(site, b)}"
        out["news"].append(Draft("news", title, chunk, a + b))
    for kind, drafts in out.items():
        _keep_and_order(drafts, kind, rng_seed, corpus)
    return out


def _scoped(site: Site, phrase: str) -> str:
    """The phrase with its "全省/全市…" made the site's own scope."""
    return _SCOPE_IN_TITLE.sub("全" + site.scope, phrase)


def _phrase_drafts(site: Site, rng_seed: str, ph: Phrase) -> list[Draft]:
    """The titles of every kind that one phrase gives the site."""
    p = _scoped(site, ph.text)
    actor = seeded_random(rng_seed, "actor", ph.text).choice(site.actors)
    drafts = [
        Draft("news", f"{site.area}{p}", ph.chunk, ph.text),
        Draft("work", f"{site.area}{actor}{p}", ph.chunk, ph.text),
    ]
    directive = bool(DIRECTIVE.match(p)) and "了" not in p
    lead = _lead(p, rng_seed)
    if directive:
        drafts += _notice(site, ph, lead)
    if ph.obj:
        drafts += _named_policies(site, rng_seed, ph)
    if directive and (ph.heading or (ph.normative and ph.obj)):
        name = f"{site.government}关于{lead}的实施意见"
        drafts.append(Draft("policy", name, ph.chunk, ph.text, name))
    return drafts


def _lead(p: str, rng_seed: str) -> str:
    """The phrase as an order opens, for half the sites with "进一步" as real documents often do."""
    if (
        re.match(r"(加强|规范|做好|推进|完善|强化|健全|抓好)", p)
        and "进一步" not in p
        and seeded_random(rng_seed, "jyb", p).random() < 0.5
    ):
        return "进一步" + p
    return p


def _notice(site: Site, ph: Phrase, lead: str) -> list[Draft]:
    """A notice from the office under its full name, or its short one when the full title is too long."""
    for issuer in (site.office, site.short_office):
        title = f"{issuer}关于{lead}的通知"
        if title_ok(title):
            return [Draft("notice", title, ph.chunk, ph.text)]
    return []


def _named_policies(site: Site, rng_seed: str, ph: Phrase) -> list[Draft]:
    """The 工作方案 and 管理办法 named after the phrase's object."""
    obj = _scoped(site, ph.obj)
    # a department names its documents after itself: "青山市数据资源局…管理办法"
    name = f"{site.area}{obj}工作方案"
    drafts = [Draft("policy", f"关于印发{name}的通知", ph.chunk, ph.text, name)]
    if not re.search(r"(机制|体系|规范|管理|评价|建设)$", obj):
        name = f"{site.area}{obj}管理办法"
        bare = seeded_random(rng_seed, "form", obj).random() < 0.4
        title = name if bare else f"关于印发{name}的通知"
        drafts.append(Draft("policy", title, ph.chunk, ph.text, name))
    return drafts


def _keep_and_order(drafts: list[Draft], kind: str, rng_seed: str, corpus: Corpus) -> None:
    """Drop the titles that do not read well and shuffle the rest in the site's own order."""
    drafts[:] = [d for d in drafts if title_ok(d.title)]
    rng = seeded_random(rng_seed, "order", kind)
    rng.shuffle(drafts)
    if kind in ("policy", "notice"):
        # prefer the normative paragraphs (the 实施意见 of seed 002, the 下一步 lists)
        drafts.sort(key=lambda d: not corpus.chunks[d.chunk].normative)


def subtitle_ok(heading: str, title: str) -> bool:
    """A chapter heading of the seed that reads as a subtitle of a news item."""
    if not 6 <= len(heading) <= 20 or heading in title or not balanced(heading):
        return False
    if re.match(r"^在.+上求", heading):
        return True
    return any(title_phrase(part, min_len=4) for part in clauses(heading))


def interpretation_title(doc_name: str, variant: int) -> str:
    """The title of an interpretation of the document, in one of three usual forms ("" if none fits)."""
    forms = (f"《{doc_name}》政策解读", f"一图读懂《{doc_name}》", f"《{doc_name}》解读")
    ordered = forms[variant % 3 :] + forms[: variant % 3]
    for title in ordered:
        if title_ok(title):
            return title
    return ""
