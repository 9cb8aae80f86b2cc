#!/usr/bin/env bash
# PostgreSQL and Redis from Debian's packages, for the production-profile tests and the capacity benchmark
# (the tests start their own servers on loopback; nothing is started here). Safe to run again: does nothing
# when both are installed. Without root (or sudo) it says so and the tests that need them are skipped.
set -euo pipefail
have_postgres() { ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; }
if have_postgres && command -v redis-server >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then as_root=(); elif command -v sudo >/dev/null 2>&1; then as_root=(sudo); else
  echo "plainhealth: PostgreSQL and Redis are not installed and this user cannot install them;" \
    "the production-profile tests will be skipped (as root: apt-get install postgresql redis-server)." >&2
  exit 0
fi
echo "plainhealth: installing PostgreSQL and Redis from Debian's packages (for the production-profile tests)"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  postgresql redis-server
