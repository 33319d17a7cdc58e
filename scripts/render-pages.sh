#!/usr/bin/env bash
# Renders the report.html of a run, a replicated run, a sweep and a compare to PNG with headless
# Chromium, so a reviewer can see that nothing overflows at 1280 px. Not part of CI.
#
#   scripts/render-pages.sh [OUT_DIR]        (default: output/pages)
#
# Needs a release build's dependencies (cargo) and Chromium from the OS packages
# (Debian/Ubuntu: apt-get install chromium). Run as root, Chromium needs --no-sandbox there.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-output/pages}
mkdir -p "$out"

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "render-pages: no chromium on PATH (apt-get install chromium)" >&2
  exit 2
fi

cargo build --release --quiet
bin=target/release/routesim

"$bin" run scenarios/default.toml --out "$out/run" --charts none >/dev/null
"$bin" run scenarios/default.toml --replications 5 --out "$out/run-replicated" --charts none >/dev/null
"$bin" run scenarios/full_featured.toml --out "$out/run-full" --charts none >/dev/null
"$bin" sweep scenarios/sweep-default.toml --out "$out/sweep" --charts none >/dev/null
# A compare that finds a difference: the default against itself with fewer English agents.
sed 's/^count = 12$/count = 9/' scenarios/default.toml > "$out/default-fewer.toml"
"$bin" compare scenarios/default.toml "$out/default-fewer.toml" --replications 5 \
  --out "$out/compare" >/dev/null || true   # exit 1 when B regressed: expected here

# The pages once more with their charts, since that is what a reader opens.
"$bin" run scenarios/default.toml --out "$out/run" >/dev/null
"$bin" run scenarios/default.toml --replications 5 --out "$out/run-replicated" >/dev/null
"$bin" run scenarios/full_featured.toml --out "$out/run-full" >/dev/null
rm -rf "$out/sweep"
"$bin" sweep scenarios/sweep-default.toml --out "$out/sweep" >/dev/null

render() {
  local page=$1 png=$2 height=$3
  local profile
  profile=$(mktemp -d)
  "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --screenshot="$png" --window-size=1280,"$height" \
    "file://$(realpath "$page")" >/dev/null 2>&1
  rm -rf "$profile"
  echo "rendered $png"
}

for name in run run-replicated run-full sweep compare; do
  render "$out/$name/report.html" "$out/$name-top.png" 1600
  render "$out/$name/report.html" "$out/$name-full.png" 12000
done
