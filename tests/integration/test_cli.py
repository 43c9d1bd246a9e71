"""The ``viza`` CLI on a SQLite file: org import, invites, audit verification."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def viza(tmp_path: Path):
    database = tmp_path / "viza.sqlite3"
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{database}"\n', encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), *args],
            capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        )  # fmt: skip

    run.database = database  # type: ignore[attr-defined]
    return run


def test_org_import_reports_what_changed_and_is_idempotent(viza):
    first = viza("org", "import", str(FIXTURES / "org.toml"))
    assert first.returncode == 0, first.stderr
    assert "Создано: 30, обновлено: 0, отключено: 0" in first.stdout
    assert "people: создано 18" in first.stdout
    again = viza("org", "import", str(FIXTURES / "org.toml"))
    assert "Создано: 0, обновлено: 0, отключено: 0" in again.stdout


def test_a_bad_org_file_names_each_problem_and_changes_nothing(viza, tmp_path):
    viza("org", "import", str(FIXTURES / "org.toml"))
    text = (FIXTURES / "org.toml").read_text(encoding="utf-8")
    broken = text.replace('director = "sidorov"', 'director = "sidorof"').replace(
        'roles = ["treasurer"]', 'roles = ["treasurer", "boss"]'
    )
    broken += '\n[[people]]\ncode = "novikova"\nname = "Дубль"\n'
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    result = viza("org", "import", str(path))
    assert result.returncode == 1
    assert '"sidorof"' in result.stderr
    assert '"boss"' in result.stderr
    assert '"novikova"' in result.stderr
    with sqlite3.connect(viza.database) as db:
        assert db.execute("select count(*) from person").fetchone()[0] == 18
        assert db.execute("select count(*) from audit_log").fetchone()[0] == 1


def test_invite_prints_a_start_command_without_a_bot_token(viza):
    viza("org", "import", str(FIXTURES / "org.toml"))
    result = viza("invite", "popov")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("/start ")
    unknown = viza("invite", "nobody")
    assert unknown.returncode == 1 and "nobody" in unknown.stderr


def test_audit_verify_passes_then_names_the_tampered_entry(viza):
    viza("org", "import", str(FIXTURES / "org.toml"))
    viza("invite", "popov")
    viza("invite", "egorov")
    ok = viza("audit", "verify")
    assert ok.returncode == 0 and "проверено записей 3" in ok.stdout
    with sqlite3.connect(viza.database) as db:
        db.execute("update audit_log set actor = 'someone' where seq = 2")
    broken = viza("audit", "verify")
    assert broken.returncode == 1
    assert "запись №2" in broken.stdout
