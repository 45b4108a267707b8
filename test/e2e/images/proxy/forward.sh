#!/bin/sh
# One proxied connection: resolves the upstream by name each time, so a restarted upstream is found.
# The log line goes to the container's stderr, that is to the unit's journal.
echo "proxy: forwarding a connection to $UPSTREAM" >&2
exec nc "${UPSTREAM%:*}" "${UPSTREAM##*:}"
