#!/bin/sh
# Hostile: signals every process it may (kill -9 -1), as an attempt on the harness's processes.
# It reaches only its own jail's: node2, the jail's driver and itself. The harness, outside, goes
# on: failover.sh did not report back (pg.ha.promoted fails), node2 is gone (no commit can be read:
# pg.ha.no_lost_commits fails), and the checks that need a primary are skipped.
echo "signalling every process"
kill -9 -1
