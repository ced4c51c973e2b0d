#!/usr/bin/env bash
# Installs whatever this machine lacks to build and test exact-mcp. Idempotent: every step is
# guarded, so a second run takes seconds. Only package registries are used (crates.io, npm,
# Debian); versions are pinned where newer ones are known not to build here.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

CARGO_LEPTOS_VERSION=0.3.10      # 0.3.11 needs a newer rustc than 1.95
WASM_BINDGEN_VERSION=0.2.129     # must equal the wasm-bindgen pin in Cargo.toml

# The build tools only orchestrate the build, so they need not be compiled with full optimisation.
# cargo-leptos hands the real work to rustc, Tailwind and wasm-bindgen: a debug build installs in a
# third of the CPU time of even the light profile and builds the site as fast. wasm-bindgen itself
# rewrites the wasm, so it gets the light profile (opt-level 1, no LTO, parallel codegen).
light_install() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false \
  CARGO_PROFILE_RELEASE_STRIP=true cargo install --locked "$@"
}

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  step "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION (debug build)"
  cargo install --locked --debug cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  light_install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  step "installing Node.js and npm"
  $SUDO apt-get update
  $SUDO apt-get install -y nodejs npm
fi

# Tailwind and wasm-opt come from npm, locally: cargo-leptos puts node_modules/.bin first on PATH.
if [ ! -x node_modules/.bin/tailwindcss ] || [ ! -x node_modules/.bin/wasm-opt ] \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing Tailwind and binaryen from npm"
  # Not `npm ci`: npm 11 leaves Tailwind's optional per-platform packages out of the lock file and
  # then refuses it. Versions are pinned exactly in package.json; --no-save keeps the lock as is.
  npm install --no-audit --no-fund --no-save
fi

if [ "${SETUP_BROWSER:-1}" = "1" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    step "installing Chromium from Debian (for the E2E tests)"
    $SUDO apt-get update
    $SUDO apt-get install -y chromium
  fi
  if [ ! -f end2end/node_modules/playwright-core/cli.js ] \
     || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    step "installing the Playwright driver from npm"
    (cd end2end && npm install --no-audit --no-fund --no-save)
  fi
fi
