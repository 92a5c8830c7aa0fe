#!/usr/bin/env bash
# Back up the CCHC portal: the database (pg_dump custom format) and the uploaded files.
#
#   scripts/backup.sh DIR                # DATABASE_URL and MEDIA_ROOT from the environment
#
# Writes DIR/cchc-YYYYmmdd-HHMMSS.dump and, when MEDIA_ROOT exists, DIR/media-….tar.gz (evidence,
# remediation attachments, uploaded import files: everything the database only points to).
# pg_dump takes a consistent snapshot while the portal keeps running; take the media archive
# right after it so the two match (a file uploaded in between is only extra, never missing).
set -euo pipefail
dir=${1:?usage: scripts/backup.sh DIR}
: "${DATABASE_URL:?set DATABASE_URL (postgres://user:password@host:port/name)}"
mkdir -p "$dir"
stamp=$(date +%Y%m%d-%H%M%S)
dump="$dir/cchc-$stamp.dump"
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dump.part"
mv "$dump.part" "$dump"
echo "database: $dump"
if [[ -n "${MEDIA_ROOT:-}" && -d "$MEDIA_ROOT" ]]; then
  media="$dir/media-$stamp.tar.gz"
  tar -czf "$media.part" -C "$MEDIA_ROOT" .
  mv "$media.part" "$media"
  echo "media: $media"
fi
