#!/bin/sh
# node1 is gone: node2 becomes the primary.
set -eu
# -w: return once node2 is out of recovery.
pg_ctl promote -w -t 30 -D "$STANDBY_DATA"
# No standby is left to wait for until node1 rejoins: a commit that waited for one would never
# end. Run alone (asynchronously) until then; postgresql.auto.conf is read after conf.d.
echo "synchronous_standby_names = ''" >> "$STANDBY_DATA/postgresql.auto.conf"
pg_ctl reload -D "$STANDBY_DATA"
echo "node2 promoted"
