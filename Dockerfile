# Pressroom in a container: python -m bot as a non-root user, the database and its backups in
# the /data volume, /healthz as the health check. See compose.yaml and README.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/pressroom.sqlite3 \
    BACKUP_DIR=/data/backups \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9100

RUN groupadd --system --gid 10001 pressroom \
    && useradd --system --uid 10001 --gid pressroom --home-dir /app --shell /usr/sbin/nologin pressroom \
    && mkdir -p /data \
    && chown pressroom:pressroom /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install . && rm -rf build ./*.egg-info

USER pressroom
VOLUME ["/data"]
EXPOSE 9100
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('METRICS_PORT', '9100') + '/healthz', timeout=8)"]
CMD ["python", "-m", "bot"]
