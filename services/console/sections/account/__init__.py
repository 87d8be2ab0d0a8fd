"""个人中心: what a signed-in citizen or legal person has of their own on the platform — the letters they wrote
to any site, with where each stands. Staff see it too (they may write letters as citizens); the open-data
developer portal joins it later."""

from pathlib import Path

from services.console.registry import MenuItem, Section
from services.console.sections.account.routes import router, waiting_letters


def everyone(_principal: object) -> bool:
    return True


SECTION = Section(
    key="account",
    title="个人中心",
    order=90,
    router=router,
    menu=(
        MenuItem("我的信件", "/console/account/letters", everyone),
        MenuItem("开发者", "/console/account/developer", everyone),
    ),
    templates=Path(__file__).parent / "templates",
    waiting=waiting_letters,
)
