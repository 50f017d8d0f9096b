#!/usr/bin/env bash
# Back up the clinic: the PostgreSQL database (pg_dump, custom format) and the uploaded media,
# together in one folder named by the time. Prints the folder.
# Then deletes backups older than BACKUP_KEEP_DAYS days (environment, default 30): a backup holds
# what purge_personal_data and erasure removed, so it must not outlive the retention policy
# (the register of personal data, clinic/personal_data.py, says so).
# Usage: deploy/backup.sh DATABASE_URL MEDIA_ROOT BACKUP_ROOT
set -euo pipefail
url=$1 media=$2 root=$3
keep_days=${BACKUP_KEEP_DAYS:-30}
[[ $keep_days =~ ^[0-9]+$ && $keep_days -ge 1 ]] || {
    echo "BACKUP_KEEP_DAYS must be a whole number of days, at least 1 (is '$keep_days')" >&2
    exit 2
}
target="$root/clinic-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
pg_dump --format=custom --no-owner --file "$target/database.dump" "$url"
tar -C "$media" -czf "$target/media.tar.gz" .
# Only after a new backup is made, and only folders this script names; -mtime +N is "more than
# N whole days old".
find "$root" -mindepth 1 -maxdepth 1 -type d -name 'clinic-*' -mtime "+$((keep_days - 1))" \
    ! -path "$target" -exec rm -rf -- {} +
echo "$target"
