"""站内搜索: how a site's search answers, kept by its admins and editors — synonyms, best bets (置顶), Q&A pairs —
and what its public searched each month; platform operators also keep the words that apply to every site."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.search.routes import router

CURATORS = roles_anywhere("site_admin", "editor", "platform_operator")

SECTION = Section(
    key="search",
    title="站内搜索",
    order=40,
    router=router,
    menu=(
        MenuItem("同义词", "/console/search/synonyms", CURATORS),
        MenuItem("置顶", "/console/search/best-bets", CURATORS),
        MenuItem("智能问答", "/console/search/qa", CURATORS),
        MenuItem("搜索统计", "/console/search/analytics", CURATORS),
        MenuItem("全平台搜索词", "/console/search/platform/synonyms", roles_anywhere("platform_operator")),
    ),
    templates=Path(__file__).parent / "templates",
)
