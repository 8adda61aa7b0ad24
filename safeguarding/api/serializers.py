"""Output serializers for the reference data that many records point to."""

from rest_framework import serializers

from safeguarding.models import LocalAuthority, Partnership


class LocalAuthorityOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalAuthority
        fields = ["ons_code", "name"]


class PartnershipOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["code", "name"]


class AlignedErrorsListSerializer(serializers.ListSerializer):
    """A list's errors as a list aligned with its items ({} for an item without problems),
    rather than DRF's {index: errors}: the shape the services give for their rules (a SIN's
    children), so clients handle one format."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            by_index = exc.detail
            if (
                isinstance(data, list)
                and isinstance(by_index, dict)
                and all(isinstance(key, int) for key in by_index)
            ):
                raise serializers.ValidationError(
                    [by_index.get(index, {}) for index in range(len(data))]
                ) from exc
            raise


class NeverPartialSerializer(serializers.Serializer):
    """A request body whose required fields stay required in a PATCH (drf-spectacular marks a
    PATCH body partial otherwise, and DRF would let them be left out)."""

    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass
