"""The rapid review's code lists (DOMAIN.md §4). Values are the stable machine codes; labels
are the Panel annual report's wording, used verbatim in tables and exports."""

from django.db import models

# The child's disability and children's social care codes are also the SIN's, per child
# (notifications.models.NotificationChild): defined once, in safeguarding.codes.
from safeguarding.codes import (  # noqa: F401 (re-exported)
    CareOrder,
    ChildInNeed,
    ChildProtectionPlan,
    LookedAfter,
    YesNoNotRecorded,
)


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class YesNoUnclear(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNCLEAR = "unclear", "Unclear"


class AgeGroup(models.TextChoices):
    UNDER_1 = "under_1", "Under 1"
    AGE_1_5 = "1_5", "1-5"
    AGE_6_10 = "6_10", "6-10"
    AGE_11_15 = "11_15", "11-15"
    AGE_16_17 = "16_17", "16 and 17"


def age_group(age_years: int) -> AgeGroup:
    if age_years < 1:
        return AgeGroup.UNDER_1
    if age_years <= 5:
        return AgeGroup.AGE_1_5
    if age_years <= 10:
        return AgeGroup.AGE_6_10
    if age_years <= 15:
        return AgeGroup.AGE_11_15
    return AgeGroup.AGE_16_17


class MentalHealth(models.TextChoices):
    DIAGNOSED = "diagnosed", "Diagnosed"
    UNDIAGNOSED = "undiagnosed", "Undiagnosed"
    BOTH = "both", "Both diagnosed and undiagnosed"
    UNKNOWN_IF_DIAGNOSED = "unknown_if_diagnosed", "Unknown if diagnosed"
    NONE = "none", "None"
    NOT_RECORDED = "not_recorded", "Not recorded"


class YoungCarer(models.TextChoices):
    RECOGNISED = "recognised", "Yes – recognised by the local authority"
    REPORTED = "reported", "Yes – reported"
    NO = "no", "No"


class CauseOfDeath(models.TextChoices):
    ACCIDENT_INJURY = "accident_injury", "Accident/injury"
    HOMICIDE_INTRAFAMILIAL = "homicide_intrafamilial", "Child homicide – intrafamilial"
    HOMICIDE_EXTRAFAMILIAL = "homicide_extrafamilial", "Child homicide – extrafamilial"
    OVERT_HOMICIDE_CAREGIVER = (
        "overt_homicide_caregiver",
        "Overt child homicide by primary caregiver",
    )
    COVERT_HOMICIDE_CAREGIVER = (
        "covert_homicide_caregiver",
        "Covert child homicide by primary caregiver",
    )
    SELF_HARM = "self_harm", "Death following self-harm"
    EXTREME_NEGLECT = "extreme_neglect", "Death from extreme neglect"
    FABRICATED_INDUCED_ILLNESS = "fabricated_induced_illness", "Fabricated/induced illness"
    FATAL_ASSAULT_INTRAFAMILIAL = "fatal_assault_intrafamilial", "Fatal assaults – intrafamilial"
    FATAL_ASSAULT_EXTRAFAMILIAL = "fatal_assault_extrafamilial", "Fatal assaults – extrafamilial"
    MEDICAL = "medical", "Medical"
    RISK_TAKING = "risk_taking", "Risk taking behaviour"
    PERSISTENT_CRUELTY = "persistent_cruelty", "Severe, persistent child cruelty"
    SUICIDE = "suicide", "Suicide"
    UNCLEAR = "unclear", "Unclear"
    SUDI_SUDC = "sudi_sudc", "Unexplained SUDI/SUDC"


class CauseOfHarm(models.TextChoices):
    ACCIDENT_INJURY = "accident_injury", "Accident/injury"
    ATTEMPTED_SUICIDE = "attempted_suicide", "Attempted suicide"
    CCE = "cce", "Child criminal exploitation"
    CSA_INTRAFAMILIAL = "csa_intrafamilial", "Child sexual abuse – intrafamilial"
    CSA_EXTRAFAMILIAL = "csa_extrafamilial", "Child sexual abuse – extrafamilial"
    CSE = "cse", "Child sexual exploitation"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    FABRICATED_INDUCED_ILLNESS = "fabricated_induced_illness", "Fabricated/induced illness"
    MEDICAL = "medical", "Medical cause"
    ASSAULT_INTRAFAMILIAL = "assault_intrafamilial", "Non-fatal assaults – intrafamilial"
    ASSAULT_EXTRAFAMILIAL = "assault_extrafamilial", "Non-fatal assaults – extrafamilial"
    NEGLECT = "neglect", "Non-fatal neglect"
    OTHER_NON_FATAL = "other_non_fatal", "Other non-fatal incident"
    RISK_TAKING = "risk_taking", "Risk taking behaviour"
    SELF_HARM = "self_harm", "Self-harm"
    PERSISTENT_CRUELTY = "persistent_cruelty", "Severe, persistent child cruelty"
    UNCLEAR = "unclear", "Unclear"


class FamilyKnownToCsc(models.TextChoices):
    CURRENT = "current", "Yes – current open case"
    PREVIOUS = "previous", "Yes – previous known"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class EducationStatus(models.TextChoices):
    MAINSTREAM = "mainstream", "Child enrolled at a mainstream school"
    SEN_BEN = "sen_ben", "Child enrolled at a SEN/ BEN establishment"
    ALTERNATIVE_PROVISION = "alternative_provision", "Child enrolled in alternative provision"
    NOT_ENROLLED = (
        "not_enrolled_no_education",
        "Not enrolled at a school and not receiving an education",
    )
    ELECTIVE_HOME_EDUCATION = (
        "elective_home_education",
        "Not enrolled at a school and receiving elective home education",
    )
    POST16_EET = "post16_eet", "6th form/college/EET"
    NURSERY = "nursery", "Nursery"
    UNKNOWN = "unknown", "Unknown"


class MissingEducation(models.TextChoices):
    REGULAR_ABSENCE = "regular_absence", "Yes – regular absences/ poor attendance"
    EXCLUDED = "excluded", "Yes – permanently excluded"
    OTHER = "other", "Yes – other"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class EhcPlan(models.TextChoices):
    IN_PLACE = "in_place", "Yes – EHC plan in place"
    PREVIOUS = "previous", "Child previously on EHC plan"
    BEING_ASSESSED = "being_assessed", "Child being assessed for EHC plan"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class SpeechLanguage(models.TextChoices):
    RECEIVING = "receiving", "Yes – receiving support"
    NOT_RECEIVING = "not_receiving", "Yes – not receiving support"
    SUPPORT_UNKNOWN = "support_unknown", "Yes – unknown if support being provided"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class Camhs(models.TextChoices):
    WAITING_LIST = "waiting_list", "Yes – on a waiting list"
    OPEN_CASE = "open_case", "Yes – open case"
    PREVIOUS = "previous", "Yes – previously"
    REFERRAL_MADE = "referral_made", "Yes – referral made"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class YouthOffending(models.TextChoices):
    AT_TIME = "at_time", "Yes – at time of the incident"
    PREVIOUS = "previous", "Yes – previously"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class SubstanceMisuse(models.TextChoices):
    ALCOHOL = "alcohol", "Yes – alcohol"
    SUBSTANCES = "substances", "Yes – substances"
    BOTH = "both", "Yes – alcohol and substances"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class AbuseContext(models.TextChoices):
    EXTRAFAMILIAL = "extrafamilial", "Yes – extrafamilial"
    INTRAFAMILIAL = "intrafamilial", "Yes – intrafamilial"
    BOTH = "both", "Yes – both"
    CONTEXT_UNKNOWN = "context_unknown", "Yes – unknown"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class ChildOnChildAbuse(models.TextChoices):
    EXTRAFAMILIAL = "extrafamilial", "Yes – extrafamilial"
    INTRAFAMILIAL = "intrafamilial", "Yes – intrafamilial"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class LearningTheme(models.TextChoices):
    COORDINATION = "coordination", "Lack of co-ordination or handover between services"
    CURIOSITY = (
        "curiosity",
        "Lack of professional curiosity or failure to ask the second question",
    )
    RISK_ASSESSMENT = "risk_assessment", "Weak risk assessment and decision-making"
    VOICE_OF_CHILD = "voice_of_child", "Not listening to and understanding children's voices"
    ESCALATION = "escalation", "Poor escalation of concerns"
    THRESHOLDS = "thresholds", "Thresholds"
    EARLY_HELP = "early_help", "Early help"
    RACE_ETHNICITY_CULTURE = "race_ethnicity_culture", "Race, ethnicity and culture"
    EDUCATION = "education", "Education"
    CROSS_BOUNDARY = "cross_boundary", "Cross-boundary working"


CORE_THEMES = (
    LearningTheme.COORDINATION,
    LearningTheme.CURIOSITY,
    LearningTheme.RISK_ASSESSMENT,
    LearningTheme.VOICE_OF_CHILD,
    LearningTheme.ESCALATION,
)


class LcsprDecision(models.TextChoices):
    LCSPR = "lcspr", "LCSPR needed"
    NO_LCSPR = "no_lcspr", "LCSPR not needed"


# Yes/no/unknown risk factors (Table D).
RISK_FACTORS = (
    ("neglect", "Neglect"),
    ("housing_issues", "Housing issues"),
    ("financial_hardship", "Financial hardship"),
    ("domestic_abuse", "Domestic abuse"),
    ("intergenerational_abuse", "History of intergenerational abuse"),
    ("hidden_men", "Hidden men"),
    ("gang_youth_violence", "Gang-related and/or youth violence"),
    ("cce", "Child criminal exploitation"),
    ("victim_offender_overlap", "Victim/offender overlap"),
    ("bullying", "Bullying"),
    ("online_harm", "Online harm"),
    ("repeat_missing", "Repeat missing episodes"),
)


class SpotlightTheme(models.TextChoices):
    """The spotlight themes of the Panel's annual report 2023 to 2024 (chapters 4 to 6), each
    with the cohort of Appendix F that says which cases it concerns
    (rapidreviews.reflection.THEME_COHORTS)."""

    CHILD_MENTAL_HEALTH = "child_mental_health", "Child mental health"
    PARENT_MENTAL_HEALTH = (
        "parent_mental_health",
        "Parental mental health of pre-school children",
    )
    EXTRAFAMILIAL_HARM = "extrafamilial_harm", "Extrafamilial harm"


class ReflectionAudience(models.TextChoices):
    """Who a reflective question is for, in the order the pages show them."""

    PRACTITIONERS = "practitioners", "Practitioners"
    MANAGERS = "managers", "Managers"
    LEADERS = "leaders", "Leaders"
