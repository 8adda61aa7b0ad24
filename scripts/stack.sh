#!/usr/bin/env bash
# The production-shaped processes of docker-compose.yml without Docker: gunicorn, a Celery
# worker and Celery beat (Procfile, run by honcho), with ENVIRONMENT=production. Called by
# `make stack` through scripts/services.py, which provides DATABASE_URL and REDIS_URL.
# WORKERS=2 starts two workers (worker.1 and worker.2, each named after its honcho process) that
# share the queue: honcho's output shows which one ran each task.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p .stack
[ -s .stack/secret_key ] || python -c 'import secrets; print(secrets.token_urlsafe(50))' > .stack/secret_key
[ -s .stack/field_encryption_key ] || python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > .stack/field_encryption_key
export ENVIRONMENT=production DEBUG=0
export SECRET_KEY="${SECRET_KEY:-$(cat .stack/secret_key)}"
export FIELD_ENCRYPTION_KEYS="${FIELD_ENCRYPTION_KEYS:-$(cat .stack/field_encryption_key)}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export HTTPS_ONLY="${HTTPS_ONLY:-0}"   # plain http on loopback; put TLS in front in production
export SITE_URL="${SITE_URL:-http://${WEB_BIND:-127.0.0.1:8000}}"   # the address in e-mails' links
export EMAIL_BACKEND="${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend}"
export MEDIA_ROOT="${MEDIA_ROOT:-$PWD/.stack/media}"
python manage.py collectstatic --noinput -v0
python manage.py migrate --noinput
python manage.py load_reference_data
echo "Stack: web on http://${WEB_BIND:-127.0.0.1:8000}/, database ${DATABASE_URL%%@*}@…, broker ${REDIS_URL}, ${WORKERS:-1} worker(s)"
exec honcho start -f Procfile -c "worker=${WORKERS:-1}"
