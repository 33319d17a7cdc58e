#!/usr/bin/env bash
# Integration test of the README's Slurm workflow on a real (single-node) Slurm: submits the
# array job and the afterany merge job of scripts/slurm/, compares the merged folder byte for
# byte with a sweep run on this machine, then cancels a task mid-run, checks that the merge
# says "incomplete" (exit 3) and that a one-task array rerun is refused, reruns the task the
# documented way (`--array=K ... K/N`) and compares again.
#
# Uses the cluster SLURM_CONF points at if `sinfo` answers; otherwise stands one up with
# cluster-up.sh (root, Debian) and stops it afterwards. Exit codes: 0 passed, 1 failed,
# 3 skipped (no Slurm and none can be stood up here; the reason is printed).
# ROUTESIM: the binary to test (default target/debug/routesim, as `cargo test` builds it).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
routesim=${ROUTESIM:-$repo/target/debug/routesim}
say() { echo "slurm test: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
started=$SECONDS

[ -x "$routesim" ] || fail "no routesim binary at $routesim (run cargo test or cargo build first, or set ROUTESIM)"
routesim=$(cd "$(dirname "$routesim")" && pwd)/$(basename "$routesim")
export ROUTESIM=$routesim

own_cluster=
cleanup() {
  cd / || true
  [ -n "${work:-}" ] && [ -z "${KEEP:-}" ] && rm -rf "$work"
  if [ -n "$own_cluster" ]; then "$here/cluster-down.sh"; fi
}
trap cleanup EXIT

if ! { command -v sinfo >/dev/null 2>&1 && [ -n "${SLURM_CONF:-}" ] && timeout 10 sinfo >/dev/null 2>&1; }; then
  up=$("$here/cluster-up.sh")
  rc=$?
  if [ $rc = 3 ]; then say "skipped: no Slurm cluster and none can be stood up here"; exit 3; fi
  [ $rc = 0 ] || fail "cluster-up.sh failed (exit $rc)"
  own_cluster=1
  export SLURM_CONF=${up#export SLURM_CONF=}
fi
say "cluster up after $((SECONDS - started))s"

work=$(mktemp -d /tmp/routesim-slurm-test.XXXXXX)
cd "$work" || fail "cannot enter $work"
# 3 points x 8 replications of the M/M/c day (about 0.1-0.4 s a pair): 6 pairs per task.
cat >spec.toml <<SPEC
scenario = "$repo/scenarios/mmc.toml"
[sweep]
replications = 8
base_seed = 11
[sweep.axes]
"agent_groups.agents.count" = [48, 50, 52]
SPEC
tasks=4

# Waits (bounded) until no task of job $1 is pending or running.
wait_job() {
  local deadline=$((SECONDS + ${2:-120}))
  while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do
    [ $SECONDS -lt "$deadline" ] || { squeue; fail "job $1 still queued or running after ${2:-120}s"; }
    sleep 0.2
  done
}
# The exit code of job (or array task) $1, from scontrol (no accounting needed).
exit_code_of() {
  scontrol show job "$1" | tr ' ' '\n' | sed -n 's/^ExitCode=\([0-9]*\):.*/\1/p' | head -n 1
}
state_of() {
  scontrol show job "$1" | tr ' ' '\n' | sed -n 's/^JobState=//p' | head -n 1
}
# The parts of shard $2 of 4 in folder $1 (pair index = point x 8 + replication).
shard_parts() {
  local n=0 f p r
  for f in "$1"/parts/p*.part; do
    [ -e "$f" ] || continue
    f=${f##*/}; p=$((10#${f:1:5})); r=$((10#${f:8:5}))
    [ $(((p * 8 + r) % tasks)) = "$2" ] && n=$((n + 1))
  done
  echo $n
}
same_as_local() {
  [ -f "$1/sweep.csv" ] || fail "$1 has no sweep.csv"
  diff -r -x parts local "$1" >diff.txt || { head -n 20 diff.txt >&2; fail "$1 differs from the local sweep"; }
  say "$1: byte-identical to the local sweep ($(find "$1" -type f | wc -l) files)"
}

"$routesim" sweep spec.toml --out local >local.txt 2>&1 || { cat local.txt >&2; fail "local sweep failed"; }

# Round 1: the documented submission, with relative paths (resolved from this folder).
array=$(sbatch --parsable --array=0-$((tasks - 1)) --cpus-per-task=1 "$here/sweep-array.sbatch" spec.toml shared) ||
  fail "sbatch of the array failed"
merge=$(sbatch --parsable --dependency=afterany:"$array" "$here/merge.sbatch" shared final-1) ||
  fail "sbatch of the merge failed"
wait_job "$merge"
[ "$(exit_code_of "$merge")" = 0 ] || { cat routesim-merge-"$merge".out >&2; fail "merge job $merge exited $(exit_code_of "$merge")"; }
same_as_local final-1
say "round 1 (array of $tasks + merge) done after $((SECONDS - started))s"

# Round 2: task 2 cancelled mid-run.
array=$(sbatch --parsable --array=0-$((tasks - 1)) --cpus-per-task=1 "$here/sweep-array.sbatch" spec.toml shared-2) ||
  fail "sbatch of the array failed"
deadline=$((SECONDS + 120))
until [ "$(state_of "${array}_2")" = RUNNING ] && [ "$(shard_parts shared-2 2)" -ge 1 ]; do
  [ $SECONDS -lt "$deadline" ] || fail "task ${array}_2 did not start writing parts"
  sleep 0.05
done
scancel "${array}_2"
merge=$(sbatch --parsable --dependency=afterany:"$array" "$here/merge.sbatch" shared-2 final-2) ||
  fail "sbatch of the merge failed"
wait_job "$merge"
done_before=$(shard_parts shared-2 2)
[ "$(state_of "${array}_2")" = CANCELLED ] || fail "task ${array}_2 is $(state_of "${array}_2"), not CANCELLED"
[ "$done_before" -lt 6 ] || fail "task 2 finished all its pairs before it was cancelled; make the sweep bigger"
[ "$(exit_code_of "$merge")" = 3 ] || { cat routesim-merge-"$merge".out >&2; fail "merge after a cancelled task exited $(exit_code_of "$merge"), expected 3 (incomplete)"; }
grep -q "have no complete result" routesim-merge-"$merge".out || fail "the merge log does not say what is missing"
[ ! -e final-2/sweep.csv ] || fail "an incomplete merge wrote sweep.csv"
say "task 2 cancelled with $done_before of 6 pairs done; the merge said incomplete (exit 3)"

# The tempting rerun, a one-task array without the shard, is refused and harms nothing.
wrong=$(sbatch --parsable --array=2 --cpus-per-task=1 "$here/sweep-array.sbatch" spec.toml shared-2) || fail "sbatch failed"
wait_job "$wrong"
[ "$(exit_code_of "${wrong}_2")" = 2 ] || { cat routesim-sweep-"${wrong}"_2.out >&2; fail "a one-task array rerun exited $(exit_code_of "${wrong}_2"), expected 2"; }
grep -q -- "--shard K/4" routesim-sweep-"${wrong}"_2.out || fail "the refusal does not say how to rerun"
[ ! -e shared-2/sweep.csv ] || fail "the one-task array wrote sweep.csv into the shard folder"

# The documented rerun: the same task id, the shard given, then merge again.
rerun=$(sbatch --parsable --array=2 --cpus-per-task=1 "$here/sweep-array.sbatch" spec.toml shared-2 2/$tasks) || fail "sbatch failed"
merge=$(sbatch --parsable --dependency=afterany:"$rerun" "$here/merge.sbatch" shared-2 final-2) || fail "sbatch failed"
wait_job "$merge"
[ "$(exit_code_of "${rerun}_2")" = 0 ] || { cat routesim-sweep-"${rerun}"_2.out >&2; fail "the rerun of task 2 failed"; }
grep -q "$done_before already done" routesim-sweep-"${rerun}"_2.out || { cat routesim-sweep-"${rerun}"_2.out >&2; fail "the rerun did not keep the $done_before finished pairs"; }
[ "$(exit_code_of "$merge")" = 0 ] || { cat routesim-merge-"$merge".out >&2; fail "merge after the rerun exited $(exit_code_of "$merge")"; }
same_as_local final-2

say "passed in $((SECONDS - started))s (wall time, cluster start included)"
