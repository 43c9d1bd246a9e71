"""Configuration: file plus environment, and errors that name the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_loads_with_its_documented_values():
    settings = load_settings(ROOT / "config.example.toml")
    assert settings.telegram.mode == "polling"
    assert settings.schedule.remind_before == [60, 15]
    assert str(settings.registers.ceo_threshold) == "1000000"


def test_environment_overrides_the_file(tmp_path, monkeypatch):
    path = write(tmp_path, '[telegram]\nmode = "polling"\n[memos]\nmax_approvers = 3\n')
    monkeypatch.setenv("VIZA_MEMOS__MAX_APPROVERS", "2")
    monkeypatch.setenv("VIZA_TELEGRAM__TOKEN", "123456:secret-token-value")
    settings = load_settings(path)
    assert settings.memos.max_approvers == 2
    assert settings.telegram.token is not None
    assert "secret-token-value" not in repr(settings)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[telegram]\nmode = "push"\n', "telegram.mode"),
        ('[telegram]\nlisten = "8080"\n', "telegram.listen"),
        ('[schedule]\ntimezone = "Mars/Olympus"\n', "schedule.timezone"),
        ('[schedule]\ncutoff = "25:99"\n', "schedule.cutoff"),
        ("[schedule]\nremind_before = [0]\n", "schedule.remind_before"),
        ('[database]\nurl = "mysql://x"\n', "database.url"),
        ("[registers]\nceo_threshold = -5\n", "registers.ceo_threshold"),
        ("[registers]\nmax_rowz = 5\n", "registers.max_rowz"),
        ("[nonsense]\nkey = 1\n", "nonsense"),
        ('[registers]\nroute = ["boss"]\n', "registers.route"),
        ('[registers.routes]\n"nsk-lexus" = []\n', "registers.routes"),
    ],
)
def test_a_bad_value_is_reported_with_its_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, text))
    assert f"  {key}:" in str(caught.value)


def test_broken_toml_and_a_missing_file_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(write(tmp_path, "[telegram\n"))
    with pytest.raises(ConfigError, match="не найден"):
        load_settings(tmp_path / "absent.toml")


def test_the_cli_exits_with_status_2_and_names_the_key(tmp_path):
    path = write(tmp_path, '[telegram]\nmode = "push"\n')
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(path), "migrate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "telegram.mode" in result.stderr


def test_a_dcs_own_route_and_the_page_size_reach_the_approval_rules(tmp_path: Path):
    from bot.application import approval_rules
    from domain.register_route import Stage

    text = (
        '[registers]\nroute = ["dc_director", "chief_accountant"]\npage_size = 8\n'
        '[registers.routes]\n"nsk-lexus" = ["department_director", "finance_director"]\n'
    )
    rules = approval_rules(load_settings(write(tmp_path, text)))
    assert rules.route.route_for("nsk-lexus") == (
        Stage.DEPARTMENT_DIRECTOR, Stage.FINANCE_DIRECTOR)  # fmt: skip
    assert rules.route.route_for("ekb-toyota") == (Stage.DC_DIRECTOR, Stage.CHIEF_ACCOUNTANT)
    assert rules.page_size == 8
