"""What every app's REST API shares (as cla_backend's `core/drf`): the paginator
(`pagination`), the coded-answer field and its schema (`fields`), the reference-data output
serializers (`serializers`), the exception handler that turns domain errors into responses
(`exceptions`) and the query parameters of a FilterSet in the schema (`schema`)."""
