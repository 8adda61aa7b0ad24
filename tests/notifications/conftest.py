import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safeguarding.codes import Role


@pytest.fixture
def on_10_june_2024():
    """The clock held at 10:00 on Monday 10 June 2024 (London), the day the API and limits
    tests date their incidents from."""
    moment = dt.datetime(2024, 6, 10, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def leeds_user(make_user, leeds):
    """A local authority user of Leeds."""
    return make_user(Role.LA_USER, local_authority=leeds)
