#!/bin/sh
# Build node2, a streaming standby of node1, in $STANDBY_DATA (an empty folder).
# The harness gives you: PRIMARY_HOST, PRIMARY_PORT, REPLICATION_USER, PGPASSFILE, STANDBY_DATA,
# STANDBY_NAME (node2), and the PostgreSQL binaries on PATH. It starts the server itself.
set -eu
echo "TODO: copy node1 into \$STANDBY_DATA as a standby named \$STANDBY_NAME (see the README)"
