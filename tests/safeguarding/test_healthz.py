import pytest


@pytest.mark.django_db
def test_healthz_reports_postgresql_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True, "vendor": "postgresql"},
        "broker": {"ok": True, "kind": "redis"},
    }


@pytest.mark.django_db
def test_healthz_is_unavailable_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert body["database"]["ok"] is True
