FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext fonts-noto-core fonts-thai-tlwg \
       libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -c requirements/constraints.txt -e . \
    && DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore .venv -v0 \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v0
RUN useradd --create-home portal && mkdir -p /app/media /app/private-media && chown portal /app/media /app/private-media
USER portal
EXPOSE 8000
CMD ["gunicorn", "resilience_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
