#!/bin/sh
# Builds node2, a streaming standby of node1, in $STANDBY_DATA (the README names every variable).
set -eu

# A copy with the WAL it needs, after a fast checkpoint; -R writes standby.signal and
# primary_conninfo (with application_name, the name synchronous_standby_names knows it by); -C -S
# a slot on node1 that keeps what node2 has not received.
pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -w \
    -d "application_name=$STANDBY_NAME" \
    -D "$STANDBY_DATA" -X stream -c fast -R -C -S "$STANDBY_NAME" --no-sync

# Password logins from this machine: the application, the harness, pg_rewind and replication.
cat > "$STANDBY_DATA/pg_hba.conf" <<'HBA'
host all all 127.0.0.1/32 scram-sha-256
host replication all 127.0.0.1/32 scram-sha-256
HBA
echo "node2 ready in $STANDBY_DATA"
