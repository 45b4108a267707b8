#!/bin/sh
# Debian's busybox httpd has no reverse proxy, so nc forwards raw TCP: `-ll -e` runs
# forward.sh once per connection with the socket as its stdin and stdout.
# PID 1 traps TERM (see hold.sh).
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
nc -ll -p 80 -e /bin/sh /e2e/forward.sh &
pid=$!
wait "$pid"
