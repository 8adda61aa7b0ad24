"""Dates the GOV.UK way: "22 November 2026" (https://www.gov.uk/guidance/style-guide/a-to-z#dates)."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"]
