#!/usr/bin/env bash
# Install the Debian packages Viza needs at run time, only those that are missing.
#
#   bash scripts/system-deps.sh
#
# weasyprint (the memo PDF) loads Pango, HarfBuzz and Fontconfig through cffi;
# libharfbuzz-subset0 lets it subset the shipped fonts quickly (without it weasyprint 70
# spends about 0.4 s more on every PDF). The PDF's fonts ship in formats/fonts, so no font
# package is required. Quick when everything is present: only `dpkg-query` runs.
# Not root: prints what is missing and exits 0 (a warning, not a failure).
set -euo pipefail

PACKAGES=(
    libpango-1.0-0
    libpangoft2-1.0-0
    libharfbuzz0b
    libharfbuzz-subset0
    libfontconfig1
)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: WARNING: not a Debian-like system; install Pango, HarfBuzz (with" \
        "its subset library) and Fontconfig yourself." >&2
    exit 0
fi

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "system-deps: all present (${PACKAGES[*]})"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "system-deps: WARNING: missing ${missing[*]}; not root, so not installing." >&2
    echo "system-deps: run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
install() {
    apt-get install -y --no-install-recommends "${missing[@]}"
}
echo "system-deps: installing ${missing[*]}"
# The package lists may already be fresh enough; refresh them only if the install fails.
if ! install; then
    apt-get update
    install
fi
echo "system-deps: done"
