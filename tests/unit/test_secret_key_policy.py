"""The app's secret: a weak one stops the server before it starts; each use has a key of its own."""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from minsheng.cli import main
from minsheng.congress.hall import checkin_code
from minsheng.secrets_policy import (
    CHECK_IN,
    CSRF,
    MIN_SECRET_BYTES,
    PHONE_HASH,
    WeakSecret,
    check_secret_key,
    derived_key,
)
from minsheng.settings import Settings
from minsheng.supervision import rules

ROOT = Path(__file__).resolve().parents[2]
GOOD = "k" * MIN_SECRET_BYTES
PRODUCTION = {"MINSHENG_DATABASE_URL": "postgresql+asyncpg://app@127.0.0.1:1/none"}


def _shipped(path: str) -> str:
    found = re.search(r"MINSHENG_SECRET_KEY[:=] *(\S+)", (ROOT / path).read_text(encoding="utf-8"))
    assert found, path
    return found.group(1)


@pytest.mark.parametrize(
    "value", [None, "", "CHANGE-ME", "change-me-to-64-random-characters", "k" * (MIN_SECRET_BYTES - 1)]
)
def test_missing_short_and_placeholder_secrets_are_refused(value: str | None) -> None:
    with pytest.raises(WeakSecret, match=r"secrets\.token_urlsafe"):
        check_secret_key(value)


def test_the_values_shipped_in_the_deployment_examples_are_refused() -> None:
    for path in ("deploy/k8s/config.yaml", "deploy/env.example"):
        with pytest.raises(WeakSecret):
            check_secret_key(_shipped(path))


def test_a_secret_of_32_bytes_is_accepted() -> None:
    assert check_secret_key(GOOD) == GOOD


def test_the_server_refuses_to_start_with_change_me_saying_how_to_make_a_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**PRODUCTION, "MINSHENG_SECRET_KEY": "CHANGE-ME"}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code != 0
    assert "MINSHENG_SECRET_KEY is a placeholder" in result.output and "token_urlsafe" in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    with pytest.raises(WeakSecret):
        Settings.from_env()  # create_app() reads the same settings


def test_embedded_mode_makes_its_own_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MINSHENG_DATABASE_URL", raising=False)
    monkeypatch.delenv("MINSHENG_SECRET_KEY", raising=False)
    monkeypatch.setenv("MINSHENG_DATA_DIR", str(tmp_path))
    assert len(Settings.from_env().secret_key) >= MIN_SECRET_BYTES


def test_every_purpose_has_a_key_of_its_own() -> None:
    keys = {purpose: derived_key(GOOD, purpose) for purpose in (CSRF, CHECK_IN, PHONE_HASH)}
    assert len(set(keys.values())) == 3
    assert all(len(key) == 32 and GOOD.encode() not in key for key in keys.values())
    assert derived_key(GOOD, CSRF) == derived_key(GOOD, CSRF)


def test_the_check_in_code_and_phone_hash_use_their_own_keys_not_the_secret() -> None:
    tenant, session = uuid.uuid4(), uuid.uuid4()
    code = checkin_code.issue_code(GOOD, tenant, session, 1_000_000.0)
    window = code.split("-")[0]
    raw = hmac.new(GOOD.encode(), f"checkin|{tenant}|{session}|{int(window, 16)}".encode(), hashlib.sha256)
    assert not code.endswith(raw.hexdigest()[: checkin_code.MAC_DIGITS])
    assert checkin_code.is_valid_code(GOOD, tenant, session, code, 1_000_000.0)
    plain = hmac.new(GOOD.encode(), f"{tenant}:13800000000".encode(), hashlib.sha256).hexdigest()
    assert rules.phone_hash(GOOD, tenant, "13800000000") != plain
