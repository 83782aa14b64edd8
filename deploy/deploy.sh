#!/usr/bin/env bash
# One-command deploy of Folio with Docker Compose on a VPS (docs/deploy.md).
#
#   deploy/deploy.sh              build this checkout, back up, migrate, switch, verify
#   deploy/deploy.sh --rollback   go back to the release before the current one
#
# First run: creates deploy/secrets/ (random secrets, never printed). Every run: builds the
# image tagged with the git commit, takes a verified backup through the running app, runs
# the migrations, replaces the app container, and waits until /api/v1/health answers 200.
# When it does not, the previous image is started again. The commit and deploy time reach
# the app as FOLIO_COMMIT / FOLIO_DEPLOYED_AT and are kept in deploy/release.env.
#
# Environment: FOLIO_HEALTH_TIMEOUT (seconds, default 180), FOLIO_SKIP_BACKUP=1 (not
# advised), COMPOSE_PROFILES=monitoring (also start Prometheus, Grafana, Uptime Kuma).
set -euo pipefail

DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(dirname "$DEPLOY_DIR")"
SECRETS_DIR="$DEPLOY_DIR/secrets"
RELEASE_FILE="$DEPLOY_DIR/release.env"
HISTORY_FILE="$DEPLOY_DIR/releases.log"
HEALTH_TIMEOUT="${FOLIO_HEALTH_TIMEOUT:-180}"
HEALTH_INTERVAL="${FOLIO_HEALTH_INTERVAL:-3}"
export COMPOSE_PROJECT_NAME="${COMPOSE_PROJECT_NAME:-folio}"
export FOLIO_IMAGE="${FOLIO_IMAGE:-folio}"

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'deploy: warning: %s\n' "$*" >&2; }
die() { printf 'deploy: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# compose.yaml, plus this server's own compose.override.yaml when there is one (as plain
# `docker compose` in deploy/ would read it).
compose() {
  local files=(-f "$DEPLOY_DIR/compose.yaml")
  if [ -f "$DEPLOY_DIR/compose.override.yaml" ]; then
    files+=(-f "$DEPLOY_DIR/compose.override.yaml")
  fi
  docker compose --project-directory "$DEPLOY_DIR" "${files[@]}" "$@"
}

check_prerequisites() {
  command -v docker >/dev/null || die "docker is not installed (https://docs.docker.com/engine/install/)"
  docker compose version >/dev/null 2>&1 \
    || die "the Docker Compose plugin is missing (apt-get install docker-compose-plugin)"
  docker info >/dev/null 2>&1 \
    || die "cannot reach the Docker daemon: is it running, and may this user use it?"
  command -v git >/dev/null || warn "git not found: the release is recorded as 'unknown'"
  if [ -z "${FOLIO_DOMAIN:-}" ] && ! grep -qs '^FOLIO_DOMAIN=.' "$DEPLOY_DIR/.env"; then
    die "set FOLIO_DOMAIN in $DEPLOY_DIR/.env first (cp $DEPLOY_DIR/env.example $DEPLOY_DIR/.env)"
  fi
}

# A random alphanumeric string of $1 characters (no quoting or URL escaping ever needed).
random_string() {
  local value=""
  while [ "${#value}" -lt "$1" ]; do
    value+="$(head -c 96 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s' "${value:0:$1}"
}

# Create secret $1 with value $2 unless it exists (a function argument: no process sees it).
new_secret() {
  local path="$SECRETS_DIR/$1"
  [ -s "$path" ] && return 0
  printf '%s' "$2" >"$path.tmp"
  # Readable inside the containers (each runs as its own user); the 0700 directory keeps
  # every other account on this machine out.
  chmod 0644 "$path.tmp"
  mv "$path.tmp" "$path"
  log "created secret $1"
}

ensure_secrets() {
  (
    umask 077
    mkdir -p "$SECRETS_DIR"
    chmod 0700 "$SECRETS_DIR"
    new_secret secret_key "$(random_string 64)"
    new_secret metrics_token "$(random_string 48)"
    new_secret grafana_admin_password "$(random_string 32)"
    new_secret postgres_password "$(random_string 40)"
    new_secret database_url "postgresql://folio:$(cat "$SECRETS_DIR/postgres_password")@db:5432/folio"
  )
}

# What is running now: FOLIO_TAG, FOLIO_COMMIT, FOLIO_DEPLOYED_AT, PREVIOUS_* from the last
# successful deploy.
load_release() {
  CURRENT_TAG="" CURRENT_COMMIT="" CURRENT_DEPLOYED_AT=""
  PREVIOUS_TAG="" PREVIOUS_COMMIT="" PREVIOUS_DEPLOYED_AT=""
  if [ -f "$RELEASE_FILE" ]; then
    CURRENT_TAG="$(release_value FOLIO_TAG)"
    CURRENT_COMMIT="$(release_value FOLIO_COMMIT)"
    CURRENT_DEPLOYED_AT="$(release_value FOLIO_DEPLOYED_AT)"
    PREVIOUS_TAG="$(release_value PREVIOUS_TAG)"
    PREVIOUS_COMMIT="$(release_value PREVIOUS_COMMIT)"
    PREVIOUS_DEPLOYED_AT="$(release_value PREVIOUS_DEPLOYED_AT)"
  fi
}

release_value() {
  sed -n "s/^$1=//p" "$RELEASE_FILE" | tail -n 1
}

save_release() { # tag commit deployed_at previous_tag previous_commit previous_deployed_at
  cat >"$RELEASE_FILE.tmp" <<EOF
# Written by deploy.sh: the release that is running. Not secret.
FOLIO_TAG=$1
FOLIO_COMMIT=$2
FOLIO_DEPLOYED_AT=$3
PREVIOUS_TAG=$4
PREVIOUS_COMMIT=$5
PREVIOUS_DEPLOYED_AT=$6
EOF
  mv "$RELEASE_FILE.tmp" "$RELEASE_FILE"
  printf '%s\t%s\t%s\n' "$3" "$1" "$2" >>"$HISTORY_FILE"
}

use_release() { # tag commit deployed_at: what the next compose commands run
  export FOLIO_TAG="$1" FOLIO_COMMIT="$2" FOLIO_DEPLOYED_AT="$3"
}

app_running() {
  [ -n "$(compose ps --status running -q app 2>/dev/null)" ]
}

# Readiness from inside the app container: 200 only when the database answers and its
# schema is at this release's head (urlopen raises on 503).
app_ready() {
  compose exec -T app python -c \
    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=5)" \
    >/dev/null 2>&1
}

wait_ready() {
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  until app_ready; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep "$HEALTH_INTERVAL"
  done
}

start_app() {
  compose up -d --no-deps app
  compose up -d --no-deps caddy
}

# Everything else in the active profiles (COMPOSE_PROFILES, also from .env); the app is
# already what it should be, so it is left alone.
start_rest() {
  compose up -d --remove-orphans
}

rollback() { # tag commit deployed_at
  log "rolling back to $FOLIO_IMAGE:$1"
  use_release "$1" "$2" "$3"
  start_app
  if wait_ready; then
    start_rest || warn "the app is back, but starting the other services failed (above)"
    log "rolled back: $FOLIO_IMAGE:$1 is serving"
    return 0
  fi
  warn "$FOLIO_IMAGE:$1 is running but not ready; if the new release migrated the schema,"
  warn "restore the backup taken before this deploy (folio backup list; docs/deploy.md)"
  return 1
}

do_rollback() {
  load_release
  [ -n "$PREVIOUS_TAG" ] || die "no previous release recorded in $RELEASE_FILE"
  docker image inspect "$FOLIO_IMAGE:$PREVIOUS_TAG" >/dev/null 2>&1 \
    || die "image $FOLIO_IMAGE:$PREVIOUS_TAG is gone; check out that commit and deploy it"
  rollback "$PREVIOUS_TAG" "$PREVIOUS_COMMIT" "$PREVIOUS_DEPLOYED_AT" || exit 1
  save_release "$PREVIOUS_TAG" "$PREVIOUS_COMMIT" "$PREVIOUS_DEPLOYED_AT" \
    "$CURRENT_TAG" "$CURRENT_COMMIT" "$CURRENT_DEPLOYED_AT"
}

release_commit() {
  local commit
  if commit="$(git -C "$REPO_DIR" rev-parse --short=12 HEAD 2>/dev/null)"; then
    if [ -n "$(git -C "$REPO_DIR" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
      commit="$commit-dirty"
    fi
    printf '%s' "$commit"
  else
    printf '%s' "${FOLIO_COMMIT:-unknown}"
  fi
}

deploy() {
  load_release
  local commit deployed_at tag
  commit="$(release_commit)"
  deployed_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  tag="$commit-$(date -u +%Y%m%d%H%M%S)"

  # Compose interpolates the whole file on every command: run them against what is live.
  use_release "${CURRENT_TAG:-latest}" "$CURRENT_COMMIT" "$CURRENT_DEPLOYED_AT"

  log "building $FOLIO_IMAGE:$tag (commit $commit)"
  FOLIO_TAG="$tag" compose build --pull app

  log "starting the database and Redis"
  compose up -d --wait db redis

  if app_running; then
    if [ "${FOLIO_SKIP_BACKUP:-0}" = 1 ]; then
      warn "FOLIO_SKIP_BACKUP=1: upgrading without a backup"
    else
      log "taking a verified backup with the running release"
      compose exec -T app folio backup create --verify \
        || die "the backup failed, so nothing was changed; fix it or set FOLIO_SKIP_BACKUP=1"
    fi
  fi

  use_release "$tag" "$commit" "$deployed_at"
  log "migrating the database"
  compose run --rm --no-deps migrate \
    || die "the migration failed; the running release was not touched"

  log "switching the app to $FOLIO_IMAGE:$tag"
  start_app
  if wait_ready; then
    docker image tag "$FOLIO_IMAGE:$tag" "$FOLIO_IMAGE:latest"
    save_release "$tag" "$commit" "$deployed_at" \
      "$CURRENT_TAG" "$CURRENT_COMMIT" "$CURRENT_DEPLOYED_AT"
    start_rest || warn "the app is deployed, but starting the other services failed (above)"
    log "deployed $commit ($FOLIO_IMAGE:$tag) at $deployed_at"
    return 0
  fi

  warn "$FOLIO_IMAGE:$tag did not become ready within ${HEALTH_TIMEOUT}s; its last log lines:"
  compose logs --no-color --tail 40 app >&2 || true
  if [ -n "$CURRENT_TAG" ]; then
    rollback "$CURRENT_TAG" "$CURRENT_COMMIT" "$CURRENT_DEPLOYED_AT" || true
  else
    warn "first deploy: there is no previous release to go back to"
  fi
  exit 1
}

main() {
  case "${1:-}" in
    -h | --help) usage ;;
    --rollback) check_prerequisites; do_rollback ;;
    "") check_prerequisites; ensure_secrets; deploy ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
