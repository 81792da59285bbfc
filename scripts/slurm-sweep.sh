#!/usr/bin/env bash
# A zoepnet sweep on a real Slurm: starts a single-node cluster on this machine (Debian's
# slurm-wlm and munge, as root; installed if missing), plans a small sweep of the tutorial
# (`zoepnet sweep --plan`), submits its job array with `sbatch --wait`, and gathers the runs with
# `zoepnet compare`. Exits non-zero if any step fails or a planned run is missing.
#
# usage (from the repository root):  bash scripts/slurm-sweep.sh [ZOEPNET] [OUT_DIR]
#   ZOEPNET  the binary (default target/debug/zoepnet: `cargo build` first)
#   OUT_DIR  the plan's folder (default /tmp/zoepnet-slurm-sweep)
# The well log: ZOEPNET_DATA_DIR, or ../shared/data.
set -euo pipefail
zoepnet=$(realpath "${1:-target/debug/zoepnet}")
out=${2:-/tmp/zoepnet-slurm-sweep}
export ZOEPNET_DATA_DIR=${ZOEPNET_DATA_DIR:-$(realpath ../shared/data)}
export ZOEPNET_OFFLINE=1
[ "$(id -u)" -eq 0 ] || { echo "run as root: it starts munged, slurmctld and slurmd" >&2; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi
host=$(hostname -s)
# slurmctld and slurmd find each other by this name: make sure it resolves.
getent hosts "$host" >/dev/null || echo "127.0.0.1 $host" >> /etc/hosts

# munge: the credential daemon Slurm authenticates with.
if ! pgrep -x munged >/dev/null; then
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  runuser -u munge -- /usr/sbin/munged
fi
munge -n | unmunge >/dev/null

# A one-node cluster: this machine, all its CPUs, one partition, no accounting, no cgroups.
if ! scontrol ping >/dev/null 2>&1 || ! sinfo -h -o %n | grep -qx "$host"; then
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=zoepnet
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ReturnToService=2
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  pkill -x slurmd || true
  pkill -x slurmctld || true
  sleep 1
  slurmctld
  slurmd
fi
for _ in $(seq 60); do
  sinfo -h -o %t 2>/dev/null | grep -Eq '^(idle|mix|alloc)' && break
  sleep 1
done
echo "== cluster"
sinfo

echo "== plan"
rm -rf "$out"
"$zoepnet" sweep configs/tutorial.toml --set train.epochs=20,40 --set model.hidden=16,32,64 \
  --per-task 2 --plan "$out"

echo "== sbatch --wait"
start=$(date +%s)
sbatch --wait "$out/sweep.sbatch"
echo "the array ended after $(( $(date +%s) - start )) s"
sacct -n -X -o JobID,State,ExitCode 2>/dev/null || squeue || true
tail -n 2 "$out"/logs/task-*.out

echo "== compare"
"$zoepnet" compare "$out" 2> "$out/compare.err"
cat "$out/compare.err"
if [ -s "$out/compare.err" ]; then
  echo "a planned run is missing" >&2
  exit 1
fi
echo "== done: every planned run finished under Slurm"
