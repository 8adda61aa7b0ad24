"""Serializer fields, and the wording of their messages, shared by the apps' APIs."""

from __future__ import annotations

import inspect
from types import ModuleType

from django.db import models
from django.utils.text import capfirst
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers

from safeguarding.filters import DATE_INVALID, choices_message
from safeguarding.limits import NARRATIVE_MAX_CHARS, too_long_message

__all__ = ["DATE_INVALID", "CodeField", "CodeFieldExtension", "CodeLists", "choices_message"]


class CodeField(serializers.ChoiceField):
    """A machine code from a code list. In the OpenAPI schema each code list is one component
    (`YesNoUnknownEnum`, shared by every question that uses it) rather than one enum per
    question, and "" (unanswered) is `BlankEnum`."""

    def __init__(self, choices, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(choices=list(choices), **kwargs)


class CodeFieldExtension(OpenApiSerializerFieldExtension):
    target_class = CodeField

    def map_serializer_field(self, auto_schema, direction):
        field: CodeField = self.target
        enum = {"enum": list(field.choices), "type": "string"}
        if spectacular_settings.ENUM_GENERATE_CHOICE_DESCRIPTION:
            enum["description"] = build_choice_description_list(field.choices.items())
        refs = [self._component(auto_schema, field.enum_name, enum)]
        if field.allow_blank:
            blank = f"Blank{spectacular_settings.ENUM_SUFFIX}"
            refs.append(self._component(auto_schema, blank, {"enum": [""]}))
        return refs[0] if len(refs) == 1 else {"oneOf": refs}

    @staticmethod
    def _component(auto_schema, name: str, schema: dict) -> dict:
        # Registered as drf-spectacular's enum post-processing registers its own enums (named
        # by a string), so a code list another API also uses (Sex, Reason) is one component.
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class CodeLists:
    """The code lists (`models.Choices` classes) declared in some modules, found by their
    choices, to name a question's enum after its code list. Two lists may be identical, like
    ChildInNeed and YouthOffending."""

    def __init__(self, *modules: ModuleType):
        self.by_choices: dict[tuple, list[type[models.Choices]]] = {}
        for module in modules:
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, models.Choices) and cls.__module__ == module.__name__:
                    self.by_choices.setdefault(tuple(cls.choices), []).append(cls)

    def enum_name(self, field_name: str, choices) -> str:
        """The code list's name (the one named like the question when several are
        identical), or the question's when its choices are not a code list."""
        camel = field_name.title().replace("_", "")
        candidates = self.by_choices.get(tuple(choices), [])
        named = [cls.__name__ for cls in candidates if cls.__name__ == camel]
        return f"{(named or [cls.__name__ for cls in candidates] or [camel])[0]}Enum"


def answer_field_for(
    model_field: models.Field,
    *,
    code_lists: CodeLists,
    invalid_number: str | None = None,
    **kwargs,
) -> serializers.Field:
    """The serializer field for an answer stored in `model_field`, which may be unanswered
    ("" or null): a code from its code list, a whole number or text. Messages name the
    question as the web form does."""
    label = capfirst(str(model_field.verbose_name))
    if model_field.choices:
        return CodeField(
            model_field.choices,
            enum_name=code_lists.enum_name(model_field.name, model_field.choices),
            allow_blank=True,
            help_text=f'{label}. "" when unanswered.',
            error_messages={
                "invalid_choice": choices_message(
                    label, [value for value, _ in model_field.choices]
                )
            },
            **kwargs,
        )
    if isinstance(model_field, models.IntegerField):
        return serializers.IntegerField(
            allow_null=True,
            help_text=f"{label}. null when unanswered.",
            error_messages={"invalid": invalid_number or f"{label} must be a whole number"},
            **kwargs,
        )
    return serializers.CharField(
        allow_blank=True,
        max_length=NARRATIVE_MAX_CHARS,
        help_text=f'{label}. "" when unanswered; at most {NARRATIVE_MAX_CHARS:,} characters.',
        error_messages={"max_length": f"{label}: {too_long_message(NARRATIVE_MAX_CHARS)}"},
        **kwargs,
    )
