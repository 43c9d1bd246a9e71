"""``viza b24 sync-org`` and ``viza b24 reconcile`` as the operator runs them."""

from __future__ import annotations

from bot.clock import SystemClock
from models.db import create_database
from models.migrate import upgrade_to_head
from models.uow import SqlUnitOfWork
from services.org_admin import ImportOrg

from .test_org_sync import DEPARTMENTS, EKB_TOYOTA, SAMPLE, URAL, portal_users
from .test_relay_sigkill import viza, write_config


async def run(config, *args: str) -> tuple[int, str, str]:
    process = await viza(config, *args)
    out, err = await process.communicate()
    return process.returncode, out.decode(), err.decode()


async def test_sync_org_and_reconcile_print_what_they_did(tmp_path, emulator):
    url = f"sqlite+aiosqlite:///{tmp_path / 'viza.sqlite3'}"
    database = create_database(url)
    try:
        await upgrade_to_head(database)
        await ImportOrg(lambda: SqlUnitOfWork(database), SystemClock())(SAMPLE)
    finally:
        await database.dispose()
    emulator.seed(portal_users(), DEPARTMENTS, replace=True)
    config = write_config(tmp_path, url, emulator.webhook_url)
    with config.open("a", encoding="utf-8") as file:
        file.write(f'[bitrix24.org]\ndepartments = {{ {URAL} = "ural-sib" }}\n'
                   f'dealer_centers = {{ {EKB_TOYOTA} = "ekb-toyota" }}\n')  # fmt: skip
    code, out, err = await run(config, "b24", "sync-org")
    assert code == 0, err
    assert "создано 1, обновлено 2, отключено 2, руководителей сменилось 1" in out
    assert "созданы: b24-77" in out
    code, out, err = await run(config, "b24", "reconcile")
    assert code == 0, err
    assert "dead letters: проверено 0, расхождений 0" in out
    assert "people: проверено 0, расхождений 0" in out
    emulator.faults.add({"kind": "down", "mode": "close"})
    code, out, err = await run(config, "b24", "sync-org")
    assert code == 1 and "Bitrix24 недоступен" in err and "0utb0x" not in err
