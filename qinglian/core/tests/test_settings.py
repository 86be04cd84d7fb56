"""A malformed setting stops start-up with the variable's name (never a silent default)."""

import os
import subprocess
import sys

import pytest


def start(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QINGLIAN_", "DJANGO_"))}
    env.update(
        {"QINGLIAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "qinglian.settings", **env_extra}
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("QINGLIAN_IDLE_TIMEOUT_MINUTES", "half an hour"),
        ("QINGLIAN_REQUIRE_2FA", "maybe"),
        ("QINGLIAN_MODE", "everything"),
        ("QINGLIAN_DATABASE_URL", "mysql://root@localhost/qinglian"),
        ("QINGLIAN_LOCKOUT_FAILURES", "0"),
    ],
)
def test_malformed_setting_names_the_variable(tmp_path, name, value):
    result = start({name: value}, tmp_path)
    assert result.returncode != 0
    assert name in result.stderr


def test_production_without_secrets_refuses_to_start(tmp_path):
    result = start({"QINGLIAN_PRODUCTION": "true"}, tmp_path)
    assert result.returncode != 0 and "QINGLIAN_SECRET_KEY" in result.stderr


def test_embedded_default_keeps_its_generated_keys(tmp_path):
    assert start({}, tmp_path).returncode == 0
    keys = sorted(p.name for p in (tmp_path / "keys").iterdir())
    assert keys == ["audit_key", "field_key", "front_core_key", "front_key", "id_hash_key", "secret_key"]
    before = (tmp_path / "keys" / "secret_key").read_text()
    assert start({}, tmp_path).returncode == 0
    assert (tmp_path / "keys" / "secret_key").read_text() == before
    assert oct((tmp_path / "keys" / "secret_key").stat().st_mode & 0o777) == "0o600"
