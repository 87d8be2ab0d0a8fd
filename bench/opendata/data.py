"""The table both servers serve: 合肥市空气质量监测小时数据 (30 stations in the city's 9 districts, one row per
station and hour from 2022-01-01 on), generated from a fixed seed, written once as CSV and as the SQLite file
Datasette serves, both cached under var/bench/opendata/ (never committed)."""

from __future__ import annotations

import csv
import math
import random
import shutil
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from bench.common import ROOT, console
from bench.opendata import TABLE

GENERATOR = 1  # bump when the rows change: the cache directory is named after it
SEED = 20261206
CACHE = ROOT / "var" / "bench" / "opendata"
STATIONS = {
    "瑶海区": ("三里街", "明光路", "瑶海工业园"),
    "庐阳区": ("琥珀山庄", "董铺水库", "长江中路", "庐阳区政府"),
    "蜀山区": ("高新区", "蜀山区政府", "南艳湖", "科学岛"),
    "包河区": ("包河区政府", "滨湖新区", "滨湖学校", "万达广场"),
    "长丰县": ("长丰县城", "双墩镇", "下塘镇"),
    "肥东县": ("肥东县城", "撮镇", "店埠河"),
    "肥西县": ("肥西县城", "上派镇", "紫蓬山"),
    "庐江县": ("庐江县城", "汤池镇", "庐江工业园"),
    "巢湖市": ("巢湖市区", "半汤", "中庙"),
}
# (name, the type our loader infers, what the Datasette file stores it as: services/opendata/datastore/sqlite.py)
COLUMNS = (
    ("监测站点", "text"), ("区县", "text"), ("监测时间", "timestamp"), ("PM2.5", "integer"), ("PM10", "integer"),
    ("O3", "integer"), ("CO", "numeric"), ("AQI", "integer"), ("首要污染物", "text"), ("等级", "text"),
)  # fmt: skip
SQLITE_TYPES = {"integer": "INTEGER", "numeric": "REAL", "timestamp": "TEXT", "text": "TEXT"}
MISSING = "—"  # how the bureau's exports write "no value": our loader reads it as empty (NULL)
# HJ 633-2012: IAQI breakpoints, and each pollutant's concentration breakpoints (1-hour values; CO in mg/m³)
IAQI = (0, 50, 100, 150, 200, 300, 400, 500)
BREAKPOINTS = {
    "PM2.5": (0, 35, 75, 115, 150, 250, 350, 500),
    "PM10": (0, 50, 150, 250, 350, 420, 500, 600),
    "O3": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "CO": (0, 5, 10, 35, 60, 90, 120, 150),
}
LEVELS = ((50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"), (300, "重度污染"))


def cache_dir(rows: int) -> Path:
    """Named after the generator and the row count, so a changed generator never reads a stale file."""
    return CACHE / f"v{GENERATOR}-rows-{rows}"


def iaqi(pollutant: str, value: float) -> int:
    """The individual air quality index of one concentration (linear between breakpoints, rounded up)."""
    points = BREAKPOINTS[pollutant]
    for i in range(1, len(points)):
        if value <= points[i]:
            span = (IAQI[i] - IAQI[i - 1]) / (points[i] - points[i - 1])
            return math.ceil(IAQI[i - 1] + span * (value - points[i - 1]))
    return 500


def level(aqi: int) -> str:
    """空气质量等级 of an AQI."""
    return next((name for bound, name in LEVELS if aqi <= bound), "严重污染")


class Weather:
    """The city's pollution, hour by hour: a seasonal mean, a daily cycle and a persistent random swing."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.swing = rng, 0.0

    def next_hour(self, moment: datetime) -> tuple[float, float]:
        """(PM2.5 level, ozone level) for the city at this hour, before each station's own factor."""
        self.swing = 0.97 * self.swing + 0.11 * self.rng.gauss(0, 1)
        season = 2 * math.pi * (moment.timetuple().tm_yday - 10) / 365.25
        night = 1 + 0.15 * math.cos(2 * math.pi * (moment.hour - 22) / 24)
        pm25 = (46 + 30 * math.cos(season)) * math.exp(self.swing) * night
        daylight = max(0.0, math.sin(math.pi * (moment.hour - 7) / 12))
        ozone = 22 + 130 * (0.5 - 0.5 * math.cos(season)) * daylight
        return pm25, ozone


def station_row(rng: random.Random, station: tuple[str, str, float], moment: datetime, city: tuple) -> list:
    """One station's hour: concentrations around the city's, then AQI, 首要污染物 and 等级 as HJ 633 says."""
    name, district, factor = station
    pm25 = max(2, round(city[0] * factor * math.exp(rng.gauss(0, 0.12))))
    pm10 = max(pm25, round(pm25 * rng.uniform(1.3, 2.1) + rng.gauss(0, 5)))
    ozone = max(2, round(city[1] * math.exp(rng.gauss(0, 0.2))))
    co = round(0.4 + pm25 * 0.008 + abs(rng.gauss(0, 0.1)), 1)
    values = {"PM2.5": pm25, "PM10": pm10, "O3": ozone, "CO": co}
    if rng.random() < 0.001:  # a monitor down for the hour
        del values["PM10"]
    indexes = {pollutant: iaqi(pollutant, value) for pollutant, value in values.items()}
    aqi = max(indexes.values())
    main = max(indexes, key=indexes.__getitem__) if aqi > 50 else MISSING
    return [name, district, moment.strftime("%Y-%m-%d %H:%M:%S"), pm25, values.get("PM10", MISSING), ozone,
            f"{co:.1f}", aqi, main, level(aqi)]  # fmt: skip


def generate(rows: int) -> Iterator[list]:
    """The rows, hour by hour and station by station, the same for the same seed."""
    rng = random.Random(SEED)
    stations = [(name, district, rng.uniform(0.8, 1.25)) for district, names in STATIONS.items() for name in names]
    weather, moment, made = Weather(rng), datetime(2022, 1, 1), 0
    while made < rows:
        city = weather.next_hour(moment)
        for station in stations[: rows - made]:
            yield station_row(rng, station, moment, city)
        made += min(len(stations), rows - made)
        moment += timedelta(hours=1)


def ensure_csv(rows: int) -> Path:
    """The CSV file (UTF-8, header first), written only when missing."""
    path = cache_dir(rows) / f"{TABLE}.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    began, partial = time.perf_counter(), path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([name for name, _ in COLUMNS])
        writer.writerows(generate(rows))
    partial.rename(path)
    console.print(f"[dim]generated {rows:,} rows in {time.perf_counter() - began:.1f} s: {path.relative_to(ROOT)}[/]")
    return path


def stored(row: list[str]) -> tuple:
    """A CSV row as our datastore stores it: empty markers NULL, numbers typed, timestamps ISO with a T."""
    out = []
    for text, (_, kind) in zip(row, COLUMNS, strict=True):
        if text in ("", MISSING):
            out.append(None)
        elif kind == "integer":
            out.append(int(text))
        elif kind == "numeric":
            out.append(float(text))
        else:
            out.append(text.replace(" ", "T", 1) if kind == "timestamp" else text)
    return tuple(out)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ensure_database(rows: int, csv_path: Path) -> Path:
    """Datasette's SQLite file: our datastore's DDL (_id INTEGER PRIMARY KEY, one index per column, ANALYZE)."""
    path = cache_dir(rows) / "opendata.db"
    if path.exists():
        return path
    began, partial = time.perf_counter(), path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial, isolation_level=None)
    try:
        fill(connection, csv_path)
    finally:
        connection.close()
    partial.rename(path)
    console.print(f"[dim]built Datasette's file in {time.perf_counter() - began:.1f} s: {path.relative_to(ROOT)}[/]")
    return path


COMPOSITE = ("区县", "等级", "监测时间")  # the index our datastore builds itself for query (a)


def ensure_indexed_database(rows: int, database: Path) -> Path:
    """A copy of Datasette's file with the composite index (a) needs, as an operator would add it by hand."""
    path = cache_dir(rows) / "indexed" / "opendata.db"  # the same name: Datasette names the database by its file
    if path.exists():
        return path
    path.parent.mkdir(exist_ok=True)
    began, partial = time.perf_counter(), path.with_suffix(".partial")
    shutil.copyfile(database, partial)
    connection = sqlite3.connect(partial, isolation_level=None)
    try:
        columns = ", ".join(quote(name) for name in COMPOSITE)
        connection.execute(f"CREATE INDEX {TABLE}_composite ON {TABLE} ({columns})")
        connection.execute(f"ANALYZE {TABLE}_composite")
    finally:
        connection.close()
    partial.rename(path)
    console.print(f"[dim]copied it with the composite index in {time.perf_counter() - began:.1f} s[/]")
    return path


def fill(connection: sqlite3.Connection, csv_path: Path) -> None:
    """CREATE TABLE, the rows in batches, then the indexes, as services/opendata/datastore/sqlite.py loads."""
    definitions = ", ".join(f"{quote(name)} {SQLITE_TYPES[kind]}" for name, kind in COLUMNS)
    connection.execute(f"CREATE TABLE {TABLE} ({quote('_id')} INTEGER PRIMARY KEY, {definitions})")
    names = ", ".join(quote(name) for name, _ in COLUMNS)
    insert = f"INSERT INTO {TABLE} ({names}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    with csv_path.open(encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        next(reader)
        batch: list[tuple] = []
        for row in reader:
            batch.append(stored(row))
            if len(batch) >= 10_000:
                insert_batch(connection, insert, batch)
        insert_batch(connection, insert, batch)
    for position, (name, _) in enumerate(COLUMNS):
        connection.execute(f"CREATE INDEX {quote(f'{TABLE}_i{position}')} ON {TABLE} ({quote(name)})")
    connection.execute(f"ANALYZE {TABLE}")


def insert_batch(connection: sqlite3.Connection, insert: str, batch: list[tuple]) -> None:
    """One transaction per batch, as our datastore loads."""
    connection.execute("BEGIN")
    connection.executemany(insert, batch)
    connection.execute("COMMIT")
    batch.clear()
