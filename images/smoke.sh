#!/usr/bin/env bash
# End-to-end check of the workspace image against a real dockerd: builds it (unless
# SMOKE_SKIP_BUILD=1), runs one session container, and proves SSH/SFTP, the app gate, Jupyter,
# the terminal, activity, a clean stop and a restart with the same host keys.
# Needs docker, ssh, sftp, ssh-keyscan, openssl and the repository's node_modules (for tsx).
set -euo pipefail

images_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$images_dir/.." && pwd)"
image="${BERTH_WORKSPACE_IMAGE:-berth-workspace:latest}"
session_id=s-smoke
base_path="/s/$session_id"
container="berth-smoke-$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/berth-smoke.XXXXXX")"

cleanup() {
  docker rm -f "$container" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL $*" >&2
  docker logs --tail 40 "$container" >&2 || true
  exit 1
}
ok() { echo "ok   $*"; }

if [ "${SMOKE_SKIP_BUILD:-0}" != 1 ]; then
  started=$(date +%s)
  "$images_dir/build.sh"
  ok "images built in $(($(date +%s) - started)) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1 / 1000000}'))"
fi

ssh-keygen -q -t ed25519 -N '' -C berth-session -f "$work/key"
secret="$(openssl rand -hex 32)"
mkdir "$work/home"

docker run -d --name "$container" \
  -e BERTH_SESSION_ID="$session_id" \
  -e BERTH_APP_SECRET="$secret" \
  -e BERTH_SSH_PUBLIC_KEY="$(cat "$work/key.pub")" \
  -e BERTH_BASE_PATH="$base_path" \
  -e BERTH_OWNER=smoke \
  -p 127.0.0.1::2222 -p 127.0.0.1::8080 \
  -v "$work/home:/home/work" \
  "$image" >/dev/null

wait_healthy() {
  local started status
  started=$(date +%s)
  for _ in $(seq 1 120); do
    status=$(docker inspect -f '{{.State.Health.Status}}' "$container")
    if [ "$status" = healthy ]; then
      ok "container healthy after $(($(date +%s) - started)) s"
      return
    fi
    sleep 1
  done
  fail "container not healthy (status $status)"
}

host_port() { docker port "$container" "$1" | head -n1 | sed 's/.*://'; }

wait_healthy
ssh_port=$(host_port 2222)
http_port=$(host_port 8080)
ssh_opts=(-i "$work/key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)

[ "$(ssh "${ssh_opts[@]}" -p "$ssh_port" work@127.0.0.1 whoami)" = work ] || fail "ssh whoami"
ok "ssh with the session key logs in as work"

echo "sftp-$$" >"$work/up.txt"
printf 'put %s /home/work/up.txt\nget /home/work/up.txt %s\n' "$work/up.txt" "$work/down.txt" |
  sftp "${ssh_opts[@]}" -P "$ssh_port" -b - work@127.0.0.1 >/dev/null
cmp -s "$work/up.txt" "$work/down.txt" || fail "sftp round trip"
ok "sftp put and get"

if ssh -p "$ssh_port" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
  -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive -o BatchMode=yes \
  work@127.0.0.1 true 2>/dev/null; then
  fail "password login was accepted"
fi
ok "password login refused"

(
  cd "$repo_root"
  SMOKE_HTTP_PORT="$http_port" SMOKE_SSH_PORT="$ssh_port" SMOKE_SSH_KEY="$work/key" SMOKE_SECRET="$secret" \
    SMOKE_SESSION_ID="$session_id" SMOKE_BASE_PATH="$base_path" npx --no-install tsx images/smoke/client.ts
) || fail "smoke client"

ssh-keyscan -p "$ssh_port" 127.0.0.1 2>/dev/null | awk '{print $2, $3}' | sort >"$work/keys.before"
started=$(date +%s%N)
docker stop "$container" >/dev/null
stop_ms=$((($(date +%s%N) - started) / 1000000))
[ "$stop_ms" -lt 10000 ] || fail "docker stop took $stop_ms ms"
[ "$(docker inspect -f '{{.State.ExitCode}}' "$container")" = 0 ] || fail "agent exit code after SIGTERM"
ok "docker stop in $stop_ms ms, exit code 0"

docker start "$container" >/dev/null
wait_healthy
ssh_port=$(host_port 2222)
ssh-keyscan -p "$ssh_port" 127.0.0.1 2>/dev/null | awk '{print $2, $3}' | sort >"$work/keys.after"
[ -s "$work/keys.before" ] && cmp -s "$work/keys.before" "$work/keys.after" || fail "host keys changed across restart"
ok "same host keys after restart"
[ "$(ssh "${ssh_opts[@]}" -p "$ssh_port" work@127.0.0.1 cat up.txt)" = "sftp-$$" ] || fail "home lost across restart"
ok "home kept across restart"

echo "smoke: all checks passed"
