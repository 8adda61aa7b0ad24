"""The API's JSON parser, with limits: a body over settings.API_MAX_BODY_BYTES is refused (413)
without reading more than the limit, and JSON nested deeper than settings.API_JSON_MAX_DEPTH
is refused (400), including JSON so deep that the decoder gives up (RecursionError), so that
neither the parser nor the serializers after it can be made to exhaust the worker."""

from __future__ import annotations

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings
from rest_framework.utils import json


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def depth_over(data: object, limit: int) -> bool:
    """Whether lists and objects nest deeper than `limit` (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(
                f"The request body is too large: the most the API accepts is {limit:,} bytes"
            )
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        maximum = settings.API_JSON_MAX_DEPTH
        too_deep = f"JSON parse error - the JSON is nested more than {maximum} levels deep"
        try:
            text = raw.decode(encoding)
            parse_constant = json.strict_constant if api_settings.STRICT_JSON else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:
            raise ParseError(too_deep) from exc
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
            raise ParseError(f"JSON parse error - {exc}") from exc
        if depth_over(data, maximum):
            raise ParseError(too_deep)
        return data
