"""Encrypted backup and restore of one Qinglian instance (`qinglian backup` / `qinglian restore`).

What a backup holds
-------------------
`qinglian backup --out FILE` writes two files, both encrypted with the *backup key*:

* ``FILE`` — a tar archive of
    - ``database/qinglian.sqlite3`` (an online snapshot taken with SQLite's backup API, so a
      live WAL database is copied consistently) or ``database/qinglian.pgdump``
      (``pg_dump --format=custom`` run inside an exported REPEATABLE READ snapshot);
    - ``files/...`` — the uploaded files (``MEDIA_ROOT``);
    - ``audit-checkpoints.jsonl`` and ``demo-logins.json`` when they exist in the data dir (copied
      *before* the database snapshot, so every checkpoint names a row that is in the snapshot);
    - ``manifest.json`` (last member): format version, backup id, creation time, database vendor,
      the latest applied migration per app and the row count of every table — all read from the
      snapshot itself, not from the live database — and the SHA-256 and size of every other member.
* ``FILE.keys`` — the data keys (``SECRET_KEY``, field key, audit HMAC key, ID hash key and any
  other key file under ``DATA_DIR/keys`` except the backup key), as JSON carrying the same
  backup id. They are never in the archive and never in clear beside it: whoever holds the
  backup key can read both files, nobody else can read either.

After the snapshot, the backup appends a ``backup.create`` event to the audit chain.

The backup key comes from ``QINGLIAN_BACKUP_KEY`` or ``QINGLIAN_BACKUP_KEY_FILE``; outside
production it is generated once and kept in ``DATA_DIR/keys/backup_key``. It must be stored
away from the backups (a backup next to its key protects nothing), and without it nothing can
be restored.

Encrypted file format (version 1)
---------------------------------
::

    header  = b"QLBK" | version (1 byte, = 1) | kind (1 byte: 1 archive, 2 keys)
              | chunk size (4 bytes, big-endian) | salt (16 random bytes) | base nonce (12 random bytes)
    body    = chunk_0 | chunk_1 | ... | chunk_n          (each chunk = AES-256-GCM ciphertext + 16-byte tag)

    file key = HKDF-SHA256(ikm = backup key (UTF-8), salt = salt,
                           info = b"qinglian-backup/1/" + kind as an ASCII digit)   (32 bytes, AES-256)
    nonce_i  = base nonce XOR i (as a 12-byte big-endian integer)
    aad_i    = header | i (8 bytes, big-endian) | final flag (1 byte: 1 on the last chunk, else 0)

Every chunk but the last holds exactly ``chunk size`` (1 MiB) bytes of plaintext; the last holds
0..chunk size bytes and is always present. A reader decrypts full-size chunks and treats the one
followed by end-of-file as final. Because the index and the final flag are authenticated,
reordered, dropped, duplicated or appended chunks and a file cut at a chunk boundary all fail
authentication; because the header is authenticated too, so does a changed salt, nonce or size.
A fresh salt per file gives a fresh AES key per file, so nonces never repeat under one key.

Restore
-------
``qinglian restore FILE [--keys FILE.keys]`` runs against the target named by the process's own
settings (``--data-dir`` / ``QINGLIAN_DATA_DIR`` and ``QINGLIAN_DATABASE_URL``). It refuses a
target that holds data (a database with tables, uploaded files or audit checkpoints), decrypts
and authenticates everything into a staging directory, checks every SHA-256 of the manifest,
restores the database (``pg_restore`` into an empty PostgreSQL database), the files and the key
files (overwriting the keys that settings generated for the empty data dir), and finally checks
that every table holds the row count recorded in the manifest. Restore is the last thing its
process does: that process was started with the generated keys and must not write anything with
them; run ``qinglian manage audit_verify`` afterwards in a new process.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from qinglian.env import env_secret

FORMAT_VERSION = 1
MAGIC = b"QLBK"
KIND_ARCHIVE = 1
KIND_KEYS = 2
CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
TAG_SIZE = 16
SALT_SIZE = 16
NONCE_SIZE = 12
HEADER_SIZE = len(MAGIC) + 1 + 1 + 4 + SALT_SIZE + NONCE_SIZE
MIN_BACKUP_KEY_CHARS = 32

BACKUP_KEY_ENV = "QINGLIAN_BACKUP_KEY"
BACKUP_KEY_FILE = "backup_key"
CHECKPOINT_FILE = "audit-checkpoints.jsonl"
DEMO_LOGINS_FILE = "demo-logins.json"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/qinglian.sqlite3"
PGDUMP_MEMBER = "database/qinglian.pgdump"

# Key file name -> (settings attribute, environment variable). Other files found in KEY_DIR
# (except the backup key) are carried too, by file name.
DATA_KEYS = {
    "secret_key": ("SECRET_KEY", "QINGLIAN_SECRET_KEY"),
    "field_key": ("FIELD_ENCRYPTION_KEY", "QINGLIAN_FIELD_KEY"),
    "audit_key": ("AUDIT_HMAC_KEY", "QINGLIAN_AUDIT_KEY"),
    "id_hash_key": ("ID_HASH_KEY", "QINGLIAN_ID_HASH_KEY"),
}

# libpq connection parameters that may sit in DATABASES["default"]["OPTIONS"], with their
# environment variable for pg_dump / pg_restore.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A refusal or failure with a message for the operator (Simplified Chinese)."""


def _warn(message: str) -> None:
    print(f"警告 WARNING: {message}", file=sys.stderr, flush=True)


def _info(message: str) -> None:
    print(message, flush=True)


# --- Encrypted stream format ------------------------------------------------------------------


def _header(kind: int, chunk_size: int, salt: bytes, base_nonce: bytes) -> bytes:
    return MAGIC + bytes([FORMAT_VERSION, kind]) + chunk_size.to_bytes(4, "big") + salt + base_nonce


def _derive(backup_key: str, salt: bytes, kind: int) -> AESGCM:
    material = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"qinglian-backup/1/%d" % kind
    ).derive(backup_key.encode())
    return AESGCM(material)


def _nonce(base: bytes, index: int) -> bytes:
    return (int.from_bytes(base, "big") ^ index).to_bytes(NONCE_SIZE, "big")


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """A write-only file object that encrypts into `sink` chunk by chunk; call `finish()` at the end."""

    def __init__(self, sink, backup_key: str, *, kind: int, chunk_size: int = CHUNK_SIZE):
        super().__init__()
        salt, base = secrets.token_bytes(SALT_SIZE), secrets.token_bytes(NONCE_SIZE)
        self._sink = sink
        self._chunk_size = chunk_size
        self._header = _header(kind, chunk_size, salt, base)
        self._aead = _derive(backup_key, salt, kind)
        self._base = base
        self._index = 0
        self._pending = bytearray()
        self._finished = False
        sink.write(self._header)

    def writable(self) -> bool:
        return True

    def _emit(self, data: bytes, *, final: bool) -> None:
        nonce = _nonce(self._base, self._index)
        self._sink.write(self._aead.encrypt(nonce, data, _aad(self._header, self._index, final)))
        self._index += 1

    def write(self, data) -> int:
        if self._finished:
            raise ValueError("writer already finished")
        self._pending += data
        # Keep at least one byte back: only the chunk written by finish() may be final.
        while len(self._pending) > self._chunk_size:
            self._emit(bytes(self._pending[: self._chunk_size]), final=False)
            del self._pending[: self._chunk_size]
        return len(data)

    def finish(self) -> None:
        if not self._finished:
            self._emit(bytes(self._pending), final=True)
            self._pending.clear()
            self._finished = True


def decrypt_stream(source, sink, backup_key: str, *, kind: int) -> None:
    """Decrypt and authenticate `source` into `sink`; raise BackupError on any mismatch.

    `sink` receives each chunk once it is authenticated; when this raises, discard what it got.
    """
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or header[:4] != MAGIC:
        raise BackupError("不是清廉备份文件（文件头不符）")
    if header[4] != FORMAT_VERSION:
        raise BackupError(f"不支持的备份格式版本：{header[4]}")
    if header[5] != kind:
        expected = "数据备份文件" if kind == KIND_ARCHIVE else "密钥文件（.keys）"
        raise BackupError(f"文件类型不符：这里需要{expected}")
    chunk_size = int.from_bytes(header[6:10], "big")
    if not 0 < chunk_size <= MAX_CHUNK_SIZE:
        raise BackupError("备份文件头已损坏")
    salt = header[10 : 10 + SALT_SIZE]
    base = header[10 + SALT_SIZE :]
    aead = _derive(backup_key, salt, kind)
    block = chunk_size + TAG_SIZE
    index = 0
    current = source.read(block)
    while True:
        following = source.read(block) if len(current) == block else b""
        final = not following
        if len(current) < TAG_SIZE:
            raise BackupError("备份文件不完整（已被截断）")
        try:
            plain = aead.decrypt(_nonce(base, index), current, _aad(header, index, final))
        except InvalidTag:
            if index == 0:
                raise BackupError("无法解密：备份密钥不正确，或文件已损坏、被篡改") from None
            raise BackupError(f"备份文件已损坏或被篡改（第 {index + 1} 块认证失败）") from None
        sink.write(plain)
        if final:
            return
        current = following
        index += 1


# --- Keys ---------------------------------------------------------------------------------


def _backup_key(*, create: bool) -> tuple[str, Path | None]:
    """The backup key and, when it is kept in the data dir, the file it is kept in."""
    store: Path | None = None
    given = os.environ.get(BACKUP_KEY_ENV) or os.environ.get(f"{BACKUP_KEY_ENV}_FILE")
    if not given:
        needed = f"需要备份密钥：请设置环境变量 {BACKUP_KEY_ENV} 或 {BACKUP_KEY_ENV}_FILE"
        if settings.PRODUCTION:
            raise BackupError(f"{needed}（生产模式不在数据目录中生成密钥）")
        store = Path(settings.KEY_DIR) / BACKUP_KEY_FILE
        if not create and not store.is_file():
            raise BackupError(f"{needed}（备份时使用的那一把）")
    try:
        key = env_secret(BACKUP_KEY_ENV, store=store, nbytes=32)
    except (ImproperlyConfigured, OSError):
        raise BackupError(f"无法读取备份密钥：{BACKUP_KEY_ENV}_FILE 指向的文件不存在或不可读") from None
    if len(key) < MIN_BACKUP_KEY_CHARS:
        raise BackupError(f"备份密钥太短：至少需要 {MIN_BACKUP_KEY_CHARS} 个字符的随机值")
    return key, store


def _data_keys() -> dict[str, str]:
    keys = {name: getattr(settings, attr) for name, (attr, _env) in DATA_KEYS.items()}
    key_dir = Path(settings.KEY_DIR)
    if key_dir.is_dir():
        for path in sorted(key_dir.iterdir()):
            if path.is_file() and path.name != BACKUP_KEY_FILE and path.name not in keys:
                keys[path.name] = path.read_text().strip()
    return keys


def _write_secret(path: Path, value: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.restoring")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    os.replace(tmp, path)


# --- Database snapshots ---------------------------------------------------------------------


def _vendor() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"不支持的数据库类型：{engine}")


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_state(conn: sqlite3.Connection) -> tuple[dict[str, int], dict[str, str]]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    counts = {t: conn.execute(f"SELECT count(*) FROM {_sqlite_quote(t)}").fetchone()[0] for t in tables}  # noqa: S608
    migrations: dict[str, str] = {}
    if "django_migrations" in counts:
        for app, name in conn.execute("SELECT app, name FROM django_migrations ORDER BY id"):
            migrations[app] = name
    return counts, migrations


def _sqlite_snapshot(dest: Path) -> tuple[dict[str, int], dict[str, str]]:
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"没有可备份的数据库：{source_path} 不存在")
    src = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)  # one step: a consistent copy even while others write (WAL)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        return _sqlite_state(dst)
    finally:
        dst.close()
        src.close()


def _pg_params() -> dict[str, str]:
    db = settings.DATABASES["default"]
    params = {
        "dbname": db.get("NAME") or "",
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
    }
    for option, value in (db.get("OPTIONS") or {}).items():
        if option in _LIBPQ_OPTIONS and value is not None:
            params[option] = str(value)
    return {k: v for k, v in params.items() if v}


def _pg_env() -> dict[str, str]:
    """Environment for pg_dump / pg_restore: the password travels here, never on the command line."""
    names = {
        "dbname": "PGDATABASE",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "host": "PGHOST",
        "port": "PGPORT",
    }
    names.update(_LIBPQ_OPTIONS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    for key, value in _pg_params().items():
        env[names[key]] = value
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"未找到 {name}：请安装 PostgreSQL 客户端（postgresql-client），版本不低于服务器")
    return path


def _pg_connect():
    import psycopg

    try:
        return psycopg.connect(**_pg_params())
    except psycopg.Error as exc:
        raise BackupError(f"无法连接 PostgreSQL 数据库：{exc}") from None


def _pg_state(conn) -> tuple[dict[str, int], dict[str, str]]:
    from psycopg import sql

    rows = conn.execute(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY(current_schemas(false))"
        " ORDER BY schemaname, tablename"
    ).fetchall()
    counts: dict[str, int] = {}
    for schema, table in rows:
        label = table if schema == "public" else f"{schema}.{table}"
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(sql.Identifier(schema), sql.Identifier(table))
        counts[label] = conn.execute(query).fetchone()[0]
    migrations: dict[str, str] = {}
    if "django_migrations" in counts:
        for app, name in conn.execute("SELECT app, name FROM django_migrations ORDER BY id"):
            migrations[app] = name
    return counts, migrations


def _pg_snapshot(dest: Path) -> tuple[dict[str, int], dict[str, str]]:
    import psycopg

    pg_dump = _pg_tool("pg_dump")
    with _pg_connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # pg_dump reads the very snapshot in which the counts are taken.
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        result = subprocess.run(  # noqa: S603
            [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dest}"],
            env=_pg_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
        state = _pg_state(conn)
        conn.rollback()
    return state


# --- Backup -------------------------------------------------------------------------------


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            _warn(f"跳过符号链接 skipped symlink: {path}")
            continue
        if path.is_file():
            yield "files/" + path.relative_to(root).as_posix(), path


def _add_file(tar: tarfile.TarFile, arcname: str, path: Path, files: dict) -> None:
    """Add one file, hashing exactly the bytes that go into the archive."""
    with path.open("rb") as fh:
        data_size = os.fstat(fh.fileno()).st_size
        info = tarfile.TarInfo(arcname)
        info.size = data_size
        info.mtime = int(path.stat().st_mtime)
        info.mode = 0o600
        digest = hashlib.sha256()

        class _Hashing:
            def read(self, n=-1):
                block = fh.read(n)
                digest.update(block)
                return block

        tar.addfile(info, _Hashing())
    files[arcname] = {"sha256": digest.hexdigest(), "size": data_size}


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _keys_path(archive: Path) -> Path:
    return archive.with_name(archive.name + ".keys")


def backup(out: Path) -> Path:
    """Write an encrypted backup of the instance to `out` and its wrapped data keys to `out.keys`."""
    out = Path(out).expanduser().resolve()
    keys_out = _keys_path(out)
    for path in (out, keys_out):
        if path.exists():
            raise BackupError(f"目标文件已存在，不会覆盖：{path}")
    if not out.parent.is_dir():
        raise BackupError(f"目标目录不存在：{out.parent}")
    backup_key, key_store = _backup_key(create=True)
    vendor = _vendor()
    backup_id = str(uuid.uuid4())
    data_dir = Path(settings.DATA_DIR)
    created_at = timezone.localtime().isoformat()
    part = out.with_name(f".{out.name}.part")
    keys_part = keys_out.with_name(f".{keys_out.name}.part")
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=data_dir))
    try:
        # The checkpoint file is copied before the database snapshot: every checkpoint it holds
        # then names a row that is in the snapshot (a later one would read as a truncated log).
        extras = []
        for name in (CHECKPOINT_FILE, DEMO_LOGINS_FILE):
            if (data_dir / name).is_file():
                shutil.copyfile(data_dir / name, staging / name)
                extras.append(name)
        snapshot = staging / ("db.sqlite3" if vendor == "sqlite" else "db.pgdump")
        if vendor == "sqlite":
            counts, migrations = _sqlite_snapshot(snapshot)
            db_member = SQLITE_MEMBER
        else:
            counts, migrations = _pg_snapshot(snapshot)
            db_member = PGDUMP_MEMBER
        files: dict[str, dict] = {}
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as sink:
            writer = EncryptingWriter(sink, backup_key, kind=KIND_ARCHIVE)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                _add_file(tar, db_member, snapshot, files)
                for arcname, path in _media_files():
                    _add_file(tar, arcname, path, files)
                for name in extras:
                    _add_file(tar, name, staging / name, files)
                manifest = {
                    "format": "qinglian-backup",
                    "version": FORMAT_VERSION,
                    "backup_id": backup_id,
                    "created_at": created_at,
                    "app_version": _app_version(),
                    "database": {
                        "vendor": vendor,
                        "member": db_member,
                        "migrations": migrations,
                        "tables": counts,
                    },
                    "files": files,
                }
                _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            writer.finish()
            sink.flush()
            os.fsync(sink.fileno())
        keys_doc = {
            "format": "qinglian-backup-keys",
            "version": FORMAT_VERSION,
            "backup_id": backup_id,
            "created_at": created_at,
            "keys": _data_keys(),
        }
        fd = os.open(keys_part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as sink:
            writer = EncryptingWriter(sink, backup_key, kind=KIND_KEYS)
            writer.write(json.dumps(keys_doc, ensure_ascii=False).encode())
            writer.finish()
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(part, out)
        os.replace(keys_part, keys_out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        for leftover in (part, keys_part):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()

    _record_backup(backup_id, out, len(files), sum(counts.values()))
    _info(f"数据备份 archive: {out}（{len(files)} 个文件，{len(counts)} 张表，{sum(counts.values())} 行）")
    _info(f"数据密钥 data keys（已用备份密钥加密）: {keys_out}")
    if key_store is not None:
        _warn(
            f"备份密钥保存在数据目录中：{key_store}。请把它复制到与备份分开的地方（离线介质、保密柜），"
            "不要和备份文件放在一起——备份与其密钥放在一起等于没有加密；丢失备份密钥则备份无法恢复。"
            " Keep the backup key away from the backup: a backup next to its key protects nothing."
        )
    else:
        _warn(
            f"恢复需要备份密钥（{BACKUP_KEY_ENV} / {BACKUP_KEY_ENV}_FILE）。请确认它保存在与备份分开的地方。"
            " Keep the backup key away from the backup."
        )
    if out.is_relative_to(data_dir):
        _warn(
            f"备份文件写在数据目录 {data_dir} 之内：磁盘损坏时会与数据一同丢失，请把备份复制到另一台机器或介质上。"
        )
    return out


def _app_version() -> str:
    from qinglian import __version__

    return __version__


def _record_backup(backup_id: str, out: Path, n_files: int, n_rows: int) -> None:
    """Leave a trace in the audit chain (after the snapshot, so the backup does not contain it)."""
    from qinglian.audit.services import audit_record

    audit_record(
        actor=None,
        action="backup.create",
        obj=("backup", backup_id, out.name),
        extra={"files": n_files, "rows": n_rows},
    )


# --- Restore ------------------------------------------------------------------------------


def _target_problems(vendor: str) -> list[str]:
    """What in the target would be overwritten; empty when the target holds no data."""
    problems = []
    data_dir = Path(settings.DATA_DIR)
    if vendor == "sqlite":
        path = _sqlite_path()
        if path.exists() and path.stat().st_size > 0:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                counts, _ = _sqlite_state(conn)
            except sqlite3.DatabaseError:
                counts = None
            finally:
                conn.close()
            if counts is None:
                problems.append(f"{path} 已存在且不是可读的数据库文件")
            elif counts:
                problems.append(f"数据库 {path} 已有 {len(counts)} 张表")
    else:
        with _pg_connect() as conn:
            tables = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()[0]
        if tables:
            name = settings.DATABASES["default"]["NAME"]
            problems.append(
                f"PostgreSQL 数据库 {name} 已有 {tables} 张表（请使用新建的空数据库，不要先执行 migrate）"
            )
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(p.is_file() or p.is_symlink() for p in media.rglob("*")):
        problems.append(f"文件目录 {media} 不为空")
    for name in (CHECKPOINT_FILE,):
        if (data_dir / name).exists():
            problems.append(f"{data_dir / name} 已存在")
    return problems


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _unpack(archive_tar: Path, staging: Path) -> dict:
    """Extract the members into `staging`, checking each against the manifest."""
    hashes_seen: dict[str, dict] = {}
    manifest = None
    try:
        with tarfile.open(archive_tar, mode="r:") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member(member.name):
                    raise BackupError(f"备份中有不允许的条目：{member.name}")
                source = tar.extractfile(member)
                if member.name == MANIFEST:
                    manifest = json.loads(source.read().decode())
                    continue
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as fh:
                    while block := source.read(CHUNK_SIZE):
                        digest.update(block)
                        fh.write(block)
                hashes_seen[member.name] = {"sha256": digest.hexdigest(), "size": member.size}
    except (tarfile.TarError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"备份内容无法读取：{exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != "qinglian-backup":
        raise BackupError("备份中缺少清单（manifest.json）")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"不支持的备份清单版本：{manifest.get('version')}")
    expected = manifest.get("files") or {}
    missing = sorted(set(expected) - set(hashes_seen))
    extra = sorted(set(hashes_seen) - set(expected))
    if missing or extra:
        raise BackupError(f"备份内容与清单不符：缺少 {missing or '无'}，多出 {extra or '无'}")
    for name, meta in expected.items():
        if hashes_seen[name]["sha256"] != meta.get("sha256") or hashes_seen[name]["size"] != meta.get("size"):
            raise BackupError(f"校验失败（SHA-256 不符）：{name}")
    return manifest


def _restore_sqlite(snapshot: Path) -> None:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    shutil.copyfile(snapshot, target)
    target.chmod(0o600)


def _restore_pg(dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    dbname = settings.DATABASES["default"]["NAME"]
    result = subprocess.run(  # noqa: S603
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={dbname}",
            str(dump),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败（数据库未改动）：{result.stderr.strip()}")


def _current_state(vendor: str) -> tuple[dict[str, int], dict[str, str]]:
    if vendor == "sqlite":
        conn = sqlite3.connect(_sqlite_path())
        try:
            return _sqlite_state(conn)
        finally:
            conn.close()
    with _pg_connect() as conn:
        return _pg_state(conn)


def _check_migrations(migrations: dict[str, str]) -> None:
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known]
    if unknown:
        _warn(f"备份来自更新的程序版本，本程序不认识这些迁移：{', '.join(unknown)}；请先升级程序")
    newer = sorted(
        {app for app, name in known if app in migrations and name > migrations[app]}
        | {app for app, _ in known if app not in migrations}
    )
    if newer:
        _info(f"程序比备份新：请运行 qinglian manage migrate（涉及 {', '.join(newer)}）")


def restore(file: Path, *, keys_file: Path | None = None) -> dict:
    """Restore a backup made by `backup()` into the empty target of this process's settings.

    Returns the manifest. Raises BackupError (nothing written) when the target holds data, a
    key is wrong or any byte of the backup fails authentication or its SHA-256.
    """
    from django.db import connections

    file = Path(file).expanduser().resolve()
    keys_file = Path(keys_file).expanduser().resolve() if keys_file else _keys_path(file)
    if not file.is_file():
        raise BackupError(f"备份文件不存在：{file}")
    if not keys_file.is_file():
        raise BackupError(f"密钥文件不存在：{keys_file}（应与备份放在一起，或用 --keys 指定）")
    connections.close_all()
    vendor = _vendor()
    problems = _target_problems(vendor)
    if problems:
        raise BackupError("目标不是空的，拒绝恢复（不会覆盖现有数据）：" + "；".join(problems))
    backup_key, _ = _backup_key(create=False)

    buffer = io.BytesIO()
    with keys_file.open("rb") as fh:
        decrypt_stream(fh, buffer, backup_key, kind=KIND_KEYS)
    try:
        keys_doc = json.loads(buffer.getvalue().decode())
        keys = {str(k): str(v) for k, v in keys_doc["keys"].items()}
    except (ValueError, KeyError, AttributeError):
        raise BackupError("密钥文件内容无法读取") from None

    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        archive_tar = staging / "archive.tar"
        with file.open("rb") as src, archive_tar.open("wb") as dst:
            decrypt_stream(src, dst, backup_key, kind=KIND_ARCHIVE)
        unpacked = staging / "unpacked"
        manifest = _unpack(archive_tar, unpacked)
        archive_tar.unlink()
        if keys_doc.get("backup_id") != manifest.get("backup_id"):
            raise BackupError("密钥文件与备份文件不属于同一次备份")
        database = manifest["database"]
        if database.get("vendor") != vendor:
            raise BackupError(
                f"备份的数据库类型是 {database.get('vendor')}，目标是 {vendor}：请用相同类型的数据库恢复"
            )
        if vendor == "sqlite":
            _restore_sqlite(unpacked / SQLITE_MEMBER)
        else:
            _restore_pg(unpacked / PGDUMP_MEMBER)
        media = Path(settings.MEDIA_ROOT)
        for name in manifest["files"]:
            if name.startswith("files/"):
                target = media / name.removeprefix("files/")
            elif name in (CHECKPOINT_FILE, DEMO_LOGINS_FILE):
                target = data_dir / name
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(unpacked / name, target)
            target.chmod(0o600)
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    # The settings of this process generated fresh keys for the empty data dir; the restored
    # data needs the backed-up ones. Nothing below writes with the generated keys.
    key_dir = Path(settings.KEY_DIR)
    mismatched_env = []
    for name, value in keys.items():
        _write_secret(key_dir / name, value)
        if name in DATA_KEYS:
            attr, env_name = DATA_KEYS[name]
            from_env = os.environ.get(env_name) or os.environ.get(f"{env_name}_FILE")
            if from_env and getattr(settings, attr) != value:
                mismatched_env.append(env_name)

    counts, migrations = _current_state(vendor)
    expected_counts = database.get("tables") or {}
    differing = sorted(
        t for t in set(counts) | set(expected_counts) if counts.get(t) != expected_counts.get(t)
    )
    if differing:
        raise BackupError(
            f"恢复后行数与清单不符：{', '.join(differing[:10])}。数据已写入但不完整，请勿使用；"
            "清空目标后重新恢复"
        )
    if migrations != (database.get("migrations") or {}):
        raise BackupError("恢复后的迁移状态与清单不符。数据已写入但不可信，请勿使用；清空目标后重新恢复")
    _check_migrations(migrations)

    _info(
        f"已恢复备份 {manifest['backup_id']}（创建于 {manifest['created_at']}）："
        f"{len(counts)} 张表、{sum(counts.values())} 行，行数与清单一致；"
        f"{len(manifest['files'])} 个文件的 SHA-256 均已核对"
    )
    _info(f"数据密钥已写入 {key_dir}")
    if mismatched_env:
        _warn(
            "以下环境变量提供的密钥与备份不同，恢复的数据需要备份中的密钥："
            f"{', '.join(mismatched_env)}。请把它们改为 {key_dir} 中的同名文件（例如 NAME_FILE=路径），"
            "然后从密钥目录中删除这些明文文件"
        )
    _info("请在新进程中运行 qinglian manage audit_verify 核验审计链")
    return manifest
