#!/usr/bin/env bash
# PostgreSQL tools for the Postgres→Postgres copy tests. Run it (`bash scripts/pg-tools.sh`) or source it; idempotent,
# silent when everything is already there, one line per thing it installs, one line saying why when it cannot.
#
#  1. From the system's Debian (bookworm) packages, with apt-get (as root, or with SUDO=sudo), only when missing:
#     the PostgreSQL 15 server and client (postgresql-15), PostGIS for it (postgresql-15-postgis-3), and pgcopydb.
#     With BYOS_SYSTEM_PG_BIN set (your own server binaries), PostgreSQL 15 and PostGIS are not installed.
#  2. pg_dump, pg_restore and psql of major 18 (the embedded test server's major; bookworm has none, and a pg_dump
#     refuses a newer server) into .tools/pg18 (git-ignored): postgresql-client-18 and libpq5 from Debian sid,
#     fetched with apt-get under a private configuration in .tools/pg18/apt (/etc/apt and the system's package
#     lists are not touched, nothing is installed with dpkg), unpacked with `dpkg -x` into .tools/pg18/root together
#     with sid's libc6 (the binaries need GLIBC 2.38, bookworm has 2.36) and libldap2. The wrappers
#     .tools/pg18/bin/{pg_dump,pg_restore,psql} run each binary through sid's dynamic loader, with sid's libraries
#     first and the system's after (for libssl, libzstd, liblz4, zlib, readline, ...).
#     BYOS_DEBIAN_MIRROR overrides the mirror (default http://deb.debian.org/debian).
byos_pg_tools() (
  set -euo pipefail
  local root pg18 mirror
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  pg18="$root/.tools/pg18"
  mirror="${BYOS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

  fail() { echo "pg-tools: $*" >&2; exit 1; }
  installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

  # 1. Debian packages of the system's release.
  local wanted=() missing=() pkg
  [ -z "${BYOS_SYSTEM_PG_BIN:-}" ] && wanted+=(postgresql-15 postgresql-client-15 postgresql-15-postgis-3)
  wanted+=(pgcopydb)
  for pkg in "${wanted[@]}"; do installed "$pkg" || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || fail "missing ${missing[*]} and no apt-get to install them (Debian/Ubuntu only)"
    local log
    log="$(mktemp)"
    # A stale package list gives 404s: refresh it once and retry.
    if ! ${SUDO:-} apt-get install -y -q "${missing[@]}" >"$log" 2>&1; then
      ${SUDO:-} apt-get update -q >>"$log" 2>&1 || true
      ${SUDO:-} apt-get install -y -q "${missing[@]}" >>"$log" 2>&1 ||
        { local why; why="$(grep -E '^(E|W):' "$log" | head -n 1)"; rm -f "$log"
          local hint=''; [ "$(id -u)" = 0 ] || [ -n "${SUDO:-}" ] || hint=' (run as root, or with SUDO=sudo)'
          fail "cannot apt-get install ${missing[*]}${why:+: $why}$hint"; }
    fi
    rm -f "$log"
    for pkg in "${missing[@]}"; do
      installed "$pkg" || fail "apt-get ran but $pkg is still not installed"
      echo "pg-tools: installed $pkg $(dpkg-query -W -f='${Version}' "$pkg")"
    done
  fi

  # 2. PostgreSQL 18 client tools from sid, unpacked under .tools/pg18.
  if "$pg18/bin/pg_dump" --version 2>/dev/null | grep -q ' 18\.' &&
     "$pg18/bin/pg_restore" --version 2>/dev/null | grep -q ' 18\.' &&
     "$pg18/bin/psql" --version 2>/dev/null | grep -q ' 18\.'; then
    return 0
  fi
  command -v apt-get >/dev/null && command -v dpkg >/dev/null || fail "PostgreSQL 18 client tools need apt-get and dpkg (Debian/Ubuntu)"
  [ "$(dpkg --print-architecture)" = amd64 ] || fail "PostgreSQL 18 client tools: only amd64 is supported (this is $(dpkg --print-architecture))"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || fail "no $keyring (apt-get install debian-archive-keyring)"
  local apt="$pg18/apt"
  rm -rf "$apt" "$pg18/root" "$pg18/bin"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$pg18/root" "$pg18/bin"
  echo "deb [signed-by=$keyring] $mirror sid main" >"$apt/sources.list"
  local opts=(
    -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
    -o Dir::Etc::Preferences=/nonexistent -o Dir::Etc::PreferencesParts=/nonexistent
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
    -o APT::Sandbox::User=root -o Acquire::Languages=none -q
  )
  local log="$apt/log"
  apt-get "${opts[@]}" update >"$log" 2>&1 ||
    fail "apt-get update from $mirror sid failed: $(grep -E '^(E|W|Err):' "$log" | head -n 1) (full log: $log)"
  # libc6: the sid binaries need GLIBC 2.38; libldap2: libpq5's LDAP library, renamed in sid (libldap-2.5-0 in bookworm).
  (cd "$apt/debs" && apt-get "${opts[@]}" download postgresql-client-18 libpq5 libc6 libldap2 >>"$log" 2>&1) ||
    fail "apt-get download of postgresql-client-18 libpq5 libc6 libldap2 from $mirror sid failed: $(grep -E '^(E|W|Err):' "$log" | head -n 1) (full log: $log)"
  local deb
  for deb in "$apt/debs"/*.deb; do dpkg -x "$deb" "$pg18/root" || fail "dpkg -x $deb failed"; done
  local r="$pg18/root" tool
  for tool in pg_dump pg_restore psql; do
    [ -x "$r/usr/lib/postgresql/18/bin/$tool" ] || fail "postgresql-client-18 from sid has no $tool"
    cat >"$pg18/bin/$tool" <<EOF
#!/bin/sh
# Written by scripts/pg-tools.sh: $tool 18 from Debian sid, run through sid's loader (bookworm's glibc is too old).
root="\$(cd "\$(dirname "\$0")/../root" && pwd)"
exec "\$root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "\$root/usr/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" "\$root/usr/lib/postgresql/18/bin/$tool" "\$@"
EOF
    chmod 755 "$pg18/bin/$tool"
    local version
    version="$("$pg18/bin/$tool" --version 2>&1)" || fail "$tool 18 does not run: $(echo "$version" | head -n 1)"
    echo "$version" | grep -q ' 18\.' || fail "$tool from sid is not major 18: $version"
    echo "pg-tools: installed $version into .tools/pg18/bin"
  done
  rm -rf "$apt/debs" "$apt/cache" "$apt/lists"
)

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  byos_pg_tools
else
  byos_pg_tools || return 1
fi
