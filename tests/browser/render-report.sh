#!/usr/bin/env bash
# Renders the report.html of `partnersim run` and of `partnersim compare` in headless Chromium and
# checks that each is self-contained (no scripts, no external resources), that Chromium parses it,
# and that its screenshot is a real page rather than a blank one.
#
# Usage: bash tests/browser/render-report.sh [OUTPUT_DIR]
# Uses target/release/partnersim (built if missing; PARTNERSIM=path overrides it) and Debian's
# chromium package, installed with apt-get when /usr/bin/chromium is missing. Screenshots are left
# in OUTPUT_DIR (default: a temporary directory, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${PARTNERSIM:-target/release/partnersim}
if [ ! -x "$bin" ]; then
  cargo build --release --locked
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

profile=$(mktemp -d)
if [ $# -ge 1 ]; then
  out=$1
  mkdir -p "$out"
  trap 'rm -rf "$profile"' EXIT
else
  out=$(mktemp -d)
  trap 'rm -rf "$profile" "$out"' EXIT
fi

"$bin" run scenarios/reference.toml --rollouts 2000 --seed 1 --out "$out/run" --force >/dev/null
"$bin" compare scenarios/reference.toml scenarios/what-if/pooled-budget.toml \
  scenarios/what-if/five-year-funding.toml --rollouts 2000 --seed 1 --out "$out/compare" \
  --force >/dev/null

chromium_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars
  --user-data-dir="$profile")

fail=0
check() {
  local name=$1 html=$2 needle=$3
  local png="$out/$name.png"
  # Self-contained: nothing to fetch, nothing to run.
  for bad in 'http://' 'https://' '<script' '<link' '<img' 'url(' '@import'; do
    if grep -qiF -- "$bad" "$html"; then
      echo "FAIL $name: report.html contains '$bad'" >&2
      fail=1
    fi
  done
  # Chromium parses it into the expected document.
  local dom
  dom=$(timeout 120 chromium "${chromium_flags[@]}" --dump-dom "file://$html" 2>/dev/null)
  if ! grep -qF -- "$needle" <<<"$dom"; then
    echo "FAIL $name: Chromium's DOM lacks '$needle'" >&2
    fail=1
  fi
  if [ "$(grep -o '<svg ' <<<"$dom" | wc -l)" -lt 3 ]; then
    echo "FAIL $name: Chromium's DOM lacks the three charts" >&2
    fail=1
  fi
  # A screenshot that is a page, not a blank: big enough, and many distinct colours.
  rm -f "$png"
  timeout 120 chromium "${chromium_flags[@]}" --window-size=1200,3000 --screenshot="$png" \
    "file://$html" >/dev/null 2>&1 || true
  if [ ! -s "$png" ]; then
    echo "FAIL $name: no screenshot" >&2
    fail=1
    return
  fi
  local size colours
  size=$(stat -c %s "$png")
  colours=$(python3 tests/browser/png_colours.py "$png")
  echo "$name: $png, $size bytes, $colours distinct colours"
  if [ "$size" -lt 60000 ] || [ "$colours" -lt 50 ]; then
    echo "FAIL $name: the screenshot looks blank" >&2
    fail=1
  fi
}

check run "$(realpath "$out/run/report.html")" "What stopped the rest"
check compare "$(realpath "$out/compare/report.html")" "The findings"

if [ "$fail" -ne 0 ]; then
  echo "render-report: 0 passed, 1 failed" >&2
  exit 1
fi
echo "render-report: both reports render in Chromium"
