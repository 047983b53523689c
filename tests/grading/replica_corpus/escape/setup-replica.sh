#!/bin/sh
# Hostile: tries to leave its jail, from this script and from the standby it builds, whose
# configuration runs shell commands as the server's account (restore_command, archive_command).
# The standby is otherwise sound, but for its name (it streams as "walreceiver"): that fails
# pg.replica.streaming at once, and the failure shows this script's last lines, the results of
# its attempts. The hooks write theirs to a report at the project's top, read while it is graded.
set -u

cat > "$PWD/hook.sh" <<'HOOK'
# $1: restore or archive; the report goes to the project's top, three folders above its own.
report="$(dirname "$0")/../../../escape-$1.txt"
{
  echo "uid $(id -u)"
  for target in /etc/harness-replica-pwned /root/harness-replica-pwned /usr/local/harness-replica-pwned \
      /var/tmp/harness-replica-pwned /harness-replica-pwned; do
    if (echo pwned > "$target") 2>/dev/null; then echo "write $target: WROTE"; else echo "write $target: denied"; fi
  done
  if head -c 1 /etc/shadow >/dev/null 2>&1; then echo "read /etc/shadow: READ"; else echo "read /etc/shadow: denied"; fi
} > "$report.new" 2>&1
mv "$report.new" "$report"
[ "$1" = archive ]  # a restore that fails: the standby streams instead
HOOK

pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -w \
    -D "$STANDBY_DATA" -X stream -c fast -R -C -S standby1 --no-sync || exit 1
cat > "$STANDBY_DATA/pg_hba.conf" <<'HBA'
host all all 127.0.0.1/32 scram-sha-256
host replication all 127.0.0.1/32 scram-sha-256
HBA
cat >> "$STANDBY_DATA/postgresql.auto.conf" <<CONF
hot_standby = on
max_standby_streaming_delay = 30s
wal_receiver_status_interval = 1s
restore_command = '/bin/sh $PWD/hook.sh restore %f %p'
archive_mode = always
archive_command = '/bin/sh $PWD/hook.sh archive %f %p'
CONF

# The attempts, last: pg.replica.streaming's failure shows these lines.
echo "uid $(id -u)"
for target in /etc/harness-replica-pwned /root/harness-replica-pwned /usr/local/harness-replica-pwned \
    /var/tmp/harness-replica-pwned /harness-replica-pwned; do
  if (echo pwned > "$target") 2>/dev/null; then echo "write $target: WROTE"; else echo "write $target: denied"; fi
done
if head -c 1 /etc/shadow >/dev/null 2>&1; then echo "read /etc/shadow: READ"; else echo "read /etc/shadow: denied"; fi
if ls /root >/dev/null 2>&1; then echo "list /root: LISTED"; else echo "list /root: denied"; fi
