"""Batch, pagination and uploads."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from b24sync.client import Bitrix24Client
from b24sync.errors import InternalServerError, NotFound
from sandbox.bitrix24 import Bitrix24Control

from .conftest import SPA, rest_calls


def _add(title: str, entity_type: int = SPA) -> tuple[str, dict[str, Any]]:
    return ("crm.item.add", {"entityTypeId": entity_type, "fields": {"title": title}})


async def test_120_commands_take_three_requests_with_per_command_errors(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    commands = {f"c{n}": _add(f"t{n}", 5 if n in {7, 77} else SPA) for n in range(120)}

    result = await client.batch(commands)

    assert len(result.results) == 118
    assert set(result.errors) == {"c7", "c77"}
    assert all(isinstance(error, NotFound) for error in result.errors.values())
    assert result.errors["c7"].method == "crm.item.add"
    assert result.get("c119")["item"]["title"] == "t119"
    with pytest.raises(NotFound):
        result.get("c77")
    batches = rest_calls(await control.calls(), "batch")
    assert [len(call["commands"]) for call in batches] == [50, 50, 20]
    assert len(await control.get("items")) == 118


def _comment_on(key: str) -> tuple[str, dict[str, Any]]:
    fields = {
        "ENTITY_ID": f"$result[{key}][item][id]",
        "ENTITY_TYPE": f"DYNAMIC_{SPA}",
        "COMMENT": f"about $result[{key}][item][title]",
    }
    return ("crm.timeline.comment.add", {"fields": fields})


async def test_result_references_work_within_and_across_chunks(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    commands = {"c0": _add("t0"), "near": _comment_on("c0")}
    commands.update({f"c{n}": _add(f"t{n}") for n in range(1, 60)})
    commands["far"] = _comment_on("c10")  # the 62nd command: the second request

    result = await client.batch(commands)

    assert result.ok
    ids = {key: result.get(key)["item"]["id"] for key in ("c0", "c10")}
    comments = {c["COMMENT"]: c["ENTITY_ID"] for c in await control.get("comments")}
    assert comments == {"about t0": ids["c0"], "about t10": ids["c10"]}


async def test_halt_stops_the_batch_at_the_first_error(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    commands = [_add("first"), _add("bad", 5), _add("never")]

    result = await client.batch(commands, halt=True)

    assert list(result.results) == ["0"]
    assert list(result.errors) == ["1"]
    assert result.skipped == ("2",)
    assert [item["title"] for item in await control.get("items")] == ["first"]


async def test_a_failed_chunk_marks_its_commands_and_skips_the_rest(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.add_fault(kind="error", method="batch", status=500, stage="after")
    commands = {f"c{n}": _add(f"t{n}") for n in range(70)}

    result = await client.batch(commands)

    assert all(isinstance(result.errors[f"c{n}"], InternalServerError) for n in range(50))
    assert result.skipped == tuple(f"c{n}" for n in range(50, 70))
    assert len(rest_calls(await control.calls(), "batch")) == 1  # a write batch: no retry


async def test_uploads_and_nested_batches_are_refused_before_sending(
    client: Bitrix24Client,
) -> None:
    upload = ("disk.folder.uploadFile", {"id": 1, "data": {"NAME": "a"}})
    with pytest.raises(ValueError, match="cannot run inside a batch"):
        await client.batch({"up": upload})
    with pytest.raises(ValueError, match="cannot run inside a batch"):
        await client.batch([("batch", {"cmd": {}})])


def _users(count: int) -> list[dict[str, Any]]:
    return [
        {"ID": n, "NAME": f"User{n}", "ACTIVE": n % 10 != 0, "UF_DEPARTMENT": [1]}
        for n in range(1, count + 1)
    ]


async def test_list_all_follows_next_until_all_130_users_are_read(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.seed(users=_users(130), replace=True)

    ids = [int(user["ID"]) async for user in client.list_all("user.get")]

    assert ids == list(range(1, 131))
    starts = [c["status"] for c in rest_calls(await control.calls(), "user.get")]
    assert starts == [200, 200, 200]


async def test_collect_all_via_batch_reads_130_users_in_two_requests(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await control.seed(users=_users(130), replace=True)

    users = await client.collect_all("user.get", via_batch=True)
    active = await client.collect_all("user.get", {"FILTER": {"ACTIVE": True}})

    assert [int(user["ID"]) for user in users] == list(range(1, 131))
    assert len(active) == 117
    assert [c["method"] for c in await control.calls()][:2] == ["user.get", "batch"]


async def test_list_all_reads_items_wrapped_in_their_key(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    await client.batch({f"c{n}": _add(f"t{n}") for n in range(55)})

    titles = [i["title"] async for i in client.list_all("crm.item.list", {"entityTypeId": SPA})]

    assert titles == [f"t{n}" for n in range(55)]


async def test_a_file_is_uploaded_by_a_direct_call_and_attached_to_a_task(
    client: Bitrix24Client, control: Bitrix24Control
) -> None:
    storages = await client.call("disk.storage.getlist")
    root = int(storages[0]["ROOT_OBJECT_ID"])
    folder = await client.call("disk.folder.addsubfolder", {"id": root, "data": {"NAME": "Viza"}})
    content = "Служебная записка №7".encode() + bytes(range(256))

    uploaded = await client.upload_file(folder["ID"], "memo-7.pdf", content)
    task = await client.call(
        "tasks.task.add",
        {"fields": {"TITLE": "СЗ №7", "RESPONSIBLE_ID": 1,
                    "UF_TASK_WEBDAV_FILES": [f"n{uploaded['ID']}"]}},
    )  # fmt: skip

    files = await control.get("files")
    assert [(f["NAME"], f["PARENT_ID"]) for f in files] == [("memo-7.pdf", folder["ID"])]
    assert files[0]["content_base64"] == base64.b64encode(content).decode()
    assert len(task["task"]["ufTaskWebdavFiles"]) == 1
    assert [t["FILE_IDS"] for t in await control.get("tasks")] == [[uploaded["ID"]]]
    methods = [c["method"] for c in await control.calls()]
    assert "disk.folder.uploadfile" in methods
    assert "batch" not in methods
