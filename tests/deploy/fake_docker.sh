#!/usr/bin/env bash
# A stand-in for `docker` in test_deploy_sh.py: logs each call and plays the daemon's part.
# FAKE_DIR holds calls.log and the state; FAKE_BROKEN (glob) names image tags whose app never
# gets ready; FAKE_BACKUP_RC / FAKE_MIGRATE_RC are those commands' exit codes.
set -euo pipefail
state="$FAKE_DIR"
printf '%s|FOLIO_TAG=%s|FOLIO_COMMIT=%s\n' "$*" "${FOLIO_TAG:-}" "${FOLIO_COMMIT:-}" \
  >>"$state/calls.log"

case "$1" in
  info) exit 0 ;;
  image) exit 0 ;;
  compose) shift ;;
  *) echo "fake docker: unexpected $*" >&2; exit 99 ;;
esac
[ "$1" = version ] && { echo "Docker Compose version v2.99.0"; exit 0; }
# drop --project-directory DIR -f FILE
while [ "$#" -gt 0 ] && [[ "$1" == -* ]]; do shift 2; done

case "$1" in
  ps) [ -f "$state/app_tag" ] && echo "0123abcd" ; exit 0 ;;
  build | logs) exit 0 ;;
  up)
    if [[ " $* " == *" app "* ]]; then printf '%s' "$FOLIO_TAG" >"$state/app_tag"; fi
    exit 0 ;;
  run) exit "${FAKE_MIGRATE_RC:-0}" ;;
  exec)
    if [[ " $* " == *" backup create --verify"* ]]; then exit "${FAKE_BACKUP_RC:-0}"; fi
    tag="$(cat "$state/app_tag")"
    # shellcheck disable=SC2053  # FAKE_BROKEN is a glob on purpose
    if [[ -n "${FAKE_BROKEN:-}" && "$tag" == $FAKE_BROKEN ]]; then exit 1; fi
    exit 0 ;;
esac
echo "fake docker: unexpected compose $*" >&2
exit 99
