#!/bin/sh
# Build a streaming standby of the primary in $STANDBY_DATA (an empty folder).
# The harness gives you: PRIMARY_HOST, PRIMARY_PORT, REPLICATION_USER, PGPASSFILE (the
# replication user's password), STANDBY_DATA, and the PostgreSQL binaries on PATH.
# It then starts a server on $STANDBY_DATA itself: do not start one here.
set -eu
echo "TODO: copy the primary into \$STANDBY_DATA as a standby (see the README)"
