# The portal's image, configured only through environment variables. Its command runs the web
# app (gunicorn + WhiteNoise); docker-compose.yml's worker service runs `manage.py worker` in it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The locked runtime dependencies, hash-checked: what CI tested is what runs (requirements/).
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt
COPY . .
# Build-time only values: collectstatic and compilemessages need settings to load.
RUN DEBUG=0 SECRET_KEY=build-only-$(head -c 32 /dev/urandom | base64) \
    python manage.py compilemessages -v 0 \
 && DEBUG=0 SECRET_KEY=build-only-$(head -c 32 /dev/urandom | base64) \
    python manage.py collectstatic --noinput -v 0

# The mount points of the media and jobs-cache volumes: a new named volume takes the owner of
# the folder it is mounted on, so both processes (user portal) can write there.
RUN useradd --create-home portal && mkdir -p /app/media /app/jobs-cache \
 && chown portal /app/media /app/jobs-cache
USER portal
EXPOSE 8000
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn cchc_portal.wsgi --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --access-logfile -"]
