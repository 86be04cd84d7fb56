"""Settings for the test suite: the production settings with a throwaway data dir per process."""

import os
import tempfile

os.environ.setdefault("QINGLIAN_TESTING", "true")
os.environ["QINGLIAN_DATA_DIR"] = tempfile.mkdtemp(prefix="qinglian-test-")

from qinglian.settings import *  # noqa: E402,F403

# SQLite's test database is a file (on tmpfs where there is one), not Django's shared in-memory
# database. With an in-memory database the live server hands the test thread's one connection to
# every request thread, so two requests in flight at once (a page and its htmx call, say) share a
# transaction: "no such savepoint" or a row missing from a request's point of view. With a file,
# every thread has its own connection and SQLite's locks order them, as in production.
_db = DATABASES["default"]  # noqa: F405
if _db["ENGINE"] == "django.db.backends.sqlite3" and not _db["TEST"].get("NAME"):
    _shm = "/dev/shm"  # noqa: S108 (mkdtemp below makes a private, randomly named directory)
    _dir = tempfile.mkdtemp(prefix="qinglian-test-db-", dir=_shm if os.access(_shm, os.W_OK) else None)
    _db["TEST"]["NAME"] = os.path.join(_dir, "test.sqlite3")
