#!/usr/bin/env bash
# Builds the base image from Debian packages alone: this works where no image registry is
# reachable (only a Debian mirror), and makes the base reproducible from a mirror snapshot.
set -euo pipefail

IMAGE="${BERTH_BASE_IMAGE:-berth-base:bookworm}"
MIRROR="${BERTH_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Security updates live in a separate archive; set it empty when the mirror has no copy of it.
SECURITY_MIRROR="${BERTH_DEBIAN_SECURITY_MIRROR-http://deb.debian.org/debian-security}"
SUITE=bookworm

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE exists, skipping"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "debootstrap needs root" >&2
  exit 1
fi

root="$(mktemp -d "${TMPDIR:-/tmp}/berth-base.XXXXXX")"
# debootstrap leaves proc/sys/dev mounts behind when it fails midway; unmount them before
# removing the tree, or rm would walk into the host's /proc.
cleanup() {
  for m in proc sys dev/pts dev; do
    umount -l "$root/$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR"

# Keep the image small and make later apt runs quiet and non-interactive.
cat >"$root/etc/apt/apt.conf.d/90berth" <<'CONF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
CONF
cat >"$root/etc/dpkg/dpkg.cfg.d/90berth-nodoc" <<'CONF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
CONF
{
  echo "deb $MIRROR $SUITE main"
  echo "deb $MIRROR $SUITE-updates main"
  if [ -n "$SECURITY_MIRROR" ]; then echo "deb $SECURITY_MIRROR $SUITE-security main"; fi
} >"$root/etc/apt/sources.list"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/tmp/*

tar -C "$root" --numeric-owner -c . |
  docker import \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/bash"]' \
    - "$IMAGE" >/dev/null
echo "built base image $IMAGE"
