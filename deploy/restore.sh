#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh onto an EMPTY database and media folder.
# Usage: deploy/restore.sh BACKUP_FOLDER DATABASE_URL MEDIA_ROOT
set -euo pipefail
backup=$1 url=$2 media=$3
pg_restore --no-owner --exit-on-error --dbname "$url" "$backup/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$backup/media.tar.gz"
echo "Restored $backup"
