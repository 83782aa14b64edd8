#!/bin/sh
# Runs `folio ARGS...`; before `serve`, applies migrations unless FOLIO_MIGRATE_ON_START=false
# (compose.yaml turns it off: its one-shot `migrate` service does that job).
set -eu

if [ "${1:-}" = "serve" ] && [ "${FOLIO_MIGRATE_ON_START:-true}" != "false" ]; then
  folio db upgrade
fi
exec folio "$@"
