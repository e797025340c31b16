#!/usr/bin/env bash
# Builds the images a session runs: the Debian base (once) and the workspace image with the agent.
# The control plane's bootstrap calls this; it prints one line per step and keeps Docker's output
# in a log file unless BERTH_VERBOSE=1.
set -euo pipefail

images_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$images_dir/.." && pwd)"
base_image="${BERTH_BASE_IMAGE:-berth-base:bookworm}"
workspace_image="${BERTH_WORKSPACE_IMAGE:-berth-workspace:latest}"
data_dir="${BERTH_DATA_DIR:-$repo_root/.berth}"
log_file="$data_dir/logs/image-build.log"

# Certificates the build host added to its own trust (a TLS-inspecting proxy) are needed inside
# the build too, to reach the npm registry. BERTH_EXTRA_CA_CERTS names a PEM file instead; set it
# empty to add none.
if [ -n "${BERTH_EXTRA_CA_CERTS+set}" ]; then
  extra_ca_certs="$([ -n "$BERTH_EXTRA_CA_CERTS" ] && cat "$BERTH_EXTRA_CA_CERTS" || true)"
else
  extra_ca_certs="$(cat /usr/local/share/ca-certificates/*.crt 2>/dev/null || true)"
fi

mkdir -p "$(dirname "$log_file")"
: >"$log_file"

step() {
  local name="$1"
  shift
  echo "[berth] image: $name..."
  if [ "${BERTH_VERBOSE:-0}" = 1 ]; then
    "$@"
    return
  fi
  if ! "$@" >>"$log_file" 2>&1; then
    echo "[berth] image: $name failed; last lines of $log_file:" >&2
    tail -n 40 "$log_file" >&2
    exit 1
  fi
}

step "base image" env BERTH_BASE_IMAGE="$base_image" "$images_dir/base/build-base.sh"
step "workspace image" docker build \
  -f "$images_dir/workspace/Dockerfile" \
  --build-arg BASE_IMAGE="$base_image" \
  --build-arg EXTRA_CA_CERTS="$extra_ca_certs" \
  -t "$workspace_image" \
  "$repo_root"
