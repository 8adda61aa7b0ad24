"""Code lists shared across apps (DOMAIN.md §2). Values are the stable machine codes; labels
are the Panel annual report's own wording, used verbatim in tables and exports."""

from django.db import models


class RegionCode(models.TextChoices):
    EAST_OF_ENGLAND = "east_of_england", "East of England"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    LONDON = "london", "London"
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    YORKSHIRE_AND_THE_HUMBER = "yorkshire_and_the_humber", "Yorkshire and the Humber"


class EthnicGroup(models.TextChoices):
    WHITE = "white", "White"
    MIXED = "mixed", "Mixed/multiple ethnic groups"
    ASIAN = "asian", "Asian/Asian British"
    BLACK = "black", "Black/African/Caribbean/Black British"
    OTHER = "other", "Other ethnic group"


class Ethnicity(models.TextChoices):
    WHITE_BRITISH = "white_british", "White British"
    IRISH = "irish", "Irish"
    GYPSY_IRISH_TRAVELLER = "gypsy_irish_traveller", "Gypsy or Irish Traveller"
    OTHER_WHITE = "other_white", "Any other white background"
    WHITE_BLACK_CARIBBEAN = "white_black_caribbean", "White and Black Caribbean"
    WHITE_BLACK_AFRICAN = "white_black_african", "White and Black African"
    WHITE_ASIAN = "white_asian", "White and Asian"
    OTHER_MIXED = "other_mixed", "Any other mixed/multiple ethnic background"
    INDIAN = "indian", "Indian"
    PAKISTANI = "pakistani", "Pakistani"
    BANGLADESHI = "bangladeshi", "Bangladeshi"
    CHINESE = "chinese", "Chinese"
    OTHER_ASIAN = "other_asian", "Any other Asian background"
    AFRICAN = "african", "African"
    CARIBBEAN = "caribbean", "Caribbean"
    OTHER_BLACK = "other_black", "Any other Black/African/Caribbean background"
    ARAB = "arab", "Arab"
    OTHER_ETHNIC = "other_ethnic", "Any other ethnic group"
    UNKNOWN = "unknown", "Unknown"


ETHNIC_GROUP_OF: dict[str, str] = {
    **dict.fromkeys(
        ["white_british", "irish", "gypsy_irish_traveller", "other_white"], EthnicGroup.WHITE
    ),
    **dict.fromkeys(
        ["white_black_caribbean", "white_black_african", "white_asian", "other_mixed"],
        EthnicGroup.MIXED,
    ),
    **dict.fromkeys(
        ["indian", "pakistani", "bangladeshi", "chinese", "other_asian"], EthnicGroup.ASIAN
    ),
    **dict.fromkeys(["african", "caribbean", "other_black"], EthnicGroup.BLACK),
    **dict.fromkeys(["arab", "other_ethnic"], EthnicGroup.OTHER),
}


class Role(models.TextChoices):
    LA_USER = "la_user", "Local authority user"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    PANEL_MEMBER = "panel_member", "Panel member"
    PANEL_SECRETARIAT = "panel_secretariat", "Panel secretariat"
    ADMINISTRATOR = "administrator", "Administrator"
    DFE_VIEWER = "dfe_viewer", "Department for Education viewer"
    OFSTED_VIEWER = "ofsted_viewer", "Ofsted viewer"


# Roles that work across England rather than for one authority or partnership.
NATIONAL_ROLES = frozenset({Role.PANEL_MEMBER, Role.PANEL_SECRETARIAT, Role.ADMINISTRATOR})
PANEL_ORGANISATION_NAME = "Child Safeguarding Practice Review Panel"

# The regulators' read-only roles: every submitted SIN in England, and a rapid review only
# once the Panel shares it with them (scoping.sees_submitted_england). NOT national roles:
# those read everything.
REGULATOR_ROLES = frozenset({Role.DFE_VIEWER, Role.OFSTED_VIEWER})
REGULATOR_ORGANISATION_NAMES = {
    Role.DFE_VIEWER: "Department for Education",
    Role.OFSTED_VIEWER: "Ofsted",
}
# The roles whose people belong to no local authority or partnership.
ROLES_WITHOUT_ORGANISATION = NATIONAL_ROLES | REGULATOR_ROLES


class Reason(models.TextChoices):
    """Reason for notification (SIN) and incident type as reviewed (rapid review)."""

    DEATH = "death", "Death"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    OTHER = "other", "Other"


# Death before serious harm before other: the order that picks the child in focus.
HARM_SEVERITY = {Reason.DEATH: 0, Reason.SERIOUS_HARM: 1, Reason.OTHER: 2}


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"


# --- A child's characteristics and children's social care (DOMAIN.md §4): answered per child
# on the SIN (notifications) and for the child in focus in the rapid review (rapidreviews).


class YesNoNotRecorded(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_RECORDED = "not_recorded", "Not recorded"


class ChildInNeed(models.TextChoices):
    AT_TIME = "at_time", "Yes – at time of the incident"
    PREVIOUS = "previous", "Yes – previously"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class ChildProtectionPlan(models.TextChoices):
    ON_PLAN = "on_plan", "Yes – on CPP"
    PREVIOUS = "previous", "Yes – previously on CPP"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class LookedAfter(models.TextChoices):
    FOSTER = "foster", "Yes – child in foster care"
    OTHER_RESIDENTIAL = "other_residential", "Yes – child in other residential setting"
    RESIDENTIAL_HOME = "residential_home", "Yes – child in residential home"
    PREVIOUS = "previous", "Previously looked after"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class CareOrder(models.TextChoices):
    PROCEEDINGS = "proceedings", "Yes – currently subject to care proceedings"
    EMERGENCY_INTERIM = "emergency_interim", "Yes – emergency or interim protection order"
    PERMANENT = "permanent", "Yes – permanent care order"
    OTHER = "other", "Yes – other order"
    PREVIOUS = "previous", "Yes – previously subject to care order"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


def ethnicity_grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The 18 Census categories under their 5 groups, then "Unknown" (for an <optgroup> select)."""
    groups: dict[str, list[tuple[str, str]]] = {group.label: [] for group in EthnicGroup}
    for code, label in Ethnicity.choices:
        if code in ETHNIC_GROUP_OF:
            groups[EthnicGroup(ETHNIC_GROUP_OF[code]).label].append((code, label))
    return [*groups.items(), ("Not known", [(Ethnicity.UNKNOWN.value, Ethnicity.UNKNOWN.label)])]
