"""The `qinglian` console command.

    qinglian demo [--port N] [--data-dir DIR] [--no-serve]
    qinglian serve [--host H] [--port N] [--workers N]
    qinglian worker | scheduler
    qinglian manage <django command> ...
    qinglian backup --out FILE | restore FILE

Every subcommand honours --data-dir DIR and QINGLIAN_DATA_DIR (the embedded database, keys,
uploaded files and audit checkpoints).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path


def _setup(data_dir: str | None, *, demo: bool = False) -> None:
    if data_dir:
        os.environ["QINGLIAN_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    if demo:
        os.environ["QINGLIAN_DEMO"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")
    Path(os.environ.get("QINGLIAN_DATA_DIR", "var")).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _child(*args: str) -> subprocess.Popen:
    """Run another `qinglian` subcommand with the same environment (worker, scheduler, server)."""
    return subprocess.Popen([sys.executable, "-m", "qinglian.cli", *args], env=os.environ.copy())  # noqa: S603


def _granian(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-ws",
        "qinglian.wsgi:application",
    ]


def _supervise(processes: list[subprocess.Popen]) -> int:
    def stop(*_):
        for p in processes:
            if p.poll() is None:
                p.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while True:
            for p in processes:
                code = p.poll()
                if code is not None:
                    stop()
                    for q in processes:
                        q.wait(timeout=30)
                    return code
            try:
                processes[0].wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    finally:
        stop()


def cmd_demo(args) -> int:
    data_dir = Path(args.data_dir or os.environ.get("QINGLIAN_DATA_DIR") or "var/demo").expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    _setup(str(data_dir), demo=True)
    _manage("migrate", "--no-input", "-v", "0")
    _manage("demo_load", "--data-dir", str(data_dir))
    logins = json.loads((data_dir / "demo-logins.json").read_text())
    print("\n清廉 Qinglian 演示 / demo")
    print(f"  数据目录 data dir: {data_dir}")
    print(f"  地址 URL: http://127.0.0.1:{args.port}/")
    print("  演示账号 demo logins (role / username / password):")
    for u in logins["users"]:
        print(f"    {u['role']:<24} {u['username']:<22} {u['password']}")
    print(f"  API token ({logins['api_user']}): {logins['api_token']}")
    print(f"  (也已写入 also written to {data_dir / 'demo-logins.json'})\n", flush=True)
    if args.no_serve:
        return 0
    processes = [
        subprocess.Popen(_granian("127.0.0.1", args.port, 1), env=os.environ.copy()),  # noqa: S603
        _child("worker"),
        _child("scheduler"),
    ]
    return _supervise(processes)


def static_fingerprint() -> str:
    """A digest of every static source file (path, size, mtime) as the finders see them: when it
    matches the stamp left by the last collectstatic, the collected (and compressed) copy is current."""
    import hashlib

    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static_if_changed() -> bool:
    """Run collectstatic only when the sources changed since the last run (it takes ~30 s: whitenoise
    compresses every file). Returns whether it ran."""
    from django.conf import settings

    stamp = Path(settings.STATIC_ROOT) / ".qinglian-static-stamp"
    current = static_fingerprint()
    if stamp.exists() and stamp.read_text() == current:
        return False
    _manage("collectstatic", "--no-input", "-v", "0")
    stamp.write_text(current)
    return True


def cmd_serve(args) -> int:
    _setup(args.data_dir)
    from django.conf import settings

    if not settings.DEMO_MODE:
        collect_static_if_changed()
    os.execv(sys.executable, _granian(args.host, args.port, args.workers))  # noqa: S606
    return 0


def cmd_worker(args) -> int:
    _setup(args.data_dir)
    # Background work yields the CPU to the web server on a shared machine: a burst of public
    # submissions is answered first and its cleaning drains afterwards (docs/benchmarks.md).
    from qinglian.env import env_int

    niceness = env_int("QINGLIAN_WORKER_NICE", 10, minimum=0, maximum=19)
    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
    _manage("db_worker", "--interval", "2")
    return 0


def cmd_scheduler(args) -> int:
    _setup(args.data_dir)
    from qinglian.scheduling import run_scheduler

    run_scheduler()
    return 0


def cmd_manage(args) -> int:
    _setup(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["qinglian manage", *args.rest])
    return 0


def cmd_backup(args) -> int:
    _setup(args.data_dir)
    from qinglian.backup import BackupError, backup

    try:
        path = backup(Path(args.out))
    except BackupError as exc:
        print(f"备份失败 backup failed: {exc}", file=sys.stderr)
        return 2
    print(f"备份已写入 backup written: {path}")
    return 0


def cmd_restore(args) -> int:
    _setup(args.data_dir)
    from qinglian.backup import BackupError, restore

    try:
        restore(Path(args.file), keys_file=Path(args.keys) if args.keys else None)
    except BackupError as exc:
        print(f"恢复失败 restore failed: {exc}", file=sys.stderr)
        return 2
    print("恢复完成 restore complete")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qinglian", description="清廉 Qinglian 大监督平台")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="数据目录（默认 QINGLIAN_DATA_DIR 或 ./var）")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", parents=[common], help="创建演示库并启动（127.0.0.1）")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", parents=[common], help="生产服务（granian）")
    serve.add_argument("--host", default=os.environ.get("QINGLIAN_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("QINGLIAN_PORT", "8000")))
    serve.add_argument("--workers", type=int, default=int(os.environ.get("QINGLIAN_WEB_WORKERS", "2")))
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("worker", parents=[common], help="后台任务进程").set_defaults(func=cmd_worker)
    sub.add_parser("scheduler", parents=[common], help="定时任务调度进程").set_defaults(func=cmd_scheduler)

    manage = sub.add_parser("manage", parents=[common], help="Django 管理命令", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    b = sub.add_parser("backup", parents=[common], help="加密备份数据库与文件")
    b.add_argument("--out", required=True, help="备份文件路径")
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", parents=[common], help="从备份恢复到空的数据目录或数据库")
    r.add_argument("file")
    r.add_argument("--keys", help="数据密钥文件（默认为备份文件旁的 FILE.keys）")
    r.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
