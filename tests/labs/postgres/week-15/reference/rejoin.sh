#!/bin/sh
# node1 rejoins as a standby of node2: pg_rewind, not a new copy.
set -eu
source_server="host=$NEW_PRIMARY_HOST port=$NEW_PRIMARY_PORT user=$REPLICATION_USER dbname=postgres"

# A just-promoted server writes its new timeline to pg_control at its first checkpoint: ask for
# it now, or pg_rewind may see both on the same timeline.
psql "$source_server" -w -X -q -c CHECKPOINT

# Rewind node1's folder to where the timelines split and copy what changed since (node1 ran
# with wal_log_hints = on). -R writes standby.signal and primary_conninfo, with the name node2
# knows it by. pg_rewind recovers node1's crashed folder first by itself.
pg_rewind --target-pgdata="$OLD_PRIMARY_DATA" \
    --source-server="$source_server application_name=$OLD_PRIMARY_NAME" -R --no-sync

# pg_rewind copied node2's configuration, with node2's slot name: node1 streams through a slot of
# its own on node2.
pg_receivewal -h "$NEW_PRIMARY_HOST" -p "$NEW_PRIMARY_PORT" -U "$REPLICATION_USER" -w \
    --create-slot --if-not-exists -S "$OLD_PRIMARY_NAME"
echo "primary_slot_name = '$OLD_PRIMARY_NAME'" >> "$OLD_PRIMARY_DATA/postgresql.auto.conf"
echo "node1 rewound, a standby of node2"
