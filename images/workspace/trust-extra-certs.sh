#!/bin/sh
# Trusts the PEM certificates in $1 besides Debian's (a TLS-inspecting proxy on the way to the npm
# registry or the Internet). One file per certificate, as update-ca-certificates wants; written
# before apt installs ca-certificates, whose trigger adds them to the system bundle.
set -eu
[ -n "${1:-}" ] || exit 0
mkdir -p /usr/local/share/ca-certificates
printf '%s\n' "$1" |
  awk '/BEGIN CERTIFICATE/ { n++ } n { print > ("/usr/local/share/ca-certificates/berth-extra-" n ".crt") }'
