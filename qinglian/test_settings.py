"""Settings for the test suite: the production settings with a throwaway data dir per process."""

import os
import tempfile

os.environ.setdefault("QINGLIAN_TESTING", "true")
os.environ["QINGLIAN_DATA_DIR"] = tempfile.mkdtemp(prefix="qinglian-test-")

from qinglian.settings import *  # noqa: E402,F403
