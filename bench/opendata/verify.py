"""Before any load: every answer compared with the truth read from the SQLite file — query (a) for every filter
pair (ids, and whole rows for the first three), two keyset pages from every walker's start in both orders, and
our deep offset pages. A side that answers wrong rows is reported (and the bench exits 1), not hidden."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.opendata import PAGE
from bench.opendata.sides import Datasette, Ours
from bench.opendata.truth import Truth, starts


@dataclass
class Plan:
    """What the queries ask, and what they must answer, for both sides alike."""

    combos: list[tuple[str, str, int]]
    first_pages: dict[tuple[str, str], list[tuple]]
    starts: list[int]
    around: dict[tuple[str, int], list[tuple]]  # (order, start) → (监测时间, _id) of rows start-100 … start+199

    @classmethod
    def read(cls, truth: Truth, walkers: int) -> Plan:
        """The truth once, before either server runs: both sides are checked against the same rows."""
        combos = truth.combos()
        pages = {(d, g): truth.first_page(d, g) for d, g, _ in combos}
        begins = starts(truth.rows, walkers)
        around = {(order, s): truth.at(order, s - PAGE, 3 * PAGE) for order in ("id", "time") for s in begins}
        return cls(combos, pages, begins, around)

    def ids(self, order: str, start: int, page: int) -> list[int]:
        """The ids of page `page` (-1: the one before the start) of a walk beginning at `start`."""
        rows = self.around[(order, start)]
        return [row[1] for row in rows[(page + 1) * PAGE : (page + 2) * PAGE]]


@dataclass
class Check:
    name: str
    total: int = 0
    passed: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, ok: bool, failure: str) -> None:
        self.total += 1
        self.passed += ok
        if not ok and len(self.failures) < 3:
            self.failures.append(failure)

    def asdict(self) -> dict[str, Any]:
        return {"name": self.name, "total": self.total, "passed": self.passed, "failures": self.failures}


async def get(client: httpx.AsyncClient, path: str) -> bytes:
    """One verification request; anything but 200 stops the run (nothing else would be meaningful)."""
    response = await client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"GET {path[:200]}: {response.status_code} {response.text[:300]}")
    return response.content


async def check_search(client: httpx.AsyncClient, side: Ours | Datasette, plan: Plan) -> Check:
    """Query (a) for every filter pair: the ids in order; whole rows for the first three pairs."""
    check = Check("(a) filters + sort + limit 100: same rows as the truth")
    for n, (district, grade, _) in enumerate(plan.combos):
        body = await get(client, side.search(district, grade))
        want = plan.first_pages[(district, grade)]
        got_ids, _ = side.page(body)
        ok = got_ids == [row[0] for row in want] and (n >= 3 or side.rows(body) == want)
        check.add(ok, f"{district}/{grade}: ids {got_ids[:3]}… rows differ" if not ok else "")
    return check


async def first_token(client: httpx.AsyncClient, side: Ours | Datasette, plan: Plan, order: str, start: int) -> str:
    """Where a walk begins: ours from the page before it, asked by offset; Datasette's written from the row."""
    if isinstance(side, Datasette):
        return side.token(order, plan.around[(order, start)][PAGE - 1])
    body = await get(client, side.offset(order, start - PAGE))
    ids, token = side.page(body)
    if ids != plan.ids(order, start, -1) or not token:
        raise SystemExit(f"ours: the offset page before row {start:,} ({order}) is not the truth's")
    return token


async def check_keyset(
    client: httpx.AsyncClient, side: Ours | Datasette, plan: Plan, order: str
) -> tuple[Check, list[str]]:
    """Two keyset pages from every walker's start; the first tokens, for the load."""
    label = "_id" if order == "id" else "监测时间 desc"
    check, tokens = Check(f"(b) keyset pages by {label} from row {plan.starts[0]:,} on: same rows"), []
    for start in plan.starts:
        token = await first_token(client, side, plan, order, start)
        tokens.append(token)
        for page in (0, 1):
            ids, token = side.page(await get(client, side.keyset(order, token)))
            want = plan.ids(order, start, page)
            common = len(set(want) & set(ids))
            check.add(ids == want, f"the page after row {start + page * PAGE:,}: {common} of its {PAGE} rows")
            if not token:
                break
    return check, tokens


async def check_offset(client: httpx.AsyncClient, side: Ours, plan: Plan) -> Check:
    """Our deep offset pages: right, whatever they cost."""
    check = Check(f"(b) offset pages by 监测时间 desc from row {plan.starts[0]:,} on: same rows")
    for start in plan.starts[:4]:
        ids, _ = side.page(await get(client, side.offset("time", start)))
        check.add(ids == plan.ids("time", start, 0), f"offset {start:,}: got {ids[:2]}…")
    return check


async def verify(base_url: str, side: Ours | Datasette, plan: Plan) -> tuple[list[dict], dict[str, list[str]]]:
    """Every check of one side, and the walkers' first tokens by order."""
    async with httpx.AsyncClient(base_url=base_url, timeout=120.0) as client:
        checks = [await check_search(client, side, plan)]
        tokens = {}
        for order in ("id", "time"):
            check, tokens[order] = await check_keyset(client, side, plan, order)
            checks.append(check)
        if isinstance(side, Ours):
            checks.append(await check_offset(client, side, plan))
    return [c.asdict() for c in checks], tokens
