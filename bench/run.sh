#!/usr/bin/env bash
# The pgkeep benchmark: pgkeep backup/restore against pg_dump/pg_restore on deterministic datasets, same run,
# alternating (each repetition starts one command later), medians. This script measures; bench/BenchReport.java
# computes the statistics and prints one Markdown table per dataset (also written to bench/out/, next to the raw
# results). See docs/performance.md.
#
#   bench/run.sh                      # ~1 GB default dataset, 3 repetitions, on a throwaway local cluster
#   bench/run.sh --dataset default,mixed --size-mb 500   # both realistic datasets, one table each
#   bench/run.sh --size-mb 250 --reps 5 --quick
#   bench/run.sh --scaling            # 0.25, 0.5 and 1 GB: time and peak RSS of backup and restore
#   bench/run.sh --host H --port P --user U   # use an existing server (PGPASSWORD for the password)
#
# Options: --dataset default|mixed|default,mixed (default: bench/dataset.sql; mixed: bench/dataset-mixed.sql, 200
# tables, one 40 % of the data, compresses worse), --size-mb MB (each dataset's size), --reps N (repetitions, >= 3
# for medians), --catalog-tables N (the catalog rows' table count, default 2000; 0: no catalog rows), --quick (no
# gzip rows), --keep (keep the work folder), --scaling, --scaling-sizes "MB MB...".
# Environment: PGKEEP (the pgkeep command, default bin/pgkeep), PG_BIN (PostgreSQL's bin folder),
# BENCH_OUT (where results go, default bench/out), BENCH_S3=0 (no S3 rows), BENCH_S3_CP (class path holding
# test-support and s3proxy; default: resolved with ./mvnw), BENCH_WARMUP=0 (no warm-up run).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
size_mb=1000
reps=3
scaling=0
scaling_sizes="250 500 1000"
host=""
port=""
user=""
keep=0
quick=0
datasets=default
catalog_tables=2000

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) size_mb=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --scaling) scaling=1; shift ;;
    --scaling-sizes) scaling=1; scaling_sizes=$2; shift 2 ;;
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --quick) quick=1; shift ;; # skips the slow gzip rows (for tuning loops)
    --dataset) datasets=$2; shift 2 ;;
    --catalog-tables) catalog_tables=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

# ------------------------------------------------------------------ prerequisites
die() { echo "bench: $*" >&2; exit 1; }
for d in ${datasets//,/ }; do
  case "$d" in default|mixed) ;; *) die "unknown dataset '$d'; use default, mixed or default,mixed" ;; esac
done
[[ "$catalog_tables" =~ ^[0-9]+$ ]] || die "--catalog-tables needs a number (0: no catalog rows), got '$catalog_tables'"
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_dump" ] || die "no PostgreSQL binaries found; install postgresql (Debian: apt-get install -y postgresql) or set PG_BIN."
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing; it measures peak memory. Install it: apt-get install -y time"
/usr/bin/time -f %M true >/dev/null 2>&1 || die "/usr/bin/time is not GNU time (needs -f %M); apt-get install -y time"
for tool in gzip zstd sort java; do
  command -v $tool >/dev/null || die "$tool is missing (Debian: apt-get install -y $tool)."
done
PGKEEP=${PGKEEP:-$here/bin/pgkeep}
if [ "$PGKEEP" = "$here/bin/pgkeep" ]; then
  ls "$here"/cli/target/pgkeep-cli-*-all.jar >/dev/null 2>&1 || "$here/bin/pgkeep" --version >/dev/null
fi
export PATH="$PG_BIN:$PATH"

out_dir=${BENCH_OUT:-$here/bench/out}
mkdir -p "$out_dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/pgkeep-bench.XXXXXX")
chmod 755 "$work"
results=$work/results.tsv
new_results() { # starts the raw results of one report
  echo "# bench/run.sh's raw results; the format, and the report: java bench/BenchReport.java THIS_FILE" >"$results"
}
new_results
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# ------------------------------------------------------------------ the server
own_cluster=0
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
s3_pid=""
cleanup() {
  if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null || true; fi
  if [ "$own_cluster" = 1 ]; then as_pg "$PG_BIN/pg_ctl" -D "$work/pgdata" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -d "$work/gnupg" ]; then gpgconf --homedir "$work/gnupg" --kill gpg-agent >/dev/null 2>&1 || true; fi
  if [ "$keep" = 0 ]; then rm -rf "$work"; else log "kept $work"; fi
}
trap cleanup EXIT

if [ -z "$host" ]; then
  own_cluster=1
  host=127.0.0.1
  user=postgres
  port=${port:-$((20000 + RANDOM % 20000))}
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' OS user to run initdb as (useradd --system postgres)."
    mkdir -p "$work/pgdata" && chown postgres "$work/pgdata"
  fi
  log "initdb in $work/pgdata (port $port)"
  as_pg "$PG_BIN/initdb" -D "$work/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  # tuned for a throwaway benchmark server: durability off (fsync=off), so generation is fast; reads are unaffected
  cat >>"$work/pgdata/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$work/pgdata'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
checkpoint_timeout = 30min
shared_buffers = 512MB
maintenance_work_mem = 256MB
autovacuum = off
EOF
  as_pg "$PG_BIN/pg_ctl" -D "$work/pgdata" -l "$work/pgdata/server.log" -w start >/dev/null \
    || { cat "$work/pgdata/server.log" >&2; die "the benchmark server did not start"; }
fi
[ -n "$port" ] && [ -n "$user" ] || die "with --host, give --port and --user too"
export PGHOST=$host PGPORT=$port PGUSER=$user PGOPTIONS="-c client_min_messages=warning"
base_url="postgresql://$user@$host:$port"
psql_q() { psql -X -q -v ON_ERROR_STOP=1 -At "$@"; }

# ------------------------------------------------------------------ measurement
# measure NAME COMMAND REP [OUTPUT]: runs COMMAND (a shell string) under GNU time and records one line:
# run, repetition, name, ok|failed, wall seconds, peak RSS (KiB), user and sys CPU seconds, OUTPUT's bytes (if given)
measure() {
  local name=$1 cmd=$2 rep=$3 output=${4:-} status=ok secs=0 rss=0 user=0 sys=0 bytes=""
  sync # start every measurement with no dirty pages left by the previous one (restores, output files)
  if /usr/bin/time -f '%e %M %U %S' -o "$work/time.txt" bash -c "$cmd" >"$work/cmd.out" 2>"$work/cmd.err"; then
    read -r secs rss user sys <"$work/time.txt"
    [ -z "$output" ] || bytes=$(du -sb "$output" | cut -f1)
  else
    status=failed
    log "FAILED: $name: $(tail -n 5 "$work/cmd.err")"
  fi
  printf 'run\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$name" "$status" "$secs" "$rss" "$user" "$sys" "$bytes" >>"$results"
}
info() { printf 'info\t%s\t%s\n' "$1" "$2" >>"$results"; } # KEY VALUE: a fact for the report's header

# The commands of one repetition, in the table's order. step NAME COMMAND [OUTPUT] adds one (OUTPUT: see measure).
steps_reset() { step_names=(); step_cmds=(); step_outputs=(); }
step() { step_names+=("$1"); step_cmds+=("$2"); step_outputs+=("${3:-}"); }
# run_steps REP: every step once, rotated: repetition REP starts with step (REP-1) mod n, so no command always runs
# first (after the previous repetition) and the first repetition runs in the table's order (the report's row order).
# After each step, untimed: its output is removed and the database "restored" dropped.
run_steps() {
  local r=$1 n=${#step_names[@]} k i
  for ((k = 0; k < n; k++)); do
    i=$(((r - 1 + k) % n))
    measure "${step_names[i]}" "${step_cmds[i]}" "$r" "${step_outputs[i]}"
    [ -z "${step_outputs[i]}" ] || rm -rf "${step_outputs[i]}"
    drop_db restored
  done
}

drop_db() { psql_q -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" >/dev/null; }

create_dataset() { # DBNAME SIZE_MB [KIND: default|mixed]
  local db=$1 mb=$2 kind=${3:-default}
  drop_db "$db"
  psql_q -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null
  local t0=$SECONDS
  if [ "$kind" = mixed ]; then
    log "generating $db: the mixed dataset, 200 tables, ~$mb MB"
    psql_q -d "$db" -v mb="$mb" -f "$here/bench/dataset-mixed.sql" >/dev/null
  else
    local events=$((mb * 1500)) customers=$((mb * 215))
    [ "$customers" -ge 100 ] || customers=100
    log "generating $db: $events events, $customers customers"
    psql_q -d "$db" -v events=$events -v customers=$customers -f "$here/bench/dataset.sql" >/dev/null
  fi
  log "generated $db in $((SECONDS - t0)) s: $(psql_q -d "$db" -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
}

describe_dataset() { # DBNAME KIND: the header's description of a generated dataset
  if [ "$2" = mixed ]; then
    psql_q -d "$1" -c "SELECT count(*) || ' tables in 4 schemas (ledger, telemetry, crm, content), the largest (content.documents) '
        || round(100.0 * max(s) FILTER (WHERE relname = 'documents') / sum(s)) || ' % of the tables'' bytes, the next '
        || round(100.0 * (array_agg(s ORDER BY s DESC))[2] / sum(s)) || ' %; text, bytea, uuid, numeric, float8, inet, jsonb, text[], '
        || (SELECT count(*) FROM pg_indexes WHERE schemaname IN ('ledger', 'telemetry', 'crm', 'content')) || ' indexes, a view, a foreign key'
      FROM (SELECT c.relname, pg_total_relation_size(c.oid) AS s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname IN ('ledger', 'telemetry', 'crm', 'content')) t"
  else
    psql_q -d "$1" -c "SELECT (SELECT count(*) FROM app.events) || ' events, ' || (SELECT count(*) FROM shop.customers)
        || ' customers, jsonb, numeric, uuid, timestamptz, 3 schemas, 6 indexes, a foreign key'"
  fi
}

machine() { # the header's machine, postgresql, jdk and server facts
  local cpu kib
  cpu=$(sed -n '/^model name/ {s/^[^:]*: //p; q}' /proc/cpuinfo 2>/dev/null || true)
  kib=$(sed -n 's/^MemTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
  info machine "$(nproc) cores, ${cpu:-unknown CPU}, $(((kib + 524288) / 1048576)) GiB RAM"
  info postgresql "$(psql_q -d postgres -c 'SHOW server_version') (server), $("$PG_BIN/pg_dump" --version)"
  info jdk "$(java -version 2>&1 | head -n 1)${PGKEEP_JAVA_OPTS:+, PGKEEP_JAVA_OPTS=$PGKEEP_JAVA_OPTS}"
  info server "$([ "$own_cluster" = 1 ] && echo "throwaway local cluster (fsync=off, shared_buffers=512MB)" || echo "$host:$port")"
}

# ------------------------------------------------------------------ the main run
# dataset_run KIND FIRST: one table (bench/out/KIND.md) of every row on one dataset; FIRST=1 adds the rows that do not
# depend on the dataset's kind (-Xmx64m, list, catalog), so a run over both datasets measures them once
dataset_run() {
  local kind=$1 first=$2
  local db=pgkeep_bench
  [ "$kind" = default ] || db=pgkeep_bench_$kind
  new_results
  local load_start
  load_start=$(cut -d' ' -f1-3 /proc/loadavg)
  create_dataset $db "$size_mb" "$kind"
  local db_bytes dataset_description
  dataset_description=$(describe_dataset $db "$kind")
  db_bytes=$(psql_q -d $db -c "SELECT pg_database_size(current_database())")
  local url="$base_url/$db"
  local f="$work/files"
  rm -rf "$f" && mkdir -p "$f"
  local dump_conn="-h $host -p $port -U $user"
  local zstd_default
  zstd_default=$("$PGKEEP" backup --help | grep -o 'zstd default [0-9]*' | grep -o '[0-9]*$' || echo '?')
  local restore_to="--db '$base_url/restored' --create --no-safety-backup --json"
  local s3_ref="s3://bench/$kind-ref?endpoint=$s3_endpoint&path-style=true&region=us-east-1"

  # the restore rows' archives, made once (so a restore may run before this repetition's backups)
  log "the restore rows' archives"
  pg_dump $dump_conn -Fc -f "$f/ref.dump" $db
  pg_dump $dump_conn -Fd -j 2 -f "$f/ref.dir" $db
  "$PGKEEP" backup --db "$url" --repo "$f/ref-repo" --json >/dev/null
  [ -z "$gpg_key" ] || "$PGKEEP" backup --db "$url" --repo "$f/ref-pgp" --encrypt-to "$gpg_key" --json >/dev/null
  [ -z "$s3_endpoint" ] || "$PGKEEP" backup --db "$url" --repo "$s3_ref" --json >/dev/null
  [ "$jobs_supported" = 0 ] || "$PGKEEP" backup --db "$url" --repo "$f/ref-dir" --jobs 2 --json >/dev/null
  drop_db restored
  local r level
  for r in $(seq 1 "$reps"); do
    log "$kind: repetition $r of $reps"
    rm -rf "$f"/out* "$work"/repo-*
    steps_reset
    step "pg_dump -Fc -Z0 > /dev/null (floor)" "pg_dump $dump_conn -Fc -Z0 $db > /dev/null"
    step "pgkeep backup (zstd level $zstd_default, the default)" "\"$PGKEEP\" backup --db '$url' --repo '$work/repo-zstd' --json" "$work/repo-zstd/$db"
    step "pg_dump -Fc -f FILE" "pg_dump $dump_conn -Fc -f '$f/out.dump' $db" "$f/out.dump"
    for level in 1 3; do
      step "pg_dump -Fc -Z0 | zstd -$level" "pg_dump $dump_conn -Fc -Z0 $db | zstd -q -$level > '$f/out.zst$level'" "$f/out.zst$level"
      [ "$level" = "$zstd_default" ] && continue
      step "pgkeep backup --level $level" "\"$PGKEEP\" backup --db '$url' --repo '$work/repo-zstd$level' --level $level --json" "$work/repo-zstd$level/$db"
    done
    if [ "$kind" = mixed ]; then # the lower bound of any parallel dump: its largest table, alone
      step "pg_dump -Fc -Z0 -t content.documents > /dev/null (largest table)" "pg_dump $dump_conn -Fc -Z0 -t content.documents $db > /dev/null"
    fi
    step "pg_dump -Fd -j 2 -Z0 (parallel floor)" "pg_dump $dump_conn -Fd -j 2 -Z0 -f '$f/outdir' $db" "$f/outdir"
    if [ "$jobs_supported" = 1 ]; then
      step "pgkeep backup --jobs 2 (directory)" "\"$PGKEEP\" backup --db '$url' --repo '$work/repo-dir' --jobs 2 --json" "$work/repo-dir/$db"
    fi
    if [ -n "$gpg_key" ]; then
      step "pgkeep backup --encrypt-to KEY (OpenPGP)" "\"$PGKEEP\" backup --db '$url' --repo '$work/repo-pgp' --encrypt-to '$gpg_key' --json" "$work/repo-pgp/$db"
    fi
    if [ -n "$s3_endpoint" ]; then
      step "pgkeep backup to S3 (s3proxy on loopback)" "\"$PGKEEP\" backup --db '$url' --repo 's3://bench/$kind-rep$r?endpoint=$s3_endpoint&path-style=true&region=us-east-1' --json" "$work/s3data/bench/$kind-rep$r"
    fi
    if [ "$quick" = 0 ]; then
      step "pg_dump -Fc -Z0 | gzip -6" "pg_dump $dump_conn -Fc -Z0 $db | gzip -6 > '$f/out.gz'" "$f/out.gz"
      step "pgkeep backup --compression gzip" "\"$PGKEEP\" backup --db '$url' --repo '$work/repo-gzip' --compression gzip --json" "$work/repo-gzip/$db"
    fi
    step "pg_restore -d (from pg_dump -Fc file)" "createdb restored && pg_restore $dump_conn -d restored '$f/ref.dump'"
    step "pgkeep restore (zstd, checksum first)" "\"$PGKEEP\" restore --repo '$f/ref-repo' --latest --source $db $restore_to"
    if [ -n "$gpg_key" ]; then
      step "pgkeep restore of an OpenPGP backup (--decrypt-key)" "\"$PGKEEP\" restore --repo '$f/ref-pgp' --latest --source $db --decrypt-key '$gpg_secret' $restore_to"
    fi
    if [ -n "$s3_endpoint" ]; then
      step "pgkeep restore from S3 (s3proxy on loopback)" "\"$PGKEEP\" restore --repo '$s3_ref' --latest --source $db $restore_to"
    fi
    step "pg_restore -j 2 -d (from pg_dump -Fc file)" "createdb restored && pg_restore $dump_conn -j 2 -d restored '$f/ref.dump'"
    step "pgkeep restore --jobs 2" "\"$PGKEEP\" restore --repo '$f/ref-repo' --latest --source $db --jobs 2 $restore_to"
    step "pg_restore -j 2 -d (from pg_dump -Fd -j 2 directory)" "createdb restored && pg_restore $dump_conn -j 2 -d restored '$f/ref.dir'"
    if [ "$jobs_supported" = 1 ]; then
      step "pgkeep restore --jobs 2 (directory backup)" "\"$PGKEEP\" restore --repo '$f/ref-dir' --latest --source $db --jobs 2 $restore_to"
    fi
    run_steps "$r"
  done

  if [ "$first" = 1 ]; then
    log "small heap: -Xmx64m"
    rm -rf "$work/repo-small"
    measure "pgkeep backup, -Xmx64m" "PGKEEP_JAVA_OPTS='-Xmx64m' \"$PGKEEP\" backup --db '$url' --repo '$work/repo-small' --json" 1
    measure "pgkeep restore, -Xmx64m" "PGKEEP_JAVA_OPTS='-Xmx64m' \"$PGKEEP\" restore --repo '$work/repo-small' --latest --source $db $restore_to" 1
    drop_db restored
    if [ -n "$s3_endpoint" ]; then # issue 15's S3 memory target is measured with the small heap
      measure "pgkeep backup to S3, -Xmx64m" "PGKEEP_JAVA_OPTS='-Xmx64m' \"$PGKEEP\" backup --db '$url' --repo 's3://bench/$kind-small?endpoint=$s3_endpoint&path-style=true&region=us-east-1' --json" 1
    fi
    if [ "$jobs_supported" = 1 ]; then
      measure "pgkeep backup --jobs 2, -Xmx64m" "PGKEEP_JAVA_OPTS='-Xmx64m' \"$PGKEEP\" backup --db '$url' --repo '$work/repo-small-dir' --jobs 2 --json" 1
    fi
  fi
  drop_db $db
  rm -rf "$f" "$work"/repo-*

  if [ "$first" = 1 ]; then
    log "pgkeep list on 100 backups"
    list_run
    catalog_run
  fi

  info report benchmark
  info command "bench/run.sh --dataset $datasets --size-mb $size_mb --reps $reps$([ "$quick" = 1 ] && echo " --quick")$([ "$catalog_tables" = 2000 ] || echo " --catalog-tables $catalog_tables")"
  info reps "$reps"
  info dataset "$db_bytes"
  info dataset_name "$kind ($([ "$kind" = mixed ] && echo bench/dataset-mixed.sql || echo bench/dataset.sql))"
  info description "$dataset_description"
  machine
  info load_start "$load_start"
  info load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
  local note
  note=$(modules_note)
  [ -z "$note" ] || info not_measured "$note"
  report "$out_dir/$kind.md"
}

main_run() {
  warm_up
  optional_setup
  local kind first=1
  : >"$work/all.md"
  for kind in ${datasets//,/ }; do
    dataset_run "$kind" "$first"
    cat "$out_dir/$kind.md" >>"$work/all.md"
    echo >>"$work/all.md"
    first=0
  done
  cp "$work/all.md" "$out_dir/latest.md"
  log "all tables in $out_dir/latest.md"
}

# catalog_run: backup and restore of a database of many small tables (bench/dataset-catalog.sql), for the costs per
# object; rows named "catalog: ...", compared with the catalog's own floor and pg_restore
catalog_run() {
  [ "$catalog_tables" -gt 0 ] || return 0
  local db=pgkeep_catalog url="$base_url/pgkeep_catalog" f="$work/catalog" r
  local dump_conn="-h $host -p $port -U $user" restore_to="--db '$base_url/restored' --create --no-safety-backup --json"
  drop_db $db
  psql_q -d postgres -c "CREATE DATABASE $db" >/dev/null
  log "generating $db: $catalog_tables tables"
  psql_q -d $db -v tables="$catalog_tables" -f "$here/bench/dataset-catalog.sql" >/dev/null
  rm -rf "$f" && mkdir -p "$f"
  pg_dump $dump_conn -Fc -f "$f/ref.dump" $db
  "$PGKEEP" backup --db "$url" --repo "$f/ref-repo" --json >/dev/null
  [ "$jobs_supported" = 0 ] || "$PGKEEP" backup --db "$url" --repo "$f/ref-dir" --jobs 2 --json >/dev/null
  for r in $(seq 1 "$reps"); do
    log "catalog: repetition $r of $reps"
    steps_reset
    step "catalog: pg_dump -Fc -Z0 > /dev/null (floor)" "pg_dump $dump_conn -Fc -Z0 $db > /dev/null"
    step "catalog: pgkeep backup" "\"$PGKEEP\" backup --db '$url' --repo '$f/repo' --json" "$f/repo"
    step "catalog: pg_dump -Fc -f FILE" "pg_dump $dump_conn -Fc -f '$f/out.dump' $db" "$f/out.dump"
    if [ "$jobs_supported" = 1 ]; then
      step "catalog: pgkeep backup --jobs 2 (directory)" "\"$PGKEEP\" backup --db '$url' --repo '$f/repo-dir' --jobs 2 --json" "$f/repo-dir"
    fi
    step "catalog: pg_restore -d (from pg_dump -Fc file)" "createdb restored && pg_restore $dump_conn -d restored '$f/ref.dump'"
    step "catalog: pgkeep restore" "\"$PGKEEP\" restore --repo '$f/ref-repo' --latest --source $db $restore_to"
    if [ "$jobs_supported" = 1 ]; then
      step "catalog: pgkeep restore --jobs 2 (directory backup)" "\"$PGKEEP\" restore --repo '$f/ref-dir' --latest --source $db --jobs 2 $restore_to"
    fi
    run_steps "$r"
  done
  info catalog "$catalog_tables tables (25 rows, a primary key and an index each), $((catalog_tables / 50)) views, $((catalog_tables / 100)) sequences and foreign keys; $(psql_q -d $db -c "SELECT pg_size_pretty(pg_database_size(current_database()))") on disk"
  drop_db $db
  rm -rf "$f"
}

gpg_key=""
gpg_secret=""
s3_endpoint=""
jobs_supported=0
optional_setup() { # OpenPGP, S3 and --jobs rows, when this build has those modules and options
  if "$PGKEEP" backup --help 2>/dev/null | grep -q -- '--jobs'; then
    jobs_supported=1
  else
    log "pgkeep backup has no --jobs (directory-format backups) in this build; its rows are skipped"
  fi
  if "$PGKEEP" backup --help 2>/dev/null | grep -q -- '--encrypt-to' && command -v gpg >/dev/null; then
    mkdir -p "$work/gnupg" && chmod 700 "$work/gnupg"
    if gpg --batch --homedir "$work/gnupg" --passphrase '' --pinentry-mode loopback \
        --quick-gen-key 'pgkeep bench <bench@pgkeep.dev>' future-default default never >/dev/null 2>&1 \
        && gpg --batch --homedir "$work/gnupg" --armor --export bench@pgkeep.dev >"$work/bench.pub.asc" 2>/dev/null; then
      gpg_key=$work/bench.pub.asc
      gpg --batch --homedir "$work/gnupg" --passphrase '' --pinentry-mode loopback --armor \
        --export-secret-keys bench@pgkeep.dev >"$work/bench.sec.asc" 2>/dev/null
      gpg_secret=$work/bench.sec.asc
    else
      log "gpg could not make a key; the OpenPGP row is skipped"
    fi
  fi
  if [ "${BENCH_S3:-1}" = 1 ] && [ -d "$here/storage-s3/src/main/java" ] && "$PGKEEP" backup --help >/dev/null 2>&1; then
    local cp=${BENCH_S3_CP:-}
    if [ -z "$cp" ]; then
      log "resolving s3proxy's class path (test-support) for the S3 endpoint"
      (cd "$here" && ./mvnw -B -q -pl test-support -am dependency:build-classpath -Dmdep.includeScope=runtime \
          -Dmdep.outputFile="$work/s3.cp" >"$work/s3-mvn.log" 2>&1) || true
      [ -s "$work/s3.cp" ] && cp="$here/test-support/target/classes:$(cat "$work/s3.cp")"
    fi
    if [ -n "$cp" ]; then
      java -cp "$cp" "$here/bench/S3Endpoint.java" "$work/s3data" >"$work/s3.out" 2>"$work/s3.err" &
      s3_pid=$!
      local i
      for i in $(seq 1 120); do [ -s "$work/s3.out" ] && break; sleep 0.5; done
      if [ -s "$work/s3.out" ]; then
        local ak sk
        read -r s3_endpoint ak sk <"$work/s3.out"
        export AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk AWS_REGION=us-east-1
      else
        log "the S3 endpoint (s3proxy) did not start: $(tail -n 3 "$work/s3.err"); the S3 row is skipped"
      fi
    else
      log "no class path for s3proxy (see $work/s3-mvn.log); the S3 row is skipped"
    fi
  fi
}

warm_up() { # one backup and restore of a tiny database: the JVM's files are cached and bin/pgkeep's CDS archive made
  [ "${BENCH_WARMUP:-1}" = 1 ] || return 0
  local db=pgkeep_warmup
  drop_db $db
  psql_q -d postgres -c "CREATE DATABASE $db" >/dev/null
  psql_q -d $db -c "CREATE TABLE t (id int PRIMARY KEY, v jsonb); INSERT INTO t SELECT i, jsonb_build_object('i', i) FROM generate_series(1, 100) i" >/dev/null
  rm -rf "$work/repo-warmup"
  "$PGKEEP" backup --db "$base_url/$db" --repo "$work/repo-warmup" --json >/dev/null
  drop_db restored
  "$PGKEEP" restore --repo "$work/repo-warmup" --latest --db "$base_url/restored" --create --no-safety-backup --json >/dev/null
  drop_db restored
  drop_db $db
}

list_run() { # a repository of 100 backups: one real one of a small database, 99 copies under other ids
  local db=pgkeep_list repo=$work/repo-list
  drop_db $db
  psql_q -d postgres -c "CREATE DATABASE $db" >/dev/null
  psql_q -d $db -c "CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT i, md5(i::text) FROM generate_series(1, 1000) i" >/dev/null
  rm -rf "$repo"
  "$PGKEEP" backup --db "$base_url/$db" --repo "$repo" --json >/dev/null
  local first id i
  first=$(ls "$repo/$db" | head -n 1)
  for i in $(seq 1 99); do
    id=$(printf '20250101T%06dZ-%04x' "$i" "$i")
    cp -r "$repo/$db/$first" "$repo/$db/$id"
    sed -i "s/$first/$id/g" "$repo/$db/$id/manifest.json"
  done
  local n
  n=$("$PGKEEP" list --repo "$repo" | grep -c "$db" || true)
  [ "$n" -ge 100 ] || log "pgkeep list shows $n lines for $db, expected 100"
  for i in $(seq 1 "$reps"); do
    measure "pgkeep list (100 backups)" "\"$PGKEEP\" list --repo '$repo'" "$i"
  done
  drop_db $db
}

# ------------------------------------------------------------------ the report
report() { # FILE: the report from the raw results (bench/BenchReport.java), printed and written to FILE (raw: .tsv)
  info date "$(date -u +%Y-%m-%dT%H:%MZ)"
  cp "$results" "${1%.md}.tsv"
  java "$here/bench/BenchReport.java" "$results" | tee "$1"
  log "table written to $1, raw results to ${1%.md}.tsv"
}

modules_note() {
  local notes=()
  [ -n "$gpg_key" ] || notes+=("pgkeep backup with and restore of OpenPGP (no --encrypt-to in this build, or no gpg)")
  [ -n "$s3_endpoint" ] || notes+=("pgkeep backup to and restore from S3 (no storage-s3 module, BENCH_S3=0, or s3proxy did not start)")
  [ "$jobs_supported" = 1 ] || notes+=("pgkeep backup --jobs 2 and restore --jobs 2 of a directory backup (pgkeep backup --help has no --jobs in this build)")
  (IFS=';'; echo "${notes[*]}" | sed 's/;/; /g')
}

# ------------------------------------------------------------------ the scaling run
scaling_run() {
  local mb db url r
  warm_up
  for mb in $scaling_sizes; do
    db=pgkeep_scale_$mb
    url="$base_url/$db"
    create_dataset $db "$mb"
    info "dataset $mb" "$(psql_q -d $db -c "SELECT pg_database_size(current_database())")"
    rm -rf "$work/ref-scale"
    "$PGKEEP" backup --db "$url" --repo "$work/ref-scale" --json >/dev/null # the restore row's archive
    drop_db restored
    steps_reset
    step "floor $mb" "pg_dump -h $host -p $port -U $user -Fc -Z0 $db > /dev/null"
    step "backup $mb" "\"$PGKEEP\" backup --db '$url' --repo '$work/repo-scale' --json" "$work/repo-scale"
    step "restore $mb" "\"$PGKEEP\" restore --repo '$work/ref-scale' --latest --source $db --db '$base_url/restored' --create --no-safety-backup --json"
    for r in $(seq 1 "$reps"); do run_steps "$r"; done
    drop_db $db
  done
  info report scaling
  info command "bench/run.sh --scaling --reps $reps"
  info reps "$reps"
  info load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
  machine
  report "$out_dir/scaling.md"
}

if [ "$scaling" = 1 ]; then
  scaling_run
else
  main_run
fi

