#!/bin/sh
# Builds a streaming standby of the primary in $STANDBY_DATA (the README names every variable).
set -eu

# A copy of the primary, streamed with the WAL it needs (-X stream), after a fast checkpoint
# (-c fast: no waiting for the next one). -R writes standby.signal and primary_conninfo; -C -S
# creates the slot that keeps the WAL this standby has not received yet, and names it in
# primary_slot_name. -d adds application_name to primary_conninfo: the name the primary knows the
# standby by. The password comes from $PGPASSFILE.
pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -w \
    -d "application_name=$STANDBY_NAME" \
    -D "$STANDBY_DATA" -X stream -c fast -R -C -S standby1 --no-sync

# Who may connect to the standby: every password login from this machine (the application's
# readers), and replication (a cascading standby).
cat > "$STANDBY_DATA/pg_hba.conf" <<'HBA'
host all all 127.0.0.1/32 scram-sha-256
host replication all 127.0.0.1/32 scram-sha-256
HBA

# The standby's own settings, read after postgresql.conf.
cat >> "$STANDBY_DATA/postgresql.auto.conf" <<'CONF'
hot_standby = on
max_standby_streaming_delay = 30s
wal_receiver_status_interval = 1s
recovery_min_apply_delay = 0
CONF
echo "standby ready in $STANDBY_DATA (slot standby1)"
