"""Backup and restore, end to end through the real `qinglian` command in subprocesses.

A demo data dir is built once per module (`qinglian demo --no-serve`), given uploaded files and an
audit checkpoint, and backed up; each test restores that backup somewhere new (or fails to).
The encrypted stream format is also tested in-process: truncation, reordering, wrong key.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from qinglian import backup as bk

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_PG_URL = "postgres://qinglian_test:qinglian_test@127.0.0.1:5432/qinglian_test"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a fresh operator shell: none of the test run's QINGLIAN_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QINGLIAN_", "DJANGO_", "PG"))}
    env.update(extra)
    return env


def qinglian(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"qinglian {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def audit_commands() -> set[str]:
    folder = ROOT / "qinglian" / "audit" / "management" / "commands"
    return {p.stem for p in folder.glob("audit_*.py")} if folder.is_dir() else set()


def sqlite_state(path: Path) -> tuple[dict[str, int], dict[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return bk._sqlite_state(conn)
    finally:
        conn.close()


def sqlite_counts(path: Path) -> dict[str, int]:
    return sqlite_state(path)[0]


def audit_rows_sqlite(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT seq, prev_hash, hash FROM audit_auditevent ORDER BY seq").fetchall()
    finally:
        conn.close()


def add_uploads(data_dir: Path) -> dict[str, bytes]:
    files = {
        "files/documents/2026/廉洁意见回复.txt": "关于张三同志的廉洁意见：无不良记录。\n".encode(),
        "files/imports/big.bin": secrets.token_bytes(2 * 1024 * 1024 + 123),  # spans several chunks
    }
    for name, data in files.items():
        path = data_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A demo data dir with uploads and a checkpoint, its row counts, and a backup of it."""
    base = tmp_path_factory.mktemp("backup")
    data_dir = base / "source"
    env = clean_env()
    qinglian("demo", "--data-dir", str(data_dir), "--no-serve", env=env)
    uploads = add_uploads(data_dir)
    if "audit_checkpoint" in audit_commands():
        qinglian("manage", "--data-dir", str(data_dir), "audit_checkpoint", "--skip-checks", env=env)
    else:
        (data_dir / bk.CHECKPOINT_FILE).write_text('{"seq": 0}\n')
    counts, migrations = sqlite_state(data_dir / "qinglian.sqlite3")
    audit_rows = audit_rows_sqlite(data_dir / "qinglian.sqlite3")
    out = base / "out" / "qinglian-backup.qlbk"
    out.parent.mkdir()
    # Every stored file (the demo's own documents and cards too, and the uploads added here).
    stored = sorted(
        p.relative_to(data_dir).as_posix() for p in (data_dir / "files").rglob("*") if p.is_file()
    )
    result = qinglian("backup", "--data-dir", str(data_dir), "--out", str(out), env=env)
    return {
        "stored": stored,
        "dir": data_dir,
        "base": base,
        "counts": counts,
        "migrations": migrations,
        "audit_rows": audit_rows,
        "uploads": uploads,
        "archive": out,
        "keys": Path(f"{out}.keys"),
        "backup_key_file": data_dir / "keys" / "backup_key",
        "backup_output": result.stdout + result.stderr,
    }


def restore_env(source, **extra) -> dict[str, str]:
    return clean_env(QINGLIAN_BACKUP_KEY_FILE=str(source["backup_key_file"]), **extra)


def test_restore_into_a_new_data_dir_reproduces_every_table_file_and_key(source, tmp_path):
    target = tmp_path / "restored"
    result = qinglian("restore", "--data-dir", str(target), str(source["archive"]), env=restore_env(source))

    assert "恢复完成" in result.stdout
    assert sqlite_counts(target / "qinglian.sqlite3") == source["counts"]
    assert audit_rows_sqlite(target / "qinglian.sqlite3") == source["audit_rows"]
    for name, data in source["uploads"].items():
        assert (target / name).read_bytes() == data
    assert (target / bk.CHECKPOINT_FILE).read_bytes() == (source["dir"] / bk.CHECKPOINT_FILE).read_bytes()
    for key in ("secret_key", "field_key", "audit_key", "id_hash_key"):
        assert (target / "keys" / key).read_text() == (source["dir"] / "keys" / key).read_text()
        assert (target / "keys" / key).stat().st_mode & 0o077 == 0
    assert not (target / "keys" / "backup_key").exists()
    assert not list(target.glob(".restore-*"))


def test_restored_audit_chain_verifies_with_the_restored_key(source, tmp_path):
    target = tmp_path / "restored"
    qinglian("restore", "--data-dir", str(target), str(source["archive"]), env=restore_env(source))
    env = clean_env()
    if "audit_verify" in audit_commands():
        result = qinglian(
            "manage", "--data-dir", str(target), "audit_verify", "--skip-checks", env=env, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    # Independently of the command: every row's HMAC recomputes with the restored audit key.
    script = (
        "from qinglian.audit.chain import compute_hash\n"
        "from qinglian.audit.models import AuditEvent\n"
        "prev = '0' * 64\n"
        "for e in AuditEvent.objects.order_by('seq'):\n"
        "    assert e.prev_hash == prev and compute_hash(e, prev) == e.hash, e.seq\n"
        "    prev = e.hash\n"
        "print('chain ok', AuditEvent.objects.count())\n"
    )
    result = qinglian("manage", "--data-dir", str(target), "shell", "-c", script, env=env)
    assert f"chain ok {len(source['audit_rows'])}" in result.stdout


WRITER = """
import time
from qinglian.audit.services import audit_record
audit_record(actor=None, action="test.write", obj=("test", 0, "writer"))
print("writing", flush=True)
deadline = time.monotonic() + 60
n = 0
while time.monotonic() < deadline:
    n += 1
    audit_record(actor=None, action="test.write", obj=("test", n, "writer"))
"""


def test_backup_of_a_database_being_written_is_a_consistent_snapshot(source, tmp_path):
    env = clean_env()
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "qinglian.cli",
            "manage",
            "--data-dir",
            str(source["dir"]),
            "shell",
            "-c",
            WRITER,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for _ in range(10):  # Django's shell may first say what it imported
            if writer.stdout.readline().strip() == "writing":
                break
        else:
            raise AssertionError("the writer did not start")
        out = tmp_path / "live.qlbk"
        qinglian("backup", "--data-dir", str(source["dir"]), "--out", str(out), env=env)
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    target = tmp_path / "restored"
    qinglian("restore", "--data-dir", str(target), str(out), env=restore_env(source))

    rows = audit_rows_sqlite(target / "qinglian.sqlite3")
    conn = sqlite3.connect(target / "qinglian.sqlite3")
    head = conn.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1").fetchone()
    conn.close()
    assert len(rows) > len(source["audit_rows"])  # the writer's rows up to the snapshot
    assert head == (rows[-1][0], rows[-1][2])  # the head row and the last event are from one moment
    if "audit_verify" in audit_commands():
        verify = qinglian(
            "manage", "--data-dir", str(target), "audit_verify", "--skip-checks", env=env, check=False
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr


def test_backup_warns_that_the_backup_key_must_be_kept_away_from_the_backup(source):
    assert "备份密钥" in source["backup_output"]
    assert str(source["backup_key_file"]) in source["backup_output"]
    assert "away from the backup" in source["backup_output"]


def test_backup_writes_only_encrypted_files_without_keys_in_clear(source):
    archive = source["archive"].read_bytes()
    keys_file = source["keys"].read_bytes()
    assert archive.startswith(bk.MAGIC) and keys_file.startswith(bk.MAGIC)
    assert source["archive"].stat().st_mode & 0o077 == 0
    assert source["keys"].stat().st_mode & 0o077 == 0
    for key in ("field_key", "audit_key", "id_hash_key", "secret_key"):
        value = (source["dir"] / "keys" / key).read_text().encode()
        assert value not in archive and value not in keys_file
    assert b"SQLite format 3" not in archive


def test_data_keys_are_in_the_keys_file_and_not_inside_the_archive(source):
    backup_key = source["backup_key_file"].read_text().strip()
    plain = io.BytesIO()
    with source["archive"].open("rb") as fh:
        bk.decrypt_stream(fh, plain, backup_key, kind=bk.KIND_ARCHIVE)
    with tarfile.open(fileobj=io.BytesIO(plain.getvalue())) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(bk.MANIFEST).read())
    assert names[-1] == bk.MANIFEST
    assert not any("key" in name for name in names)
    for key in ("field_key", "audit_key", "id_hash_key", "secret_key"):
        assert (source["dir"] / "keys" / key).read_text().encode() not in plain.getvalue()
    assert manifest["database"]["vendor"] == "sqlite"
    assert manifest["database"]["tables"] == source["counts"]
    assert manifest["database"]["migrations"] == source["migrations"]
    assert "accounts" in manifest["database"]["migrations"]
    assert set(manifest["files"]) == {
        bk.SQLITE_MEMBER,
        bk.CHECKPOINT_FILE,
        "demo-logins.json",
        *source["stored"],
    }
    assert set(source["uploads"]) <= set(source["stored"])

    keys_plain = io.BytesIO()
    with source["keys"].open("rb") as fh:
        bk.decrypt_stream(fh, keys_plain, backup_key, kind=bk.KIND_KEYS)
    keys = json.loads(keys_plain.getvalue())
    assert keys["backup_id"] == manifest["backup_id"]
    assert keys["keys"]["audit_key"] == (source["dir"] / "keys" / "audit_key").read_text()
    assert bk.BACKUP_KEY_FILE not in keys["keys"]


def test_keys_file_cannot_be_read_without_the_backup_key(source, tmp_path):
    with source["keys"].open("rb") as fh, pytest.raises(bk.BackupError, match="备份密钥不正确"):
        bk.decrypt_stream(fh, io.BytesIO(), secrets.token_urlsafe(32), kind=bk.KIND_KEYS)

    no_key = qinglian(
        "restore", "--data-dir", str(tmp_path / "a"), str(source["archive"]), env=clean_env(), check=False
    )
    assert no_key.returncode != 0
    assert "QINGLIAN_BACKUP_KEY" in no_key.stderr

    wrong = clean_env(QINGLIAN_BACKUP_KEY=secrets.token_urlsafe(32))
    result = qinglian(
        "restore", "--data-dir", str(tmp_path / "b"), str(source["archive"]), env=wrong, check=False
    )
    assert result.returncode != 0
    assert "备份密钥不正确" in result.stderr
    assert not (tmp_path / "b" / "qinglian.sqlite3").exists()


def test_tampered_archive_is_refused_and_nothing_is_restored(source, tmp_path):
    tampered = tmp_path / "tampered.qlbk"
    data = bytearray(source["archive"].read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered.write_bytes(bytes(data))
    Path(f"{tampered}.keys").write_bytes(source["keys"].read_bytes())
    target = tmp_path / "restored"

    result = qinglian(
        "restore", "--data-dir", str(target), str(tampered), env=restore_env(source), check=False
    )

    assert result.returncode != 0
    assert "被篡改" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (target / "qinglian.sqlite3").exists()
    assert not (target / "files").exists()
    assert not list(target.glob(".restore-*"))


def test_keys_file_of_another_backup_is_refused(source, tmp_path):
    other = tmp_path / "other.qlbk"
    env = clean_env()
    qinglian("backup", "--data-dir", str(source["dir"]), "--out", str(other), env=env)
    target = tmp_path / "restored"

    result = qinglian(
        "restore", "--data-dir", str(target), str(source["archive"]), "--keys", f"{other}.keys",
        env=restore_env(source), check=False,
    )  # fmt: skip

    assert result.returncode != 0
    assert "不属于同一次备份" in result.stderr
    assert not (target / "qinglian.sqlite3").exists()


def test_restore_into_a_data_dir_that_holds_data_is_refused_and_changes_nothing(source, tmp_path):
    target = tmp_path / "busy"
    qinglian("restore", "--data-dir", str(target), str(source["archive"]), env=restore_env(source))
    (target / "files" / "new.txt").write_text("新上传")
    conn = sqlite3.connect(target / "qinglian.sqlite3")
    conn.execute("INSERT INTO django_session VALUES ('k', 'd', '2030-01-01 00:00:00')")
    conn.commit()
    conn.close()
    before = sqlite_counts(target / "qinglian.sqlite3")
    audit_key = (target / "keys" / "audit_key").read_text()

    result = qinglian(
        "restore", "--data-dir", str(target), str(source["archive"]), env=restore_env(source), check=False
    )

    assert result.returncode != 0
    assert "目标不是空的" in result.stderr
    assert sqlite_counts(target / "qinglian.sqlite3") == before
    assert (target / "files" / "new.txt").read_text() == "新上传"
    assert (target / "keys" / "audit_key").read_text() == audit_key


def test_restore_refuses_a_data_dir_with_only_uploaded_files(source, tmp_path):
    target = tmp_path / "files-only"
    (target / "files").mkdir(parents=True)
    (target / "files" / "orphan.pdf").write_bytes(b"%PDF")

    result = qinglian(
        "restore", "--data-dir", str(target), str(source["archive"]), env=restore_env(source), check=False
    )

    assert result.returncode != 0
    assert "文件目录" in result.stderr
    assert not (target / "qinglian.sqlite3").exists()


def production_env(**extra: str) -> dict[str, str]:
    secrets_ = {
        name: secrets.token_urlsafe(32)
        for name in (
            "QINGLIAN_SECRET_KEY",
            "QINGLIAN_FIELD_KEY",
            "QINGLIAN_AUDIT_KEY",
            "QINGLIAN_ID_HASH_KEY",
        )
    }
    return clean_env(QINGLIAN_PRODUCTION="true", **secrets_, **extra)


def test_production_restore_names_the_environment_keys_to_replace(source, tmp_path):
    target = tmp_path / "prod"
    env = production_env(QINGLIAN_BACKUP_KEY_FILE=str(source["backup_key_file"]))

    result = qinglian("restore", "--data-dir", str(target), str(source["archive"]), env=env)

    assert "QINGLIAN_AUDIT_KEY" in result.stderr and "QINGLIAN_FIELD_KEY" in result.stderr
    assert (target / "keys" / "audit_key").read_text() == (source["dir"] / "keys" / "audit_key").read_text()
    assert sqlite_counts(target / "qinglian.sqlite3") == source["counts"]


def test_production_backup_without_a_backup_key_is_refused(source, tmp_path):
    out = tmp_path / "prod.qlbk"
    result = qinglian(
        "backup", "--data-dir", str(source["dir"]), "--out", str(out), env=production_env(), check=False
    )
    assert result.returncode != 0
    assert "生产模式" in result.stderr and "QINGLIAN_BACKUP_KEY" in result.stderr
    assert not out.exists() and not Path(f"{out}.keys").exists()


def test_backup_inside_the_data_dir_is_written_with_a_warning(source, tmp_path):
    out = source["dir"] / "files-backup.qlbk"
    result = qinglian("backup", "--data-dir", str(source["dir"]), "--out", str(out), env=clean_env())
    try:
        assert "数据目录" in result.stderr and "另一台机器" in result.stderr
        assert out.is_file() and Path(f"{out}.keys").is_file()
    finally:
        out.unlink()
        Path(f"{out}.keys").unlink()


def test_backup_does_not_overwrite_an_existing_file(source):
    before = source["archive"].read_bytes()
    result = qinglian(
        "backup",
        "--data-dir",
        str(source["dir"]),
        "--out",
        str(source["archive"]),
        env=clean_env(),
        check=False,
    )
    assert result.returncode != 0
    assert "已存在" in result.stderr
    assert source["archive"].read_bytes() == before


# --- The encrypted stream format, in-process ------------------------------------------------------

KEY = "k" * 43


def encrypt(data: bytes, *, chunk_size: int = 16, key: str = KEY, kind: int = bk.KIND_ARCHIVE) -> bytes:
    sink = io.BytesIO()
    writer = bk.EncryptingWriter(sink, key, kind=kind, chunk_size=chunk_size)
    for i in range(0, len(data), 7):  # odd write sizes
        writer.write(data[i : i + 7])
    writer.finish()
    return sink.getvalue()


def decrypt(blob: bytes, *, key: str = KEY, kind: int = bk.KIND_ARCHIVE) -> bytes:
    out = io.BytesIO()
    bk.decrypt_stream(io.BytesIO(blob), out, key, kind=kind)
    return out.getvalue()


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 32, 33, 100])
def test_stream_round_trips_at_and_around_chunk_boundaries(size):
    data = secrets.token_bytes(size)
    blob = encrypt(data)
    assert decrypt(blob) == data
    chunks = max(1, -(-size // 16))  # the last chunk may be full; an empty input still has one
    assert len(blob) == bk.HEADER_SIZE + len(data) + bk.TAG_SIZE * chunks


def test_stream_cut_exactly_at_a_chunk_boundary_is_refused():
    blob = encrypt(secrets.token_bytes(40))  # chunks of 16, 16, 8
    cut = blob[: bk.HEADER_SIZE + 2 * (16 + bk.TAG_SIZE)]
    with pytest.raises(bk.BackupError, match="第 2 块"):
        decrypt(cut)


def test_stream_with_swapped_chunks_is_refused():
    blob = encrypt(secrets.token_bytes(48))
    h, c = bk.HEADER_SIZE, 16 + bk.TAG_SIZE
    swapped = blob[:h] + blob[h + c : h + 2 * c] + blob[h : h + c] + blob[h + 2 * c :]
    with pytest.raises(bk.BackupError):
        decrypt(swapped)


def test_stream_with_an_extra_chunk_appended_is_refused():
    blob = encrypt(secrets.token_bytes(16))  # one full chunk and an empty final one
    with pytest.raises(bk.BackupError):
        decrypt(blob + blob[bk.HEADER_SIZE : bk.HEADER_SIZE + 16 + bk.TAG_SIZE])


def test_stream_header_change_is_refused():
    blob = bytearray(encrypt(b"secret payload"))
    blob[12] ^= 0x01  # inside the salt
    with pytest.raises(bk.BackupError, match="备份密钥不正确"):
        decrypt(bytes(blob))


def test_keys_stream_is_not_accepted_as_an_archive():
    with pytest.raises(bk.BackupError, match="文件类型不符"):
        decrypt(encrypt(b"{}", kind=bk.KIND_KEYS), kind=bk.KIND_ARCHIVE)


def test_not_a_backup_file_is_refused_with_a_clear_message():
    with pytest.raises(bk.BackupError, match="不是清廉备份文件"):
        decrypt(b"PK\x03\x04 a zip file")


def test_member_whose_hash_differs_from_the_manifest_is_refused(tmp_path):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        for name, data in (("files/a.txt", b"changed"), (bk.MANIFEST, None)):
            if data is None:
                manifest = {
                    "format": "qinglian-backup",
                    "version": bk.FORMAT_VERSION,
                    "files": {"files/a.txt": {"sha256": "0" * 64, "size": 7}},
                }
                data = json.dumps(manifest).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "a.tar"
    archive.write_bytes(raw.getvalue())
    with pytest.raises(bk.BackupError, match="SHA-256 不符"):
        bk._unpack(archive, tmp_path / "out")


def test_member_escaping_the_staging_dir_is_refused(tmp_path):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        info = tarfile.TarInfo("../evil.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    archive = tmp_path / "a.tar"
    archive.write_bytes(raw.getvalue())
    with pytest.raises(bk.BackupError, match="不允许"):
        bk._unpack(archive, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


# --- PostgreSQL ---------------------------------------------------------------------------------


def pg_base_url() -> str:
    url = os.environ.get("QINGLIAN_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_PG_URL


def pg_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def pg_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )


def pg_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        counts, _ = bk._pg_state(conn)
    return counts


@pytest.mark.slow  # ~30 s: migrate and demo_load on a fresh PostgreSQL database
@pytest.mark.skipif(not pg_answers(pg_base_url()), reason="no PostgreSQL at 127.0.0.1:5432")
def test_postgresql_backup_restores_into_a_second_empty_database(tmp_path):
    from psycopg import sql

    base = pg_base_url()
    parts = urlsplit(base)
    suffix = secrets.token_hex(4)
    names = [f"qlbk_{suffix}_src", f"qlbk_{suffix}_dst"]
    urls = [parts._replace(path=f"/{name}").geturl() for name in names]
    with pg_admin(base) as admin:
        for name in names:
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(parts.username)
                )
            )
    try:
        src_env = clean_env(QINGLIAN_DATABASE_URL=urls[0])
        src_dir, dst_dir = tmp_path / "src", tmp_path / "dst"
        qinglian("manage", "--data-dir", str(src_dir), "migrate", "--no-input", "-v", "0", env=src_env)
        qinglian("manage", "--data-dir", str(src_dir), "demo_load", env={**src_env, "QINGLIAN_DEMO": "true"})
        uploads = add_uploads(src_dir)
        counts = pg_counts(urls[0])
        out = tmp_path / "pg.qlbk"
        qinglian("backup", "--data-dir", str(src_dir), "--out", str(out), env=src_env)
        key_env = {"QINGLIAN_BACKUP_KEY_FILE": str(src_dir / "keys" / "backup_key")}

        # The source database holds data: restoring over it is refused.
        refused = qinglian(
            "restore", "--data-dir", str(tmp_path / "x"), str(out), env={**src_env, **key_env}, check=False
        )
        assert refused.returncode != 0 and "已有" in refused.stderr

        dst_env = clean_env(QINGLIAN_DATABASE_URL=urls[1], **key_env)
        qinglian("restore", "--data-dir", str(dst_dir), str(out), env=dst_env)

        assert counts["accounts_user"] > 0 and counts["audit_auditevent"] > 0
        assert pg_counts(urls[1]) == counts
        for name, data in uploads.items():
            assert (dst_dir / name).read_bytes() == data
        assert (dst_dir / "keys" / "audit_key").read_text() == (src_dir / "keys" / "audit_key").read_text()
        if "audit_verify" in audit_commands():
            verify = qinglian(
                "manage",
                "--data-dir",
                str(dst_dir),
                "audit_verify",
                "--skip-checks",
                env=dst_env,
                check=False,
            )
            assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        with pg_admin(base) as admin:
            for name in names:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
