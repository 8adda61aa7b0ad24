"""The service's `date` filter writes what Django's writes."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template, defaultfilters
from django.utils import timezone, translation

from safeguarding.templatetags.fast_dates import date as fast_date

LONDON = zoneinfo.ZoneInfo("Europe/London")
VALUES = [
    datetime.date(2024, 1, 1),
    datetime.date(2025, 9, 30),
    datetime.date(1999, 12, 9),
    datetime.datetime(2024, 6, 5, 7, 3, tzinfo=LONDON),
    datetime.datetime(2024, 3, 31, 23, 59, 59),
    None,
    "",
    "not a date",
]
FORMATS = [None, "j M Y", "j F Y", "j M Y, H:i", "j F Y, H:i", "D j M", "Y-m-d"]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("arg", FORMATS)
def test_the_filter_writes_what_djangos_writes(value, arg):
    with translation.override("en-gb"):
        assert outcome(fast_date, value, arg) == outcome(defaultfilters.date, value, arg)


def outcome(date_filter, value, arg):
    """What the filter writes, or the error it raises (a time format on a date)."""
    try:
        return date_filter(value, arg)
    except TypeError as exc:
        return repr(exc)


def test_it_is_the_date_filter_in_templates_and_keeps_local_time():
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST): the template shows local time.
    moment = datetime.datetime(2024, 6, 30, 23, 30, tzinfo=datetime.UTC)
    with timezone.override(LONDON):
        template = Template('{{ at|date:"j F Y, H:i" }} / {{ at|date }}')
        html = template.render(Context({"at": moment}))
    assert html == "1 July 2024, 00:30 / 1 July 2024"


def test_another_language_gets_djangos_filter():
    with translation.override("fr"):
        assert fast_date(datetime.date(2024, 2, 1), "j F Y") == "1 février 2024"
