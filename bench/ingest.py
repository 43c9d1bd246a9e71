"""Register ingest: parse + validate + store (SQLite) of a generated 10,000-row .xlsx and a
100,000-row .csv through the real `UploadRegister` use case, against a bare python-calamine
read of the same .xlsx in the same run.

Each case runs in its own process so that its peak RSS is its own. Times are the best of a
few runs (one for the 100,000 rows); each stored draft is cancelled afterwards so that the
next run is not flagged as its duplicate. The bare read and the xlsx ingest alternate over
`ROUNDS` pairs of processes and each keeps its best: on a shared machine whose speed drifts
by a third from one minute to the next, a single pair compared the drift as much as the
code. Ends with one JSON line:
{"bench": "ingest", "rows_per_s": ..., "peak_rss_mb": ..., "ratio": ..., "goal": 3.0}
(``ratio`` = 10,000-row xlsx ingest time / bare calamine read time).

    .venv/bin/python bench/ingest.py
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL = 3.0
XLSX_ROWS = 10_000
CSV_ROWS = 100_000
REPEAT = 5
ROUNDS = 5
HEADER = [
    "Контрагент", "ИНН", "Сумма", "Назначение платежа", "№ счета", "Дата счета",
    "Статья ДДС", "Срок оплаты", "Срочно", "Комментарий",
]  # fmt: skip
CATEGORIES = ["Аренда", "Логистика", "Запчасти", "Реклама", "Связь", "Коммунальные услуги"]


def generated_rows(count: int, seed: int) -> list[list[object]]:
    from domain.inn import complete_inn

    rng = random.Random(seed)
    suppliers = [
        (
            f"ООО «Поставщик {n}»",
            complete_inn(f"{rng.randint(10, 99)}{rng.randint(0, 9999999):07d}"),
        )
        for n in range(2_000)
    ]
    start = date(2026, 11, 1)
    rows: list[list[object]] = []
    for n in range(count):
        name, inn = rng.choice(suppliers)
        amount = Decimal(rng.randint(10_000, 50_000_000)) / 100
        invoice_date = start + timedelta(days=rng.randint(0, 28))
        rows.append([
            name, inn, amount, f"Оплата по счету № {n + 1} от {invoice_date:%d.%m.%Y}, НДС 20%",
            str(n + 1), invoice_date, rng.choice(CATEGORIES), invoice_date + timedelta(days=30),
            "да" if n % 17 == 0 else "", "" if n % 5 else "по договору",
        ])  # fmt: skip
    return rows


def make_xlsx(count: int, seed: int = 1) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Реестр")
    money = workbook.add_format({"num_format": "#,##0.00"})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    sheet.write_row(0, 0, ["Реестр платежей на 30.11.2026"])
    sheet.write_row(2, 0, HEADER)
    for index, row in enumerate(generated_rows(count, seed=seed), start=3):
        sheet.write_row(index, 0, row[:2])
        sheet.write_number(index, 2, float(row[2]), money)  # type: ignore[arg-type]
        sheet.write_row(index, 3, row[3:5])
        sheet.write_datetime(index, 5, row[5], day)
        sheet.write(index, 6, row[6])
        sheet.write_datetime(index, 7, row[7], day)
        sheet.write_row(index, 8, row[8:])
    workbook.close()
    return buffer.getvalue()


def make_csv(count: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in generated_rows(count, seed=2):
        amount = f"{row[2]:.2f}".replace(".", ",")
        writer.writerow([
            row[0], row[1], amount, row[3], row[4], f"{row[5]:%d.%m.%Y}", row[6],
            f"{row[7]:%d.%m.%Y}", row[8], row[9],
        ])  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def bare_read(data: bytes) -> float:
    import python_calamine as calamine

    best = float("inf")
    for _ in range(REPEAT):
        started = time.perf_counter()
        workbook = calamine.load_workbook(io.BytesIO(data))
        rows = workbook.get_sheet_by_index(0).to_python()
        best = min(best, time.perf_counter() - started)
        assert len(rows) > XLSX_ROWS
    return best


async def ingest(filename: str, data: bytes, rows: int) -> tuple[float, float]:
    """The best time of the upload use case as the bot runs it (the file read by its worker
    process while the payments are stored), and the worker's peak RSS in MB."""
    from domain.org import load_org_toml
    from models.db import create_database
    from models.migrate import upgrade_to_head
    from models.register_items import encoder_for
    from models.uow import SqlUnitOfWork
    from services.registers import DraftReady, ProcessParser, RegisterRules
    from services.usecases import UseCases

    class Clock:
        def now(self):  # type: ignore[no-untyped-def]
            from datetime import UTC, datetime

            return datetime(2026, 11, 30, 7, 0, tzinfo=UTC)

    with tempfile.TemporaryDirectory() as folder:
        database = create_database(f"sqlite+aiosqlite:///{folder}/bench.sqlite3")
        await upgrade_to_head(database)
        rules = RegisterRules.from_config(
            max_file_mb=64, max_rows=rows, ceo_threshold=Decimal(1_000_000),
            timezone="Europe/Moscow", cutoff=__import__("datetime").time(14, 0),
        )  # fmt: skip
        parser = ProcessParser(encoder_for(database.dialect))
        parser.start()  # as the bot does at startup
        cases = UseCases.build(
            lambda: SqlUnitOfWork(database), Clock(), invite_ttl_hours=1, register_rules=rules,
            register_parser=parser,
        )  # fmt: skip
        org = (ROOT / "tests" / "fixtures" / "org.toml").read_text(encoding="utf-8")
        await cases.import_org(load_org_toml(org))
        person = await cases.identify(500034)  # novikova, the accountant of one DC
        assert person is not None
        best = float("inf")
        for _ in range(REPEAT if rows <= XLSX_ROWS else 1):
            started = time.perf_counter()
            outcome = await cases.upload_register(person, filename, data)
            best = min(best, time.perf_counter() - started)
            assert isinstance(outcome, DraftReady), outcome
            assert outcome.summary.item_count == rows
            await cases.cancel_draft(person, outcome.summary.id)
        worker_rss = peak_rss_mb(parser.pid)
        parser.close()
        await database.dispose()
    return best, worker_rss


def peak_rss_mb(pid: int | None = None) -> float:
    """A process's own peak RSS (this one's by default). VmHWM starts afresh at exec;
    ru_maxrss would carry the parent's peak (the generated files) over into the child."""
    status = Path(f"/proc/{pid or 'self'}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_case(case: str, path: Path) -> dict[str, float]:
    """One measurement in this process; the file was generated by the parent, so the peak
    RSS is the file's bytes plus the work measured."""
    data = path.read_bytes()
    if case == "bare":
        return {"seconds": bare_read(data), "rows": XLSX_ROWS, "rss": peak_rss_mb()}
    rows = XLSX_ROWS if case == "xlsx" else CSV_ROWS
    seconds, worker_rss = asyncio.run(ingest(path.name, data, rows))
    return {"seconds": seconds, "rows": rows, "rss": peak_rss_mb(), "worker_rss": worker_rss}


def total_rss(figures: dict[str, float]) -> float:
    """The bot's peak plus its parser worker's: both hold memory for an upload."""
    return figures["rss"] + figures.get("worker_rss", 0.0)


def in_child(case: str, path: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, __file__, "--case", case, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"bench case {case!r} failed")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2], Path(sys.argv[3]))))
        return
    with tempfile.TemporaryDirectory() as folder:
        xlsx_path, csv_path = Path(folder, "bench.xlsx"), Path(folder, "bench.csv")
        xlsx_path.write_bytes(make_xlsx(XLSX_ROWS))
        csv_path.write_bytes(make_csv(CSV_ROWS))
        pairs = [(in_child("bare", xlsx_path), in_child("xlsx", xlsx_path)) for _ in range(ROUNDS)]
        big = in_child("csv", csv_path)
    bare = min((pair[0] for pair in pairs), key=lambda figures: figures["seconds"])
    xlsx = min((pair[1] for pair in pairs), key=lambda figures: figures["seconds"])
    ratio = xlsx["seconds"] / bare["seconds"]
    for label, figures in (
        ("bare calamine read, 10,000-row xlsx", bare),
        ("ingest 10,000-row xlsx", xlsx),
        ("ingest 100,000-row csv", big),
    ):
        rate = figures["rows"] / figures["seconds"]
        worker = f" + parser {figures['worker_rss']:6.1f} MB" if "worker_rss" in figures else ""
        print(
            f"{label:38} {figures['seconds'] * 1000:8.1f} ms {rate:10.0f} rows/s "
            f"peak RSS {figures['rss']:6.1f} MB{worker}"
        )
    rounds = ", ".join(f"{i['seconds'] / b['seconds']:.2f}" for b, i in pairs)
    print(f"ratio of each round (xlsx ingest / bare read): {rounds}")
    print(f"ratio of the bests: {ratio:.2f} (goal ≤ {GOAL})")
    print(
        json.dumps(
            {
                "bench": "ingest",
                "rows_per_s": round(xlsx["rows"] / xlsx["seconds"]),
                "peak_rss_mb": round(max(total_rss(xlsx), total_rss(big)), 1),
                "ratio": round(ratio, 2),
                "goal": GOAL,
                "csv_rows_per_s": round(big["rows"] / big["seconds"]),
                "csv_peak_rss_mb": round(total_rss(big), 1),
                "xlsx_peak_rss_mb": round(total_rss(xlsx), 1),
                "bare_read_ms": round(bare["seconds"] * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
