#!/usr/bin/env bash
# One command runs every check: formatting, clippy (server and wasm builds), the wasm build's
# dependency hygiene, unit and integration tests on SQLite, the same integration tests on Postgres
# when TEST_POSTGRES_URL is set, and the browser (E2E) suite against the real built service.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)
echo "disk free where target/ lives: $(df -h . | awk 'NR==2{print $4}')"

scripts/setup.sh

step "formatting"
cargo fmt --all --check

# The product with its simulator (development, tests, benches) and the crates beside it.
dev_features="exact-mcp/ssr,exact-mcp/simulator"
step "clippy: server (ssr + simulator), the crates beside it, tests and benches"
cargo clippy --workspace --exclude end2end --all-targets --features "$dev_features" -- -D warnings
step "the production server builds without the simulator"
# Fails if product code reaches the simulator other than through its feature.
cargo clippy -p exact-mcp --bin exact-mcp --features ssr -- -D warnings
found=$(cargo tree -p exact-mcp --features ssr -e normal --prefix none | sed 's/ .*//' | sort -u | grep -E '^exact-sim$' || true)
if [ -n "$found" ]; then
  echo "the production dependency tree contains the simulator" >&2
  exit 1
fi
echo "ok: exact-mcp --features ssr has no exact-sim in its tree"
step "clippy: browser (hydrate, wasm32)"
cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings
step "clippy: E2E crate"
cargo clippy -p end2end --all-targets -- -D warnings

step "the wasm build contains no server-only crate"
forbidden='^(sqlx|sqlx-core|mio|tokio|axum|hyper|aes-gcm|argon2|leptos_axum|tower-http)$'
found=$(cargo tree -p exact-mcp --target wasm32-unknown-unknown --no-default-features --features hydrate \
          -e normal --prefix none | sed 's/ .*//' | sort -u | grep -E "$forbidden" || true)
if [ -n "$found" ]; then
  echo "server-only crates in the hydrate build: $found" >&2
  exit 1
fi
echo "ok: none of sqlx, mio, tokio, axum, hyper, aes-gcm, argon2 in the wasm dependency tree"

step "unit and integration tests (SQLite)"
cargo test --workspace --exclude end2end --features "$dev_features"

if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  step "integration tests (Postgres at ${TEST_POSTGRES_URL%%@*}@…)"
  TEST_DATABASE_BACKEND=postgres cargo test -p exact-mcp --features "$dev_features" --test it
else
  echo "TEST_POSTGRES_URL is not set: the Postgres pass is skipped (.ci/run sets it)"
fi

step "the /mcp benchmark, briefly (debug build: it must run, its figures are not read here)"
bench_smoke() {
  BENCH_SECONDS=0.3 BENCH_SCALE_USERS=2 BENCH_SCALE_CLIENTS=20 BENCH_SCALE_SECONDS=0.5 \
      cargo test -p exact-mcp --features "$dev_features" --bench mcp
}
bench_smoke
if [ -n "${TEST_POSTGRES_URL:-}" ]; then
  # On Postgres it also runs two replica processes on one database.
  TEST_DATABASE_BACKEND=postgres bench_smoke
fi

step "the admin search benchmark, briefly (debug build: it must run and find the right totals)"
BENCH_ADMIN_USERS=500 BENCH_ADMIN_ROUNDS=3 cargo test -p exact-mcp --features "$dev_features" --bench admin

step "E2E: build the site (wasm, CSS, assets) and serve it with the server the tests built"
# The server binary is the one `cargo test` built above (ssr + simulator, the same sources):
# letting cargo-leptos build it again with its own feature set would recompile the server and a
# good part of its dependencies for nothing (about 10 minutes of a cold run on 2 cores).
cargo leptos build --frontend-only
test -x target/debug/exact-mcp || cargo build -p exact-mcp --features "$dev_features" --bin exact-mcp
e2e_dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
e2e_env() {
  env -i PATH="$PATH" HOME="$HOME" \
    DATABASE_URL="sqlite://$e2e_dir/e2e.db" DATA_DIR="$e2e_dir" \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" PUBLIC_URL="http://127.0.0.1:$port" LEPTOS_SITE_ROOT="$root/target/site" \
    RUST_LOG=warn "$@"
}
# The administrator the admin panel's browser test signs in as, made the way an operator does.
e2e_admin="e2e-admin@exact-mcp.example"
printf '%s\n' "kaas-brood-fiets-42" | e2e_env target/debug/exact-mcp user create --email "$e2e_admin" --admin >/dev/null
e2e_env target/debug/exact-mcp serve >"$e2e_dir/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
trap cleanup EXIT
step "E2E: browser tests (Chromium via playwright-rs)"
if ! (cd end2end && E2E_BASE_URL="http://127.0.0.1:$port" E2E_ADMIN_EMAIL="$e2e_admin" cargo test); then
  echo "--- server log ---" >&2; tail -50 "$e2e_dir/server.log" >&2
  exit 1
fi
cleanup
trap - EXIT

echo
echo "all checks passed in $(( $(date +%s) - started )) s"
