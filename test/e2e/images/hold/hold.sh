#!/bin/sh
# Waits until stopped. busybox sh as PID 1 ignores SIGTERM unless it traps it, and then
# `docker stop` would wait out the whole grace period; trapped, a stop takes no time.
# `wait` (unlike a foreground sleep) returns as soon as the trapped signal arrives.
trap 'exit 0' TERM INT
while :; do
  sleep 3600 &
  wait $!
done
