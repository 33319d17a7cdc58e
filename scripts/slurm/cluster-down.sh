#!/usr/bin/env bash
# Stops the single-node Slurm cluster that cluster-up.sh started: exactly the daemons it
# recorded as started (pid files in the state folder), nothing else. Installed packages, the
# munge key and the state folder stay (ROUTESIM_SLURM_DIR, default /tmp/routesim-slurm).
set -uo pipefail

dir=${ROUTESIM_SLURM_DIR:-/tmp/routesim-slurm}
say() { echo "cluster-down: $*" >&2; }

# Stops the process in pid file $2 if cluster-up.sh recorded starting daemon $1, waiting up to
# 10 s for it to exit before a KILL.
stop() {
  local name=$1 pidfile=$2 pid
  [ -f "$dir/started-$name" ] || return 0
  if [ -f "$pidfile" ] && pid=$(cat "$pidfile") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name did not stop after 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$dir/started-$name"
}

# slurmd first, so it does not report the node down to a controller that is still there.
stop slurmd "$dir/slurmd.pid"
stop slurmctld "$dir/slurmctld.pid"
stop munged "$dir/munged.pid"
exit 0
