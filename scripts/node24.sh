#!/usr/bin/env bash
# Source this file to put Node >= 22.18 first on PATH (the repository runs TypeScript through Node's type stripping).
# When the machine's node is older, Node 24 comes from the npm registry's `node` package
# (no other download), into .tools/node24. Native addons (better-sqlite3) are then built
# against that Node's own headers, not the machine's (npm_config_nodedir).
byos_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node_ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null; }
if ! node_ok; then
  tools="$byos_root/.tools/node24"
  if [ ! -x "$tools/node_modules/.bin/node" ]; then
    echo "byos: machine node is $(node -v 2>/dev/null || echo missing); installing Node 24 from the npm registry into .tools/node24" >&2
    mkdir -p "$tools"
    (cd "$tools" && [ -f package.json ] || echo '{"private":true}' > package.json)
    npm install --prefix "$tools" --no-save node@24 >/dev/null || { echo "byos: could not install node@24" >&2; return 1 2>/dev/null || exit 1; }
  fi
  node_home="$(dirname "$(readlink -f "$tools/node_modules/.bin/node")")"
  export PATH="$node_home:$tools/node_modules/.bin:$PATH"
  headers="$(find "$tools/node_modules" -path '*/include/node/node_version.h' -print -quit)"
  [ -n "$headers" ] && export npm_config_nodedir="${headers%/include/node/node_version.h}"
fi
unset -f node_ok
