#!/bin/sh
# Hostile: promotes node2, leaves two processes behind (one in a session of its own, out of the
# script's process group) and then runs past its budget. pg.ha.promoted fails (failover.sh did not
# finish within its budget); the other checks pass; nothing of it is left once the grading ends.
set -eu
pg_ctl promote -w -t 30 -D "$STANDBY_DATA"
echo "synchronous_standby_names = ''" >> "$STANDBY_DATA/postgresql.auto.conf"
pg_ctl reload -D "$STANDBY_DATA"
setsid sleep 100000 </dev/null >/dev/null 2>&1 &
sleep 100001 </dev/null >/dev/null 2>&1 &
echo "node2 promoted; now waiting for ever"
exec sleep 100002
