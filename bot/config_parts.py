"""Sections of the configuration about the outside world: the Bitrix24 portal
(``[bitrix24]``) and each DC's payer details for the bank file (``[dealer_centers.<code>]``).
`bot.config` assembles them into `Settings`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from domain.bank import account_problem, bik_problem, correspondent_problem, kpp_problem
from domain.inn import inn_problem


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Bitrix24RelaySettings(Section):
    """The outbox relay (``[bitrix24.relay]``); times in seconds."""

    claim: int = Field(default=200, ge=1, le=5000)
    max_attempts: int = Field(default=20, ge=1)
    retry_base: float = Field(default=5.0, gt=0)
    retry_cap: float = Field(default=900.0, gt=0)
    lease: float = Field(default=300.0, gt=0)
    poll: float = Field(default=2.0, gt=0)
    timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0)


class Bitrix24OrgSettings(Section):
    """Org sync (``[bitrix24.org]``): Bitrix24 department id -> our unit code."""

    departments: dict[int, str] = Field(default_factory=dict)
    dealer_centers: dict[int, str] = Field(default_factory=dict)


REGISTER_STAGE_KEYS = (
    "dc_director", "department_director", "chief_accountant", "finance_director",
    "general_director",
)  # fmt: skip
REGISTER_END_KEYS = ("returned", "approved", "rejected", "withdrawn", "closed")
ITEM_END_KEYS = ("approved", "rejected", "withdrawn", "missed", "returned")


class Bitrix24RegistersSettings(Section):
    """The mirror of registers (``[bitrix24.registers]``): a smart process whose items are
    registers and their payments. Off while ``entity_type_id`` is not set; then the ids
    fields and a stage id for every route stage and end state are required."""

    entity_type_id: int | None = Field(default=None, ge=1)
    id_field: str = ""
    register_field: str = ""
    inn_field: str | None = None
    payment_date_field: str | None = None
    register_stages: dict[str, str] = Field(default_factory=dict)
    item_stages: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Bitrix24RegistersSettings:
        if self.entity_type_id is None:
            return self
        if not self.id_field.strip() or not self.register_field.strip():
            raise ValueError("укажите id_field и register_field (пользовательские поля)")
        for name, stages, ends in (
            ("register_stages", self.register_stages, REGISTER_END_KEYS),
            ("item_stages", self.item_stages, ITEM_END_KEYS),
        ):
            known = (*REGISTER_STAGE_KEYS, *ends)
            if unknown := sorted(set(stages) - set(known)):
                raise ValueError(f"{name}: неизвестные ключи {', '.join(unknown)}")
            if missing := [key for key in known if not stages.get(key, "").strip()]:
                raise ValueError(f"{name}: не заданы стадии для {', '.join(missing)}")
        return self


class Bitrix24Settings(Section):
    webhook_url: SecretStr | None = None
    rate_per_second: float = Field(default=1.0, gt=0)
    burst: int = Field(default=10, ge=1)
    relay: Bitrix24RelaySettings = Field(default_factory=Bitrix24RelaySettings)
    org: Bitrix24OrgSettings = Field(default_factory=Bitrix24OrgSettings)
    registers: Bitrix24RegistersSettings = Field(default_factory=Bitrix24RegistersSettings)


class PayerSettings(Section):
    """A DC's payer details for the bank file (``[dealer_centers.<dc code>]``): the legal
    entity that pays, its INN/KPP, and the account it pays from. The BIK's format, the
    account's and the correspondent account's control keys (checked with the BIK), and the
    INN's check digits are verified on load."""

    payer: str = Field(min_length=1, max_length=160)
    inn: str
    kpp: str
    account: str
    bank: str = Field(min_length=1, max_length=160)
    bank_city: str | None = Field(default=None, max_length=60)
    bik: str
    correspondent_account: str

    @field_validator("inn")
    @classmethod
    def _inn(cls, value: str) -> str:
        return _checked(value, inn_problem(value))

    @field_validator("kpp")
    @classmethod
    def _kpp(cls, value: str) -> str:
        return _checked(value, kpp_problem(value))

    @field_validator("bik")
    @classmethod
    def _bik(cls, value: str) -> str:
        return _checked(value, bik_problem(value))

    @model_validator(mode="after")
    def _accounts(self) -> PayerSettings:
        for problem in (
            account_problem(self.account, self.bik),
            correspondent_problem(self.correspondent_account, self.bik),
        ):
            if problem is not None:
                raise ValueError(problem)
        return self


def _checked(value: str, problem: str | None) -> str:
    if problem is not None:
        raise ValueError(problem)
    return value
