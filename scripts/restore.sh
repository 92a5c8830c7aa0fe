#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database (and media folder).
#
#   scripts/restore.sh DUMP [MEDIA.tar.gz]   # DATABASE_URL (target) and MEDIA_ROOT from the env
#
# Refuses a database that already has tables: restore into a new database, check it, then
# point the portal at it (DATABASE_URL) — never over the live one.
set -euo pipefail
dump=${1:?usage: scripts/restore.sh DUMP [MEDIA.tar.gz]}
media=${2:-}
: "${DATABASE_URL:?set DATABASE_URL to the (empty) target database}"
tables=$(psql "$DATABASE_URL" -qAt -c \
  "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [[ "$tables" != 0 ]]; then
  echo "restore.sh: the target database already has $tables tables; use an empty one" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$dump"
# pg_dump does not carry planner statistics.
psql "$DATABASE_URL" -q -c "ANALYZE"
echo "database restored from $dump"
if [[ -n "$media" ]]; then
  : "${MEDIA_ROOT:?set MEDIA_ROOT to restore the uploaded files}"
  mkdir -p "$MEDIA_ROOT"
  tar -xzf "$media" -C "$MEDIA_ROOT"
  echo "media restored into $MEDIA_ROOT"
fi
