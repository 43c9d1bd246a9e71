"""Payer bank details for the 1C file: the BIK, KPP and account control keys, and the
``[dealer_centers.<code>]`` config section that refuses a mistyped account at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from domain.bank import (
    account_problem,
    bik_problem,
    complete_account,
    correspondent_problem,
    kpp_problem,
)

ROOT = Path(__file__).resolve().parents[3]
# Real banks' BIKs and correspondent accounts (Sberbank: Moscow, Yekaterinburg, Novosibirsk).
BANKS = [
    ("044525225", "30101810400000000225"),
    ("046577674", "30101810500000000674"),
    ("045004641", "30101810500000000641"),
]
SECTION = """
[dealer_centers.ekb-toyota]
payer = "ООО «Тойота Центр Екатеринбург»"
inn = "{inn}"
kpp = "667101001"
account = "{account}"
bank = "Уральский банк ПАО Сбербанк"
bik = "046577674"
correspondent_account = "{corr}"
"""


@pytest.mark.parametrize(("bik", "corr"), BANKS)
def test_real_correspondent_accounts_pass_their_key(bik, corr):
    assert bik_problem(bik) is None
    assert correspondent_problem(corr, bik) is None


@pytest.mark.parametrize(("bik", "corr"), BANKS)
def test_one_changed_digit_breaks_the_key(bik, corr):
    account = complete_account("40702810000000012345", bik)
    assert account_problem(account, bik) is None
    for position in range(20):
        digit = str((int(account[position]) + 1) % 10)
        changed = account[:position] + digit + account[position + 1 :]
        assert account_problem(changed, bik) is not None, position
    # a bank whose last three BIK digits weigh differently (225 and 674 happen to agree)
    wrong_bank = "045004641" if bik != "045004641" else "044525225"
    assert account_problem(account, wrong_bank) is not None
    assert correspondent_problem(corr[:-1] + str((int(corr[-1]) + 5) % 10), bik) is not None


@pytest.mark.parametrize(
    ("check", "value", "phrase"),
    [
        (bik_problem, "04452522", "9 цифр"),
        (bik_problem, "144525225", "начинается с 04"),
        (kpp_problem, "66710100", "9 символов"),
        (kpp_problem, "6671ab001", "9 символов"),
    ],
)
def test_malformed_bank_details_are_named(check, value, phrase):
    assert phrase in check(value)


def test_kpp_may_carry_letters_in_the_fifth_and_sixth_place():
    assert kpp_problem("7707AB001") is None


def test_the_example_config_holds_valid_payers():
    settings = load_settings(ROOT / "config.example.toml")
    assert set(settings.dealer_centers) >= {"ekb-toyota", "nsk-lexus"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"account": "40702810116540000001"}, "контрольный ключ"),
        ({"corr": "30101810500000000675"}, "Корсчёт"),
        ({"inn": "6671000018"}, "контрольная сумма"),
        ({"account": "4070281001654000000"}, "20 цифр"),
    ],
)
def test_a_mistyped_payer_stops_the_start_and_names_the_key(tmp_path, fields, message):
    values = {"inn": "6671000017", "account": "40702810016540000001",
              "corr": "30101810500000000674"} | fields  # fmt: skip
    path = tmp_path / "config.toml"
    path.write_text(SECTION.format(**values), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "dealer_centers.ekb-toyota" in str(caught.value)
    assert message in str(caught.value)
