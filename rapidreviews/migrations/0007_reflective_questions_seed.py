"""The reflective questions shown beside cases that fall within the annual report's spotlight
themes (rapidreviews.reflection). Written in our own words from the findings of chapters 4,
5 and 6 of the Panel's annual report 2023 to 2024, not copied from it (a test compares them
with the report's text); each names the paragraph it draws on. Administrators change them in
the admin afterwards; reversing this migration removes only questions still as seeded."""

from django.db import migrations

PRACTITIONERS, MANAGERS, LEADERS = "practitioners", "managers", "leaders"

# theme: [(audience, source paragraph, question)], in the order shown for each audience.
QUESTIONS = {
    "child_mental_health": [
        (
            PRACTITIONERS,
            "4.6",
            "Is it clear whether the child's mental health condition was ever formally "
            "diagnosed, and do the records say so accurately?",
        ),
        (
            PRACTITIONERS,
            "4.25",
            "Did the safety plan say what would happen, and who would act, if the child's "
            "mental health got worse quickly?",
        ),
        (
            PRACTITIONERS,
            "4.34",
            "When the child missed appointments or asked to stop seeing a service, did anyone "
            "find out why?",
        ),
        (
            MANAGERS,
            "4.37",
            "After a referral for mental health support, who checked that it arrived and that "
            "help actually started?",
        ),
        (
            MANAGERS,
            "4.35",
            "Did changes of worker, or a missing handover, leave gaps in what was known about "
            "the child?",
        ),
        (
            MANAGERS,
            "4.31",
            "Were staff clear about the child's capacity to agree to each decision, rather "
            "than going by their age alone?",
        ),
        (
            LEADERS,
            "4.38",
            "How many CAMHS referrals are turned down in your area, for what reasons, and what "
            "happens to those children next?",
        ),
        (
            LEADERS,
            "4.44",
            "What help can children and their families get locally while they wait for a "
            "mental health assessment or service?",
        ),
        (
            LEADERS,
            "4.41",
            "How do children's and adult services plan together for a young person with "
            "mental health needs who is about to turn 18?",
        ),
    ],
    "parent_mental_health": [
        (
            PRACTITIONERS,
            "5.25",
            "What is an ordinary day like for this young child when the adult caring for them "
            "is struggling with their mental health?",
        ),
        (
            PRACTITIONERS,
            "5.26",
            "Did the assessment draw on the family's history, including the parent's past "
            "mental health and what was known from the care of older children?",
        ),
        (
            PRACTITIONERS,
            "5.29",
            "Did judgements rest on the parent's own account of how they were coping, or was "
            "it checked with others who knew the family?",
        ),
        (
            MANAGERS,
            "5.30",
            "When a parent did not take up support for their mental health, was the risk to "
            "the child weighed before the case was closed?",
        ),
        (
            MANAGERS,
            "5.40",
            "Did practitioners have reflective supervision to think this family through, and "
            "were worries about the parent's care escalated?",
        ),
        (
            MANAGERS,
            "5.33",
            "Were the men around the child, including a father living elsewhere, known to "
            "services and their mental health considered?",
        ),
        (
            LEADERS,
            "5.36",
            "Can GPs, health visitors, maternity and mental health teams share what they know "
            "about a parent, even when relatives use different GP practices?",
        ),
        (
            LEADERS,
            "5.39",
            "How well do adult mental health services and children's services plan together "
            "for families with very young children?",
        ),
        (
            LEADERS,
            "5.38",
            "Do nurseries, childminders and other early years settings hear what they need to "
            "know to protect the children they look after?",
        ),
    ],
    "extrafamilial_harm": [
        (
            PRACTITIONERS,
            "6.26",
            "Were early warning signs of harm outside the home, such as going missing, "
            "spotted and acted on?",
        ),
        (
            PRACTITIONERS,
            "6.28",
            "Was the child seen first as a child, or were their behaviour and choices used to "
            "explain away the risks?",
        ),
        (
            PRACTITIONERS,
            "6.32",
            "Was the child's neurodiversity or learning need understood, and did it shape how "
            "workers talked and listened to them?",
        ),
        (
            MANAGERS,
            "6.41",
            "Do staff working with exploitation get debriefs and supervision, including joint "
            "sessions with other agencies?",
        ),
        (
            MANAGERS,
            "6.44",
            "Were screening tools for exploitation used each time, and assessments finished "
            "without delay?",
        ),
        (
            MANAGERS,
            "6.48",
            "When the child moved to another area, who made sure services there knew and took "
            "over the support?",
        ),
        (
            LEADERS,
            "6.43",
            "Is it clear which services can help a child at risk outside the home who does "
            "not meet a specialist team's threshold?",
        ),
        (
            LEADERS,
            "6.45",
            "How does the partnership find out whether its work to reduce exploitation "
            "actually keeps children safer?",
        ),
        (
            LEADERS,
            "6.51",
            "Is the partnership making the places where children spend time safer, and not "
            "only trying to change the child's behaviour?",
        ),
    ],
}


def seed(apps, schema_editor):
    ReflectiveQuestion = apps.get_model("rapidreviews", "ReflectiveQuestion")
    orders: dict[tuple[str, str], int] = {}
    rows = []
    for theme, questions in QUESTIONS.items():
        for audience, paragraph, text in questions:
            order = orders[theme, audience] = orders.get((theme, audience), 0) + 1
            rows.append(
                ReflectiveQuestion(
                    theme=theme,
                    audience=audience,
                    text=text,
                    source_paragraph=paragraph,
                    order=order,
                    active=True,
                )
            )
    ReflectiveQuestion.objects.bulk_create(rows)


def unseed(apps, schema_editor):
    ReflectiveQuestion = apps.get_model("rapidreviews", "ReflectiveQuestion")
    for theme, questions in QUESTIONS.items():
        for audience, _paragraph, text in questions:
            ReflectiveQuestion.objects.filter(theme=theme, audience=audience, text=text).delete()


class Migration(migrations.Migration):
    dependencies = [("rapidreviews", "0006_reflective_questions")]

    operations = [migrations.RunPython(seed, unseed)]
