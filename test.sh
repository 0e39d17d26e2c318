#!/usr/bin/env bash
# Runs every test of SettingControl on a fresh Debian machine with only the .NET 10 SDK:
# installs what the tests need when it is missing, builds, runs all test projects and prints
#   tests: N passed, N failed
# as its last line. Exit code is non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Debian packages the tests use: chromium for the browser tests (Playwright drives Debian's
# /usr/bin/chromium; it never downloads a browser of its own); ffmpeg and sox for the audio tests,
# which make MP3, FLAC, Ogg and Opus files and compare against ffmpeg's own decode (never skipped);
# mosquitto (the broker and mosquitto_passwd) for the tests that prove the generated Mosquitto config;
# mosquitto-clients and jq for the test that runs the README's traffic-watching command as written;
# npm (with nodejs) for axe-core, which the accessibility browser test injects into the page;
# snapserver and snapclient for the Snapcast tests, which start a private server and a client playing to a file
# (each on free ports of its own: the packages' services, where systemd starts them, keep to the default ports).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v sox >/dev/null 2>&1 || missing+=(sox)
{ [ -x /usr/sbin/mosquitto ] && command -v mosquitto_passwd >/dev/null; } || missing+=(mosquitto)
command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -x /usr/bin/snapserver ] || missing+=(snapserver)
[ -x /usr/bin/snapclient ] || missing+=(snapclient)
# postgresql for the cluster tests (Cluster:Provider=PostgreSQL): a private server started below.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    # Debian's package would create and start its own server on port 5432; the tests run a private one instead.
    as_root mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" | as_root tee /etc/postgresql-common/createcluster.d/settingcontrol-tests.conf >/dev/null
  fi
  as_root apt-get update -qq >/dev/null
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "test.sh: could not install ${missing[*]}" >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
  fi
fi

# The test project's npm packages (axe-core), exactly as its package-lock.json pins them.
if ! (cd tests/SettingControl.Integration.Tests && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
  echo "test.sh: npm ci failed in tests/SettingControl.Integration.Tests" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

results="$PWD/TestResults"
rm -rf "$results"

# A private PostgreSQL for the cluster tests: its own data directory and free loopback port, run as the postgres
# user (CI runs as root, which PostgreSQL refuses), stopped at the end however this script ends. The tests read its
# address from SETTINGCONTROL_TEST_POSTGRES (tests/SettingControl.Testing/PostgresServer.cs starts one itself without it).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir=$(mktemp -d /tmp/settingcontrol-test-pg-XXXXXXXX)
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
pg_port=$(free_port)
as_postgres() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pg_dir"
stop_postgres() {
  as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT
if ! as_postgres "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --no-instructions >"$pg_dir/initdb.log" 2>&1 \
   || ! as_postgres "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
        -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null; then
  echo "test.sh: could not start a private PostgreSQL in $pg_dir" >&2
  cat "$pg_dir"/*.log >&2 2>/dev/null
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
export SETTINGCONTROL_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
echo "test.sh: private PostgreSQL on 127.0.0.1:$pg_port"

if ! dotnet build SettingControl.sln -c Release -nologo -clp:ErrorsOnly; then
  echo "test.sh: build failed" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

# One test assembly at a time: the integration tests start real hosts, brokers and browsers, and
# this machine has two cores.
dotnet test SettingControl.sln -c Release --no-build -m:1 \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?

passed=0
failed=0

# The benchmark harness runs every scenario with tiny sizes so it never rots (its figures mean nothing here;
# real figures come from a full run: see docs/benchmarks.md). It counts as one test.
bench_passed=0
bench_failed=0
if dotnet run -c Release --no-build --project bench/SettingControl.Bench -- all --smoke > "$results/bench-smoke.log" 2>&1; then
  bench_passed=1
  echo "test.sh: benchmark smoke run passed"
else
  bench_failed=1
  echo "test.sh: benchmark smoke run FAILED; see $results/bench-smoke.log" >&2
  tail -20 "$results/bench-smoke.log" >&2
fi
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
done

passed=$((passed + bench_passed))
failed=$((failed + bench_failed))

if [ ${#trx_files[@]} -eq 0 ] || [ "$passed" -eq 0 ]; then
  # No results at all means the run itself broke: never report that as green.
  failed=$((failed + 1))
fi
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then
  failed=1
fi

# Name every failed test just above the summary, so the tail of a CI log says what broke.
for trx in "${trx_files[@]}"; do
  grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" \
    | sed -n 's/.*testName="\([^"]*\)".*/test.sh: FAILED \1/p'
done

echo "tests: $passed passed, $failed failed"
[ $failed -eq 0 ]
