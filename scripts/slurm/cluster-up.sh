#!/usr/bin/env bash
# Stands up a single-node Slurm cluster on this Debian machine, as root, for trying and testing
# routesim's array-job workflow (scripts/slurm/test-sweep.sh). Not for production: no
# accounting, no cgroups (proctrack/linuxproc, task/none), one partition holding this host.
#
# Installs slurm-wlm and munge when missing (apt-get update first), creates the munge key and
# /run/munge, writes slurm.conf into the state folder from the host name and CPU count, starts
# munged, slurmctld and slurmd, and waits (bounded) until `sinfo` shows the node idle. Every
# daemon it starts is recorded by pid file in the state folder, so cluster-down.sh stops exactly
# those and nothing else; a munged that was already running is used and left alone.
#
#   sudo scripts/slurm/cluster-up.sh            # prints the line to source, then:
#   export SLURM_CONF=/tmp/routesim-slurm/slurm.conf
#   sinfo; sbatch ...; scripts/slurm/cluster-down.sh
#
# Environment: ROUTESIM_SLURM_DIR (state folder, default /tmp/routesim-slurm),
# ROUTESIM_SLURM_PORT (slurmctld port, default 16817; slurmd uses the next one),
# ROUTESIM_SLURM_WAIT (seconds to wait for the node, default 60).
# Exit codes: 0 up, 3 cannot be stood up here (not root, not Debian, apt unavailable: the caller
# may skip), 1 failed while starting (logs in the state folder).
set -euo pipefail

dir=${ROUTESIM_SLURM_DIR:-/tmp/routesim-slurm}
port=${ROUTESIM_SLURM_PORT:-16817}
wait_s=${ROUTESIM_SLURM_WAIT:-60}

say() { echo "cluster-up: $*" >&2; }
unavailable() { say "cannot stand up Slurm here: $*"; exit 3; }
fail() {
  say "$*"
  for log in "$dir"/*.log; do [ -f "$log" ] && { say "--- tail of $log"; tail -n 20 "$log" >&2; }; done
  exit 1
}

[ "$(id -u)" = 0 ] || unavailable "must run as root (it installs packages and starts daemons)"
[ -f /etc/debian_version ] || unavailable "not a Debian system (/etc/debian_version is missing)"

have_all() {
  command -v slurmctld && command -v slurmd && command -v sinfo && command -v sbatch &&
    command -v munged && command -v munge && command -v unmunge
} >/dev/null 2>&1

if ! have_all; then
  command -v apt-get >/dev/null 2>&1 || unavailable "apt-get not found"
  say "installing slurm-wlm and munge"
  # Package scripts must not start daemons of their own: this script starts (and stops) them.
  # policy-rc.d is the Debian way to say so; a site's own policy-rc.d is left in place.
  own_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
  fi
  installed=0
  mkdir -p "$dir"
  if timeout 300 apt-get update -q >"$dir/apt.txt" 2>&1; then
    if DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q --no-install-recommends \
      slurm-wlm munge >>"$dir/apt.txt" 2>&1; then
      installed=1
    fi
  fi
  [ -n "$own_policy" ] && rm -f /usr/sbin/policy-rc.d
  if [ "$installed" != 1 ]; then
    tail -n 5 "$dir/apt.txt" >&2 || true
    unavailable "apt-get could not install slurm-wlm and munge (log: $dir/apt.txt)"
  fi
  have_all || unavailable "slurm-wlm and munge are installed but their commands are not on PATH"
fi

if [ -f "$dir/slurmctld.pid" ] && kill -0 "$(cat "$dir/slurmctld.pid")" 2>/dev/null; then
  fail "a cluster from $dir is already running (run cluster-down.sh first)"
fi
mkdir -p "$dir/state" "$dir/spool"
rm -f "$dir"/*.log "$dir"/started-*

# --- munge: key, run folder, daemon
install -d -o munge -g munge -m 0700 /etc/munge
if [ ! -s /etc/munge/munge.key ]; then
  say "creating /etc/munge/munge.key"
  if command -v mungekey >/dev/null 2>&1; then
    mungekey --create --keyfile=/etc/munge/munge.key
  else
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
fi
chown munge:munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
install -d -o munge -g munge -m 0755 /run/munge
install -d -o munge -g munge -m 0700 /var/lib/munge /var/log/munge

if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  say "using the munged that is already running"
else
  say "starting munged"
  runuser -u munge -- munged --pid-file="/run/munge/routesim-munged.pid" \
    --log-file="/var/log/munge/munged.log" || fail "munged did not start"
  cp /run/munge/routesim-munged.pid "$dir/munged.pid"
  touch "$dir/started-munged"
  for _ in $(seq 1 50); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
  munge -n | unmunge >/dev/null || fail "munged does not answer"
fi

# --- slurm.conf from this host
host=$(hostname -s)
cpus=$(nproc)
cat >"$dir/slurm.conf" <<CONF
# Written by routesim's scripts/slurm/cluster-up.sh: a single-node test cluster.
ClusterName=routesim-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"

say "starting slurmctld and slurmd ($host, $cpus CPUs, port $port)"
# -i: ignore state left by an earlier cluster in this folder.
slurmctld -f "$SLURM_CONF" -i || fail "slurmctld did not start"
touch "$dir/started-slurmctld"
slurmd -f "$SLURM_CONF" || fail "slurmd did not start"
touch "$dir/started-slurmd"

deadline=$((SECONDS + wait_s))
until [ "$(sinfo -h -N -o '%T' 2>/dev/null | head -n 1)" = idle ]; do
  if [ $SECONDS -ge "$deadline" ]; then
    sinfo -N -l >&2 || true
    fail "the node is not idle after ${wait_s}s"
  fi
  sleep 0.5
done
say "up in ${SECONDS}s: node $host idle"
echo "export SLURM_CONF=$SLURM_CONF"
