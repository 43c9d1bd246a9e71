"""The end-to-end stack: the Telegram emulator and the real ``viza`` process, each in its
own OS process, talking over HTTP on 127.0.0.1 through the production settings.

Starting the bot costs seconds (importing aiogram), so a test module starts one stack and
each test uses its own Telegram users (see ``UserPool``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
TOKEN = "424242:e2e-token-for-the-emulator"
BOT_USERNAME = "viza_e2e_bot"
POOL_SIZE = 40


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def e2e_org_toml() -> str:
    """The sample org plus a pool of unlinked people the tests link as they need."""
    pool = (
        f'\n[[people]]\ncode = "e2e{n:02d}"\nname = "Тестов{n:02d} Тест Тестович"\n'
        f'bitrix_id = {9000 + n}\nphone = "{pool_phone(n)}"\n'
        for n in range(1, POOL_SIZE + 1)
    )
    return (FIXTURES / "org.toml").read_text(encoding="utf-8") + "".join(pool)


def pool_phone(n: int) -> str:
    return f"+7999000{n:04d}"


@dataclass
class UserPool:
    """Hands out Telegram ids no other test uses, and unlinked org people by number."""

    _ids: count[int] = field(default_factory=lambda: count(700_001))
    _people: count[int] = field(default_factory=lambda: count(1))

    def telegram_id(self) -> int:
        return next(self._ids)

    def person(self) -> int:
        number = next(self._people)
        assert number <= POOL_SIZE, "the e2e org pool is exhausted; raise POOL_SIZE"
        return number


B24_SECRET = "e2e-b24-secret"


def bitrix24_seed() -> dict[str, list[dict[str, object]]]:
    """The org's people as Bitrix24 users (their ``bitrix_id``), for the Bitrix24 emulator."""
    import tomllib

    people = tomllib.loads(e2e_org_toml())["people"]
    users = [{"ID": p["bitrix_id"], "NAME": p["name"]} for p in people if "bitrix_id" in p]
    return {"users": users, "departments": []}


class Stack:
    """An emulator process and a bot process sharing a temporary SQLite database.

    Optional: ``bitrix24=True`` also starts the Bitrix24 emulator (the org's people seeded
    as its users) and points ``bitrix24.webhook_url`` at it; ``database_url`` points the bot
    at another database (e.g. a fresh PostgreSQL one the caller creates and drops; then
    ``database``, the SQLite path, is unused); ``extra_tokens`` (``TOKEN`` or
    ``TOKEN@username``) make the emulator accept other bots besides ours.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        mode: str = "polling",
        extra_config: str = "",
        bitrix24: bool = False,
        database_url: str | None = None,
        extra_tokens: Sequence[str] = (),
    ) -> None:
        self.workdir = workdir
        self.mode = mode
        self.bitrix24_port = free_port() if bitrix24 else None
        self._bitrix24: subprocess.Popen[bytes] | None = None
        self.emulator_port = free_port()
        self.webhook_port = free_port()
        self.webhook_secret = "e2e-webhook-secret"
        self.database = workdir / "viza.sqlite3"
        self.database_url = database_url or f"sqlite+aiosqlite:///{self.database}"
        self.extra_tokens = tuple(extra_tokens)
        self.org_file = workdir / "org.toml"
        self.org_file.write_text(e2e_org_toml(), encoding="utf-8")
        self.config = workdir / "config.toml"
        self.config.write_text(self._config_text() + extra_config, encoding="utf-8")
        self.users = UserPool()
        self._emulator: subprocess.Popen[bytes] | None = None
        self._bot: subprocess.Popen[bytes] | None = None
        self._bot_runs = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.emulator_port}"

    @property
    def bitrix24_url(self) -> str:
        """The Bitrix24 emulator's base URL (its control API is under ``/sandbox``)."""
        assert self.bitrix24_port is not None, "the stack runs no Bitrix24 emulator"
        return f"http://127.0.0.1:{self.bitrix24_port}"

    @property
    def webhook_base(self) -> str:
        return f"http://127.0.0.1:{self.webhook_port}"

    def _config_text(self) -> str:
        webhook = ""
        if self.mode == "webhook":
            webhook = (
                f'webhook_url = "{self.webhook_base}/telegram/webhook"\n'
                f'webhook_secret = "{self.webhook_secret}"\n'
            )
        return (
            f'[telegram]\ntoken = "{TOKEN}"\napi_server = "{self.url}"\nmode = "{self.mode}"\n'
            f'listen = "127.0.0.1:{self.webhook_port}"\n{webhook}'
            f'[database]\nurl = "{self.database_url}"\n'
            f'[org]\nfile = "{self.org_file}"\n'
            '[logging]\nlevel = "INFO"\n'
            f"{self._bitrix24_config()}"
        )

    def _bitrix24_config(self) -> str:
        if self.bitrix24_port is None:
            return ""
        return (
            f'[bitrix24]\nwebhook_url = "{self.bitrix24_url}/rest/1/{B24_SECRET}/"\n'
            "rate_per_second = 50.0\nburst = 50\n"
            "[bitrix24.relay]\nretry_base = 0.2\nretry_cap = 1.0\npoll = 0.2\n"
        )

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIZA_")}
        env["VIZA_CONFIG"] = str(self.config)
        return env

    # --- processes ------------------------------------------------------------------

    def start(self) -> None:
        self.start_emulator()
        if self.bitrix24_port is not None:
            self.start_bitrix24()
        self.start_bot()

    def start_bitrix24(self) -> None:
        assert self.bitrix24_port is not None
        seed = self.workdir / "bitrix24-seed.json"
        seed.write_text(json.dumps(bitrix24_seed(), ensure_ascii=False), encoding="utf-8")
        with (self.workdir / "bitrix24.log").open("ab") as log:
            self._bitrix24 = subprocess.Popen(
                [sys.executable, "-m", "sandbox.bitrix24", "--port", str(self.bitrix24_port),
                 "--user", "1", "--secret", B24_SECRET, "--seed", str(seed), "--burst", "0"],
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
        self._wait_http(f"{self.bitrix24_url}/sandbox/calls", self._bitrix24, "Bitrix24 emulator")

    def start_emulator(self) -> None:
        with (self.workdir / "emulator.log").open("ab") as log:
            self._emulator = subprocess.Popen(
                [sys.executable, "-m", "sandbox.telegram", "--port", str(self.emulator_port),
                 "--token", ",".join((f"{TOKEN}@{BOT_USERNAME}", *self.extra_tokens)),
                 "--no-flood-control"],
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            )  # fmt: skip
        self._wait_http(f"{self.url}/sandbox/health", self._emulator, "emulator")

    def start_bot(self) -> None:
        self._bot_runs += 1
        with (self.workdir / f"bot-{self._bot_runs}.log").open("ab") as log:
            self._bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=self.env(),
            )  # fmt: skip
        ready_call = "setWebhook" if self.mode == "webhook" else "deleteWebhook"
        self._wait_for_call(ready_call)

    def stop_bot(self, sig: int = signal.SIGTERM) -> None:
        if self._bot is not None and self._bot.poll() is None:
            self._bot.send_signal(sig)
            try:
                self._bot.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._bot.kill()
                self._bot.wait()
        self._bot = None

    def stop(self) -> None:
        self.stop_bot()
        for process in (self._emulator, self._bitrix24):
            if process is None:
                continue
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)
            if process.poll() is None:
                process.kill()

    def bot_log(self) -> str:
        return "".join(
            path.read_text(encoding="utf-8", errors="replace")
            for path in sorted(self.workdir.glob("bot-*.log"))
        )

    def viza(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a ``viza`` CLI command with the stack's config."""
        return self.viza_with_env({})(*args)

    def viza_with_env(
        self, extra: dict[str, str]
    ) -> Callable[..., subprocess.CompletedProcess[str]]:
        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "bot", *args],
                capture_output=True, text=True, cwd=ROOT, env=self.env() | extra,
                timeout=120, check=False,
            )  # fmt: skip

        return run

    # --- waiting --------------------------------------------------------------------

    def _wait_http(self, url: str, process: subprocess.Popen[bytes], name: str) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the {name} exited with {process.returncode}")
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1):
                return
            time.sleep(0.05)
        raise RuntimeError(f"the {name} did not answer within 30 s")

    def _wait_for_call(self, method: str) -> None:
        seen_before = self._count_calls(method)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self._bot is not None
            if self._bot.poll() is not None:
                raise RuntimeError(
                    f"the bot exited with {self._bot.returncode}:\n{self.bot_log()}"
                )
            if self._count_calls(method) > seen_before:
                return
            time.sleep(0.1)
        raise RuntimeError(f"the bot did not call {method} within 60 s:\n{self.bot_log()}")

    def _count_calls(self, method: str) -> int:
        url = f"{self.url}/sandbox/calls?method={method}"
        with urllib.request.urlopen(url, timeout=5) as response:
            return len(json.loads(response.read())["calls"])
