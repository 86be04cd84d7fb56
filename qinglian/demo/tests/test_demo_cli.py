"""`qinglian demo` on a fresh data dir, then again on the same one (it must reuse the database)."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest


def demo(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QINGLIAN_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "demo", "--no-serve", "--data-dir", str(data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_demo_creates_prints_logins_and_reuses_the_database(tmp_path):
    first = demo(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    logins = json.loads((tmp_path / "demo-logins.json").read_text())
    roles = {u["role"] for u in logins["users"]}
    assert {"sysadmin", "org_supervision", "petitions_intake", "cadre_self", "auditor"} <= roles
    assert logins["api_token"].startswith("ql_")
    for u in logins["users"]:
        assert u["username"] in first.stdout and u["password"] in first.stdout
    db = sqlite3.connect(tmp_path / "qinglian.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cadres = db.execute("SELECT COUNT(*) FROM people_cadre").fetchone()[0]
    assert cadres == 5000
    # every generated ID number is under the fictional demo region
    assert (
        db.execute("SELECT COUNT(*) FROM people_cadre WHERE id_masked NOT LIKE '349899%'").fetchone()[0] == 0
    )
    db.close()
    second = demo(tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert json.loads((tmp_path / "demo-logins.json").read_text()) == logins
    db = sqlite3.connect(tmp_path / "qinglian.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM people_cadre").fetchone()[0] == cadres
