"""The same logical queries in each server's words — ours through CKAN's datastore_search, Datasette through its
table JSON — and how each answer gives its rows' ids and the token of the next page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import orjson

from bench.opendata import API, CKAN_SEARCH, DATABASE, PAGE, SORT_COLUMN, TABLE
from bench.opendata.truth import COLUMN_NAMES

DATASETTE_VARIANTS = {  # what is added to Datasette's table JSON URLs
    "nosuggest": "_nosuggest=1",  # the reference's setting: no facet suggestions, the filtered count still run
    "nocount": "_nosuggest=1&_nocount=1",  # no count either: the same work as ours (include_total=false)
    "default": "",  # as a browser's first visit asks it: facet suggestions on
}
_TILDE_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def query(params: dict[str, Any]) -> str:
    """Query strings percent-encoded (Chinese names and values as UTF-8)."""
    return urlencode(params, quote_via=quote)


class Ours:
    """The open-data portal: datastore_search for (a) and (b), export.csv for (c)."""

    name = "ours"

    def __init__(self, resource_id: str) -> None:
        self.resource_id = resource_id

    def _search(self, **params: Any) -> str:
        base = {"resource_id": self.resource_id}
        return f"{CKAN_SEARCH}?{query(base | params | {'limit': PAGE, 'include_total': 'false'})}"

    def search(self, district: str, grade: str, variant: str = "") -> str:
        filters = orjson.dumps({"区县": district, "等级": grade}).decode()
        return self._search(filters=filters, sort=f"{SORT_COLUMN} desc")

    def keyset(self, order: str, token: str, variant: str = "") -> str:
        return self._search(**({"sort": f"{SORT_COLUMN} desc"} if order == "time" else {}), next_page=token)

    def offset(self, order: str, offset: int) -> str:
        return self._search(**({"sort": f"{SORT_COLUMN} desc"} if order == "time" else {}), offset=offset)

    def export(self) -> str:
        return f"{API}/resources/{self.resource_id}/export.csv"

    def export_live(self) -> str:
        """The same table with every field named: formatted from the datastore as it streams, not the kept file."""
        return f"{self.export()}?{query({'fields': ','.join(COLUMN_NAMES)})}"

    @staticmethod
    def page(body: bytes) -> tuple[list[int], str | None]:
        """The records' _ids and next_page (keyset: pass it back to continue after this page's last row)."""
        result = orjson.loads(body)["result"]
        return [record["_id"] for record in result["records"]], result.get("next_page")

    @staticmethod
    def rows(body: bytes) -> list[tuple]:
        return [tuple(r[name] for name in COLUMN_NAMES) for r in orjson.loads(body)["result"]["records"]]


class Datasette:
    """Datasette's table view: `/db/table.json?col=value&_sort_desc=…&_size=100`, pages by `_next`."""

    name = "datasette"

    def __init__(self) -> None:
        self.table = f"/{DATABASE}/{TABLE}"

    def search(self, district: str, grade: str, variant: str = "nosuggest") -> str:
        params = {"区县": district, "等级": grade, "_sort_desc": SORT_COLUMN, "_size": PAGE}
        return self._join(query(params), DATASETTE_VARIANTS[variant])

    def keyset(self, order: str, token: str, variant: str = "nosuggest") -> str:
        params: dict[str, Any] = {"_size": PAGE}
        if order == "time":
            params["_sort_desc"] = SORT_COLUMN
        return self._join(query(params | {"_next": token}), DATASETTE_VARIANTS[variant])

    def _join(self, params: str, extra: str) -> str:
        return f"{self.table}.json?{params}" + (f"&{extra}" if extra else "")

    def export(self) -> str:
        return f"{self.table}.csv?_stream=on&_size=max"

    @staticmethod
    def token(order: str, last: tuple) -> str:
        """`_next` after a row (its 监测时间, _id) as Datasette writes it: the sort value tilde-encoded, then the pk."""
        return f"{tilde_encode(str(last[0]))},{last[1]}" if order == "time" else str(last[1])

    @staticmethod
    def page(body: bytes) -> tuple[list[int], str | None]:
        answer = orjson.loads(body)
        at = answer["columns"].index("_id")
        return [row[at] for row in answer["rows"]], answer.get("next")

    @staticmethod
    def rows(body: bytes) -> list[tuple]:
        answer = orjson.loads(body)
        at = [answer["columns"].index(name) for name in COLUMN_NAMES]
        return [tuple(row[i] for i in at) for row in answer["rows"]]


def tilde_encode(text: str) -> str:
    """Datasette's tilde encoding (datasette.utils.tilde_encode): unsafe bytes as ~XX, a space as +."""
    out = []
    for char in text:
        if char in _TILDE_SAFE:
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.append("".join(f"~{byte:02X}" for byte in char.encode()))
    return "".join(out)
