#!/bin/sh
# Hostile: a standby whose configuration includes /etc/shadow, a file only root (and the shadow
# group) may read. The server reads its configuration as the submission's own account, so it
# refuses to start, and pg.replica.streaming says why.
set -eu
pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -w \
    -d "application_name=$STANDBY_NAME" -D "$STANDBY_DATA" -X stream -c fast -R -C -S standby1 --no-sync
echo "include '/etc/shadow'" >> "$STANDBY_DATA/postgresql.conf"
