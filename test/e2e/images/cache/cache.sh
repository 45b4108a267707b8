#!/bin/sh
# busybox httpd on 6379; /data is the service's named volume. PID 1 traps TERM (see hold.sh).
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
mkdir -p /data
httpd -f -p 6379 -h /www &
pid=$!
wait "$pid"
