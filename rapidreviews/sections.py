"""The rapid review's sections, declared as data: each is a page of the task list, saved on
its own, with its own version for optimistic locking. Which questions a section asks can
depend on other answers (see `rules.visible_fields`)."""

from dataclasses import dataclass

from . import codes


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[str, ...]
    hint: str = ""


RISK_FACTOR_FIELDS = tuple(code for code, _ in codes.RISK_FACTORS)

SECTIONS: tuple[Section, ...] = (
    Section(
        "incident",
        "Incident type as reviewed",
        ("incident_type",),
        "The SIN's reason stays as notified; record here what the review found.",
    ),
    Section(
        "child",
        "Characteristics of the child in focus",
        (
            "sex",
            "age_years",
            "ethnicity",
            "gender_differs",
            "lgbtq",
            "disability",
            "neurodivergent",
            "young_carer",
        ),
        "The Panel asks partnerships to record ethnicity, gender, disability and sexual "
        "identity. Answer 'Not recorded' only when the review does not say.",
    ),
    Section("cause", "Likely cause", ("cause_of_death", "cause_of_harm")),
    Section(
        "csc",
        "Children's social care involvement",
        (
            "family_known_to_csc",
            "child_in_need",
            "child_protection_plan",
            "looked_after",
            "care_order",
        ),
    ),
    Section(
        "needs",
        "Needs of the child",
        (
            "education_status",
            "missing_education",
            "neet",
            "send_support",
            "ehc_plan",
            "speech_language",
            "camhs",
            "youth_offending",
            "mental_health",
            "mental_health_linked",
        ),
    ),
    Section(
        "parents",
        "Parents or relevant adults",
        (
            "young_parent",
            "parent_under_18",
            "parent_care_leaver",
            "parent_disability",
            "parent_mental_health",
            "parent_substance_misuse",
        ),
    ),
    Section(
        "risks",
        "Risk factors and abuse types",
        (
            *RISK_FACTOR_FIELDS,
            "physical_abuse",
            "emotional_abuse",
            "sexual_abuse",
            "child_on_child_abuse",
        ),
    ),
    Section(
        "themes",
        "Learning and practice themes",
        (),
        "For each theme, say whether it features in the review and whether good practice was "
        "identified.",
    ),
    Section(
        "narrative",
        "Narrative",
        ("summary_of_facts", "relevant_information", "reflection", "immediate_action"),
    ),
    Section("decision", "Decision on an LCSPR", ("lcspr_decision", "lcspr_rationale")),
    Section("document", "Full review document", ()),
)

SECTION_BY_KEY = {section.key: section for section in SECTIONS}
