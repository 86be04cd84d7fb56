"""`qinglian serve` collects static files only when their sources changed."""

from __future__ import annotations

import os

from qinglian import cli


def test_collectstatic_runs_again_only_after_a_source_changes(tmp_path, settings):
    source = tmp_path / "src"
    source.mkdir()
    (source / "extra.css").write_text("body{}")
    settings.STATIC_ROOT = str(tmp_path / "collected")
    settings.STATICFILES_DIRS = [str(source)]

    assert cli.collect_static_if_changed() is True
    assert (tmp_path / "collected" / "extra.css").exists()
    assert cli.collect_static_if_changed() is False

    (source / "extra.css").write_text("body{color:red}")
    os.utime(source / "extra.css", ns=(1, 2_000_000_000_000_000_000))
    assert cli.collect_static_if_changed() is True
    assert (tmp_path / "collected" / "extra.css").read_text() == "body{color:red}"
