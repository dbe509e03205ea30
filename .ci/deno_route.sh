#!/usr/bin/env bash
# The README's Deno route, as a Deno user meets it: a fresh clone of this checkout's HEAD, with
# no node_modules, and a Deno on PATH that lives outside the clone (the one npm installed into
# tools/deno). Runs `deno task check`, `deno test -A` on one integration file (the tests build
# the browser assets themselves), and `deno task start` until `/` answers; then fails if any of
# them changed a tracked file (deno.lock above all) or left an untracked one.
# Needs `npm install` to have run in this checkout. Takes about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."

deno_exe="$(readlink -f tools/deno/node_modules/.bin/deno)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM -- "-$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/bin"
ln -s "$deno_exe" "$work/bin/deno"
git clone --quiet . "$work/clone"
cd "$work/clone"
export PATH="$work/bin:$PATH"
unset DENO_NO_PACKAGE_JSON

fail() {
  echo "deno route: FAILED: $*" >&2
  exit 1
}
clean_or_fail() {
  local changes
  changes="$(git status --porcelain)"
  [ -z "$changes" ] || fail "'$1' changed the clone:"$'\n'"$changes"$'\n'"$(git diff)"
}

echo "deno route: $(command -v deno), $(deno --version | head -n 1), in a fresh clone"

deno task check >"$work/check.log" 2>&1 || { cat "$work/check.log"; fail "deno task check"; }
clean_or_fail "deno task check"
echo "deno route: deno task check passed"

NO_COLOR=1 deno test -A tests/integration_auth_test.ts >"$work/test.log" 2>&1 ||
  { cat "$work/test.log"; fail "deno test -A tests/integration_auth_test.ts"; }
grep -E "ok \| [1-9][0-9]* passed \| 0 failed" "$work/test.log" >/dev/null ||
  { cat "$work/test.log"; fail "deno test -A ran no test"; }
clean_or_fail "deno test -A"
echo "deno route: deno test -A tests/integration_auth_test.ts passed"

port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
  console.log(s.address().port);
  s.close();
});')"
# Its own process group, so that the server and its workers stop together.
PORT="$port" KV_PATH=":memory:" setsid deno task start >"$work/start.log" 2>&1 &
server_pid=$!
status=""
for _ in $(seq 1 120); do
  status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)"
  case "$status" in 2?? | 3??) break ;; esac
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/start.log"; fail "deno task start exited"; }
  sleep 0.5
done
case "$status" in
  2?? | 3??) ;;
  *) cat "$work/start.log"; fail "deno task start: / answered '$status' after 60 s" ;;
esac
kill -TERM -- "-$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
clean_or_fail "deno task start"
echo "deno route: deno task start served / ($status) on port $port"

echo "deno route: ok, the clone is unchanged"
