#!/usr/bin/env bash
# Back up the clinic: the PostgreSQL database (pg_dump, custom format) and the uploaded media,
# together in one folder named by the time. Prints the folder.
# Usage: deploy/backup.sh DATABASE_URL MEDIA_ROOT BACKUP_ROOT
set -euo pipefail
url=$1 media=$2 root=$3
target="$root/clinic-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --no-owner --file "$target/database.dump" "$url"
tar -C "$media" -czf "$target/media.tar.gz" .
echo "$target"
