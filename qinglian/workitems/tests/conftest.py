import pytest

from qinglian.core import workdays


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Tests publish holiday schedules inside rolled-back transactions: never let the cached
    calendar outlive the test."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()
