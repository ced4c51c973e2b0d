#!/usr/bin/env bash
# One command for a fresh machine: install what is missing, build, and serve
# http://127.0.0.1:3000 on SQLite (data/exact-mcp.db, created and migrated at start) with the
# embedded Exact simulator. Pass --release for an optimised build.
set -euo pipefail
cd "$(dirname "$0")/.."
SETUP_BROWSER=0 scripts/setup.sh
profile=debug
if [ "${1:-}" = "--release" ]; then
  cargo leptos build --release
  profile=release
else
  cargo leptos build
fi
exec env APP_ENV="${APP_ENV:-development}" LEPTOS_SITE_ROOT=target/site "target/$profile/exact-mcp" serve
