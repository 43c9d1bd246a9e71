"""Records of one page of a list method.

``user.get`` and ``department.get`` answer a list; ``crm.item.list`` answers
``{"items": [...]}`` and ``tasks.task.list`` ``{"tasks": [...]}``: one key holding the list.
"""

from __future__ import annotations

from typing import Any

from .errors import UnexpectedResponse


def page_items(result: Any) -> list[Any]:
    """The records of a list method's ``result``."""
    if isinstance(result, list):
        return result
    if isinstance(result, dict):
        lists = [value for value in result.values() if isinstance(value, list)]
        if len(result) == 1 and len(lists) == 1:
            return lists[0]
        if not result:
            return []
    raise UnexpectedResponse("not a list method's result", http_status=200, method=None)
