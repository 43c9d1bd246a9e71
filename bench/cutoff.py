"""The daily cutoff over 100,000 pending items in 500 registers, on SQLite and on
PostgreSQL: the real `RunCutoff` job (claim, the late list, two set-based UPDATEs, one audit
entry per register, the missed lists for accountants and directors, finish) against a bare
set-based UPDATE of the same rows in the same run (the floor).

Each database runs in its own process, so its peak RSS is its own; data goes in with bulk
inserts; each time is the best of a few runs, the rows reset in between (untimed). Ends
with one JSON line: {"bench": "cutoff", "seconds": ..., "floor_seconds": ..., "ratio": ...,
"peak_rss_mb": ..., "goal": 5.0} — ``seconds``/``floor_seconds`` of the database with the
worse ratio, ``ratio`` the worse of the two, ``peak_rss_mb`` the larger.

    .venv/bin/python bench/cutoff.py            (needs PostgreSQL on 127.0.0.1:5432)
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 5.0
REGISTERS = 500
ITEMS_PER_REGISTER = 200
REPEAT = 3
DAY = date(2026, 11, 30)
CUTOFF = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # 14:00 in Moscow
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
FLOOR_SQL = (
    "UPDATE register_item SET status = 'missed' WHERE status = 'pending' AND register_id IN "
    "(SELECT id FROM register WHERE payment_date = :day AND status IN ('in_approval', 'returned'))"
)


class Clock:
    def now(self) -> datetime:
        return CUTOFF


class NullSender:
    """Counts what the job hands over; sending is the notifier's bench, not this one."""

    async def reminders(self, reminders: Sequence[Any]) -> int:
        return len(reminders)

    async def missed(self, notices: Sequence[Any]) -> int:
        return len(notices)

    async def digest(self, digest: Any, recipients: Sequence[Any]) -> int:
        return len(recipients)


async def fill(database: Any) -> None:
    """The sample org, then 500 registers in approval with 200 pending items each."""
    from sqlalchemy import insert, select
    from sqlmodel import col

    from domain.inn import complete_inn
    from domain.org import load_org_toml
    from models.register_tables import Register, RegisterItem
    from models.tables import DealerCenter, Person
    from models.uow import SqlUnitOfWork
    from services.usecases import UseCases

    cases = UseCases.build(lambda: SqlUnitOfWork(database), Clock(), invite_ttl_hours=1)
    org = (ROOT / "tests" / "fixtures" / "org.toml").read_text(encoding="utf-8")
    await cases.import_org(load_org_toml(org))
    async with database.engine.begin() as connection:
        dcs = list((await connection.execute(select(col(DealerCenter.id)))).scalars())
        uploader = (
            await connection.execute(select(col(Person.id)).where(col(Person.code) == "ivanova"))
        ).scalar_one()
        registers = [_register(n, dcs[n % len(dcs)], uploader) for n in range(REGISTERS)]
        await connection.execute(insert(Register.__table__), registers)  # type: ignore[attr-defined]
        ids = list(
            (
                await connection.execute(select(col(Register.id)).order_by(col(Register.id)))
            ).scalars()
        )
        inns = [complete_inn(f"7707{n:05d}") for n in range(100)]
        for start in range(0, len(ids), 25):  # 5,000 items per statement
            rows = [_item(rid, p, inns) for rid in ids[start : start + 25]
                    for p in range(1, ITEMS_PER_REGISTER + 1)]  # fmt: skip
            await connection.execute(insert(RegisterItem.__table__), rows)  # type: ignore[attr-defined]


def _register(n: int, dc_id: int, uploader: int) -> dict[str, Any]:
    return {
        "dc_id": dc_id, "uploaded_by_id": uploader, "status": "in_approval",
        "stage": "dc_director",
        "route": "dc_director,chief_accountant,finance_director,general_director",
        "round": 1, "version": 2, "payment_date": DAY, "earliest_payment_date": DAY,
        "source_format": "xlsx", "item_count": ITEMS_PER_REGISTER,
        "total": Decimal(ITEMS_PER_REGISTER * 1000), "warnings": [],
        "created_at": CUTOFF, "updated_at": CUTOFF,
    }  # fmt: skip


def _item(register_id: int, position: int, inns: list[str]) -> dict[str, Any]:
    return {
        "register_id": register_id, "position": position, "line": position + 1,
        "counterparty": f"ООО «Поставщик {position}»", "inn": inns[position % len(inns)],
        "invoice_number": str(position), "invoice_key": str(position),
        "purpose": f"Оплата по счету № {position}", "amount": Decimal("1000.00"),
        "currency": "RUB", "urgent": False, "over_threshold": False, "status": "pending",
    }  # fmt: skip


async def reset(database: Any) -> None:
    from sqlalchemy import text

    async with database.engine.begin() as connection:
        await connection.execute(text("UPDATE register_item SET status = 'pending'"))
        await connection.execute(
            text("UPDATE register SET status = 'in_approval', stage = 'dc_director'")
        )
        await connection.execute(text("DELETE FROM job_run"))


async def floor(database: Any) -> float:
    from sqlalchemy import text

    started = time.perf_counter()
    async with database.engine.begin() as connection:
        result = await connection.execute(text(FLOOR_SQL), {"day": DAY})
    seconds = time.perf_counter() - started
    assert result.rowcount == REGISTERS * ITEMS_PER_REGISTER, result.rowcount
    return seconds


async def job(database: Any) -> float:
    from models.uow import SqlUnitOfWork
    from services.usecases import UseCases

    cases = UseCases.build(lambda: SqlUnitOfWork(database), Clock(), invite_ttl_hours=1)
    started = time.perf_counter()
    report = await cases.cutoff.cutoff(DAY, NullSender())
    seconds = time.perf_counter() - started
    assert report.done and report.result["missed"] == REGISTERS * ITEMS_PER_REGISTER, report
    assert report.result["closed"] == REGISTERS
    return seconds


async def measure(url: str) -> dict[str, float]:
    from models.db import create_database
    from models.migrate import upgrade_to_head

    database = create_database(url)
    await upgrade_to_head(database)
    await fill(database)
    floors, jobs = [], []
    for _ in range(REPEAT):
        floors.append(await floor(database))
        await reset(database)
        jobs.append(await job(database))
        await reset(database)
    await database.dispose()
    return {"seconds": min(jobs), "floor_seconds": min(floors), "rss": peak_rss_mb()}


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def on_postgres() -> dict[str, float]:
    import asyncpg  # type: ignore[import-untyped]

    name = f"viza_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return await measure(f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def run_case(case: str) -> dict[str, float]:
    if case == "postgres":
        return asyncio.run(on_postgres())
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(measure(f"sqlite+aiosqlite:///{folder}/bench.sqlite3"))


def in_child(case: str) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--case", case], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"bench case {case!r} failed")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2])))
        return
    results = {case: in_child(case) for case in ("sqlite", "postgres")}
    for case, figures in results.items():
        ratio = figures["seconds"] / figures["floor_seconds"]
        print(f"{case:9} cutoff job {figures['seconds']:.3f} s, bare UPDATE "
              f"{figures['floor_seconds']:.3f} s, ratio {ratio:.2f}, "
              f"peak RSS {figures['rss']:.0f} MB")  # fmt: skip
    worst = max(results.values(), key=lambda f: f["seconds"] / f["floor_seconds"])
    print(
        json.dumps(
            {
                "bench": "cutoff",
                "seconds": round(worst["seconds"], 3),
                "floor_seconds": round(worst["floor_seconds"], 3),
                "ratio": round(worst["seconds"] / worst["floor_seconds"], 2),
                "peak_rss_mb": round(max(f["rss"] for f in results.values()), 1),
                "goal": GOAL,
            }
        )
    )


if __name__ == "__main__":
    main()
