"""Dates in sentences, the GOV.UK way: "24 May 2024"."""

from datetime import date


def long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"
