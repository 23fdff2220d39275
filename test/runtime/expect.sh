#!/bin/sh
# Usage: expect.sh STATUS TEXT COMMAND [ARGS...]
# Runs COMMAND and succeeds iff it exits with STATUS and its combined
# stdout/stderr contains TEXT (a fixed string; '' matches anything).
expected_status=$1
expected_text=$2
shift 2
output=$("$@" 2>&1)
status=$?
printf '%s\n' "$output"
if [ "$status" -ne "$expected_status" ]; then
  echo "expect.sh: exit status $status, expected $expected_status" >&2
  exit 1
fi
case $output in
  *"$expected_text"*) exit 0 ;;
esac
echo "expect.sh: output does not contain: $expected_text" >&2
exit 1
