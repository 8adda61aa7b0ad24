"""Code lists of the SIN's incident questions (issue 16): where and how the incident happened,
in the wording of DfE's statutory notification form, which the SIN replaces. Values are the
stable machine codes used in the API and imports; labels are what the pages show."""

from django.db import models

from rapidreviews.codes import YesNoUnknown

__all__ = [
    "AGENCIES_MAX_LENGTH",
    "Agency",
    "CriminalProceedings",
    "IncidentLocation",
    "IncidentSetting",
    "YesNoUnknown",
    "agencies_join",
    "agencies_labels",
    "agencies_split",
]


class IncidentLocation(models.TextChoices):
    IN_AREA = "in_area", "In our area"
    ELSEWHERE_ENGLAND = "elsewhere_england", "Elsewhere in England"
    OUTSIDE_ENGLAND = "outside_england", "Outside England"


class IncidentSetting(models.TextChoices):
    HOME = "home", "The child's home"
    OTHER_HOME = "other_home", "Another home"
    SCHOOL = "school", "School or college"
    PLACEMENT = "placement", "Care placement"
    CUSTODY = "custody", "Custody or secure setting"
    HOSPITAL = "hospital", "Hospital"
    PUBLIC_PLACE = "public_place", "Public place"
    ONLINE = "online", "Online"
    OTHER = "other", "Other"


class Agency(models.TextChoices):
    """Agencies involved with the child at the time of the incident (several may be)."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    OTHER = "other", "Other"


class CriminalProceedings(models.TextChoices):
    NONE = "none", "None"
    PLANNED = "planned", "Expected or under consideration"
    UNDER_WAY = "under_way", "Under way"
    CONCLUDED = "concluded", "Concluded"
    UNKNOWN = "unknown", "Unknown"


# Agencies are stored as their codes joined by commas, in the code list's order: a list field
# would be PostgreSQL-only (the development default is SQLite). Long enough for all of them.
AGENCIES_MAX_LENGTH = sum(len(code) + 1 for code in Agency.values)


def agencies_split(stored: str) -> list[str]:
    """The stored agencies as a list of codes ("" is none)."""
    return [code for code in stored.split(",") if code]


def agencies_join(codes: list[str]) -> str:
    """Codes as stored: each once, in the code list's order."""
    chosen = set(codes)
    return ",".join(code for code in Agency.values if code in chosen)


def agencies_labels(stored: str) -> str:
    """ "Police, Health" for the pages and the history ("" when none)."""
    labels = dict(Agency.choices)
    return ", ".join(str(labels.get(code, code)) for code in agencies_split(stored))
