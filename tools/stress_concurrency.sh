#!/usr/bin/env bash
# Runs the concurrency tests (the races and their controls) RUNS times in a row while one busy
# loop per core keeps the machine saturated: a control whose interleaving is forced shows its
# race on a loaded machine as on an idle one, so every run must pass.
# Usage: tools/stress_concurrency.sh [RUNS]   (default 20; CI=true makes PostgreSQL mandatory)
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
export CI=${CI:-true}
tests=(tests/db/test_concurrency.py tests/db/test_class_seats.py tests/jobs/test_concurrent_workers.py
       tests/hardening/test_duplicate_race.py tests/hardening/test_processes.py
       tests/channels/test_durable_replies.py tests/jobs/test_scheduler.py
       tests/payments/test_webhook.py tests/channels/slack/test_dm.py)
spinners=()
for _ in $(seq "$(nproc)"); do (while :; do :; done) & spinners+=($!); done
trap 'kill "${spinners[@]}" 2>/dev/null' EXIT
failures=0
for i in $(seq "$runs"); do
  if out=$(.venv/bin/python -m pytest -q -p no:cacheprovider "${tests[@]}" 2>&1); then
    echo "run $i/$runs: $(tail -n 1 <<<"$out")"
  else
    failures=$((failures + 1))
    echo "run $i/$runs FAILED:"; tail -n 30 <<<"$out"
  fi
done
echo "failures: $failures of $runs; $(uptime)"
[ "$failures" -eq 0 ]
