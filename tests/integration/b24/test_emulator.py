"""The emulator itself, over raw HTTP: request encodings, shapes, batch rules, org data, CLI."""

from __future__ import annotations

import asyncio
import base64
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from sandbox.bitrix24 import Bitrix24Control, Bitrix24Emulator

from .conftest import SPA

TIME_KEYS = {"start", "finish", "duration", "processing", "date_start", "date_finish",
             "operating_reset_at", "operating"}  # fmt: skip


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _post(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.post(url, **kwargs) as response:
        return response.status, await response.json()


async def test_a_form_body_with_php_keys_and_a_json_suffix_is_understood(
    emulator: Bitrix24Emulator, http: aiohttp.ClientSession
) -> None:
    form = {"entityTypeId": str(SPA), "fields[title]": "Форма", "fields[ufCrm7_Tags][]": "a",
            "fields[notAField]": "ignored"}  # fmt: skip

    status, body = await _post(http, emulator.webhook_url + "crm.item.add.json", data=form)

    assert status == 200
    assert set(body) == {"result", "time"}
    assert set(body["time"]) == TIME_KEYS
    item = body["result"]["item"]
    assert (item["title"], item["ufCrm7_Tags"]) == ("Форма", ["a"])
    assert "notAField" not in item


async def test_a_multipart_upload_stores_the_file(
    emulator: Bitrix24Emulator, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("id", "1")
    form.add_field("data[NAME]", "scan.png")
    form.add_field("fileContent", b"\x89PNG..", filename="scan.png")

    status, body = await _post(http, emulator.webhook_url + "disk.folder.uploadfile", data=form)

    assert status == 200
    assert (body["result"]["NAME"], body["result"]["SIZE"]) == ("scan.png", "6")
    async with http.get(body["result"]["DOWNLOAD_URL"]) as response:
        assert await response.read() == b"\x89PNG.."


async def test_errors_carry_no_time_and_a_missing_webhook_is_no_auth_found(
    emulator: Bitrix24Emulator, http: aiohttp.ClientSession
) -> None:
    status, body = await _post(http, f"{emulator.base_url}/rest/user.get")
    missing_status, missing = await _post(http, emulator.webhook_url + "crm.item.get",
                                          json={"entityTypeId": SPA, "id": 5})  # fmt: skip

    assert (status, body["error"]) == (401, "NO_AUTH_FOUND")
    assert (missing_status, set(missing)) == (400, {"error", "error_description"})


async def test_the_leaky_bucket_refuses_the_51st_quick_request(
    emulator: Bitrix24Emulator, http: aiohttp.ClientSession
) -> None:
    statuses = [(await _post(http, emulator.webhook_url + "profile"))[0] for _ in range(51)]
    status, body = await _post(http, emulator.webhook_url + "profile")

    assert statuses[:50] == [200] * 50
    assert (status, body["error"]) == (503, "QUERY_LIMIT_EXCEEDED")


async def test_a_batch_refuses_extra_commands_uploads_and_nesting_per_command(
    emulator: Bitrix24Emulator, http: aiohttp.ClientSession
) -> None:
    cmd = [f"crm.item.add?entityTypeId={SPA}&fields[title]=t{n}" for n in range(48)]
    cmd += ["disk.folder.uploadfile?id=1", "batch?cmd[a]=profile", "profile"]

    status, body = await _post(http, emulator.webhook_url + "batch", json={"cmd": cmd})

    errors = body["result"]["result_error"]
    assert status == 200
    assert {key: e["error"] for key, e in errors.items()} == {
        "48": "ERROR_BATCH_METHOD_NOT_ALLOWED",
        "49": "ERROR_BATCH_METHOD_NOT_ALLOWED",
        "50": "ERROR_BATCH_LENGTH_EXCEEDED",
    }
    assert len(body["result"]["result"]) == 48
    assert body["result"]["result_total"] == []


async def test_a_list_in_a_batch_reports_its_total_and_next(
    emulator: Bitrix24Emulator, control: Bitrix24Control, http: aiohttp.ClientSession
) -> None:
    await control.seed(users=[{"ID": n, "NAME": f"U{n}"} for n in range(2, 61)])
    cmd = {
        "page": "user.get?start=0",
        "dept": "department.get?ID=$result[page][0][UF_DEPARTMENT][0]",
    }

    _, body = await _post(http, emulator.webhook_url + "batch", json={"cmd": cmd, "halt": 1})

    result = body["result"]
    assert (result["result_total"], result["result_next"]) == (
        {"page": 60, "dept": 1},
        {"page": 50},
    )
    assert result["result"]["dept"][0]["NAME"] == "Sandbox"


async def test_departments_filter_by_parent_and_head(
    emulator: Bitrix24Emulator, control: Bitrix24Control, http: aiohttp.ClientSession
) -> None:
    departments = [{"ID": 2, "NAME": "ДЦ Север", "PARENT": 1, "UF_HEAD": 7},
                   {"ID": 3, "NAME": "ДЦ Юг", "PARENT": 1, "UF_HEAD": 8},
                   {"ID": 4, "NAME": "Склад", "PARENT": 2}]  # fmt: skip
    await control.seed(departments=departments)

    _, children = await _post(http, emulator.webhook_url + "department.get", json={"PARENT": 1})
    _, headed = await _post(http, emulator.webhook_url + "department.get", json={"UF_HEAD": 8})

    assert [d["NAME"] for d in children["result"]] == ["ДЦ Север", "ДЦ Юг"]
    assert [d["ID"] for d in headed["result"]] == ["3"]
    assert children["total"] == 2


async def test_tasks_list_filters_and_get_selects_the_files(
    emulator: Bitrix24Emulator, control: Bitrix24Control, http: aiohttp.ClientSession
) -> None:
    await control.seed(users=[{"ID": 5, "NAME": "Исполнитель"}])
    url = emulator.webhook_url
    content = base64.b64encode(b"memo").decode()
    upload = {"id": 1, "data": {"NAME": "m.pdf"}, "fileContent": ["m.pdf", content]}
    _, up = await _post(http, url + "disk.storage.uploadfile", json=upload)
    for responsible in (1, 5):
        fields = {"TITLE": f"for {responsible}", "RESPONSIBLE_ID": responsible,
                  "UF_TASK_WEBDAV_FILES": [f"n{up['result']['ID']}"]}  # fmt: skip
        await _post(http, url + "tasks.task.add", json={"fields": fields})

    _, listed = await _post(http, url + "tasks.task.list", json={"filter": {"RESPONSIBLE_ID": 5}})
    task_id = listed["result"]["tasks"][0]["id"]
    query = {"taskId": task_id, "select": ["ID", "UF_TASK_WEBDAV_FILES"]}
    _, got = await _post(http, url + "tasks.task.get", json=query)

    assert [t["title"] for t in listed["result"]["tasks"]] == ["for 5"]
    assert got["result"]["task"]["ufTaskWebdavFiles"] == [2002]
    assert "title" not in got["result"]["task"]


async def test_a_notification_is_recorded_for_its_user(
    emulator: Bitrix24Emulator, control: Bitrix24Control, http: aiohttp.ClientSession
) -> None:
    payload = {"USER_ID": 5, "MESSAGE": "Реестр ждёт визы"}

    status, body = await _post(http, emulator.webhook_url + "im.notify.system.add", json=payload)
    _, empty = await _post(
        http, emulator.webhook_url + "im.notify.system.add", json={"USER_ID": 5}
    )

    assert status == 200 and isinstance(body["result"], int)
    assert empty["error"] == "MESSAGE_EMPTY"
    notes = await control.get("notifications", user_id=5)
    assert [n["MESSAGE"] for n in notes] == ["Реестр ждёт визы"]


async def test_the_module_runs_as_a_process_and_prints_its_port(
    http: aiohttp.ClientSession,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "sandbox.bitrix24", "--port", "0", "--user", "3", "--secret", "cli",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode()
        port = int(line.rsplit(" ", 1)[1])
        status, body = await _post(http, f"http://127.0.0.1:{port}/rest/3/cli/profile")
    finally:
        process.terminate()
        await process.wait()

    assert (status, body["result"]["ID"]) == (200, "3")
