#!/usr/bin/env bash
# A one-machine Slurm cluster on loopback, so pdenn's job scripts are tested against a real
# slurmctld/slurmd rather than a mock (tests/slurm, docs/cluster.md).
#   slurm_cluster.sh start    install slurm-wlm and munge if missing, start munged, slurmctld and
#                             slurmd as root and wait until the node is idle (no-op if it is)
#   slurm_cluster.sh stop     stop the three daemons
#   slurm_cluster.sh status   daemons and node state; exit 0 only if the node is up
#   slurm_cluster.sh env      prints the export line clients need: eval "$(... env)"
# No systemd and no cgroups (containers, CI). Everything lives in $PDENN_SLURM_DIR (default
# /tmp/pdenn-slurm) with its own munge socket and ports, so a site's Slurm or munge, if any,
# is left alone; clients find this cluster through SLURM_CONF=$PDENN_SLURM_DIR/slurm.conf.
set -euo pipefail
dir=${PDENN_SLURM_DIR:-/tmp/pdenn-slurm}
export SLURM_CONF=$dir/slurm.conf
ctld_port=${PDENN_SLURMCTLD_PORT:-16817}
slurmd_port=$((ctld_port + 1))
wait_s=${PDENN_SLURM_WAIT:-60}

# Slurm host names must be plain labels; an odd container hostname falls back to localhost.
node_name() {
  local name
  name=$(hostname -s 2>/dev/null || true)
  [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || name=localhost
  echo "${PDENN_SLURM_NODE:-$name}"
}
node=$(node_name)

say() { echo "slurm_cluster: $*"; }
die() {
  echo "slurm_cluster: error: $*" >&2
  exit 1
}

install_missing() {
  local pkgs=(slurm-wlm munge) missing=() p
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "need root to install ${missing[*]} (and to run slurmd)"
  say "installing ${missing[*]}"
  apt-get update -qq
  # Debian's postinst scripts would start the packaged services through invoke-rc.d; we run
  # our own daemons, so a policy (unless the machine has one) tells it to start nothing.
  local policy=/usr/sbin/policy-rc.d own_policy=0 rc=0
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy && own_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >"$dir/apt.log" 2>&1 || rc=$?
  [ $own_policy = 0 ] || rm -f $policy
  [ $rc = 0 ] || { tail -20 "$dir/apt.log" >&2; die "apt-get install ${missing[*]} failed"; }
}

# The pid in $1 names a live process whose command is $2 (guards against recycled pids). A
# zombie counts as gone: in a container the init process may be slow to reap our daemons.
alive() {
  local pid state
  pid=$(cat "$1" 2>/dev/null) || return 1 # a daemon removes its pid file as it exits
  [ -n "$pid" ] && grep -q "$2" "/proc/$pid/comm" 2>/dev/null || return 1
  state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
  [ -n "$state" ] && [ "$state" != Z ]
}

write_conf() {
  local cpus mem_mb
  # config_overrides below makes these figures authoritative; at least 2 CPUs so the 2-rank
  # test jobs fit even on a 1-core machine (ranks then share a core, as under mpiexec).
  cpus=${PDENN_SLURM_CPUS:-$(nproc)}
  [ "$cpus" -ge 2 ] || cpus=2
  # Half the memory: a RealMemory above what slurmd measures would drain the node.
  mem_mb=$(awk '/^MemTotal:/ { print int($2 / 2048) }' /proc/meminfo)
  cat >"$SLURM_CONF.new" <<EOF
# Written by tests/slurm/slurm_cluster.sh: a one-node test cluster on loopback.
ClusterName=pdenn
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SlurmdParameters=config_overrides
ReturnToService=2
MailProg=/bin/true
MinJobAge=600
KillWait=10
InactiveLimit=0
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  if cmp -s "$SLURM_CONF.new" "$SLURM_CONF"; then
    rm "$SLURM_CONF.new"
  else
    # A changed configuration (another node name, CPU count, ...) needs fresh daemons.
    stop_slurm
    mv "$SLURM_CONF.new" "$SLURM_CONF"
  fi
}

start_munge() {
  local key=$dir/munge/munge.key
  alive "$dir/munge/munged.pid" munged && return 0
  if [ ! -s "$key" ]; then
    mungekey --create --keyfile="$key" 2>/dev/null || dd if=/dev/urandom of="$key" bs=1024 count=1 status=none
    chmod 600 "$key"
  fi
  # --force: munged refuses to run as root otherwise; root is all a test machine has.
  setsid munged --force --key-file="$key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/munged.seed" </dev/null >>"$dir/log/munged.log" 2>&1 ||
    die "munged did not start; see $dir/log/munged.log"
}

# Daemons get their own session and no inherited descriptors, so a caller reading our output
# (ctest) is not kept waiting for them.
start_slurm() {
  if ! alive "$dir/run/slurmctld.pid" slurmctld; then
    # -c: a fresh queue every start; this cluster keeps no jobs worth recovering.
    setsid slurmctld -c </dev/null >>"$dir/log/slurmctld.log" 2>&1 ||
      die "slurmctld did not start; see $dir/log/slurmctld.log"
  fi
  if ! alive "$dir/run/slurmd.pid" slurmd; then
    setsid slurmd -N "$node" </dev/null >>"$dir/log/slurmd.log" 2>&1 ||
      die "slurmd did not start; see $dir/log/slurmd.log"
  fi
}

node_state() { sinfo -h -n "$node" -o %T 2>/dev/null | head -1; }

wait_idle() {
  local t state=""
  for ((t = 0; t < wait_s; t++)); do
    state=$(node_state)
    case $state in idle | mixed | allocated | completing) return 0 ;; esac
    sleep 1
  done
  echo "--- sinfo -R:" >&2
  sinfo -R >&2 || true
  for f in slurmctld slurmd munged; do
    echo "--- last lines of $dir/log/$f.log:" >&2
    tail -5 "$dir/log/$f.log" >&2 || true
  done
  die "node $node not idle after ${wait_s}s (state '${state:-no answer}')"
}

stop_pidfile() {
  local pidfile=$1 comm=$2 t
  alive "$pidfile" "$comm" || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  for ((t = 0; t < 50; t++)); do
    alive "$pidfile" "$comm" || return 0
    sleep 0.2
  done
  kill -9 "$(cat "$pidfile" 2>/dev/null)" 2>/dev/null || true
}

stop_slurm() {
  stop_pidfile "$dir/run/slurmd.pid" slurmd
  stop_pidfile "$dir/run/slurmctld.pid" slurmctld
}

cmd_start() {
  mkdir -p "$dir"/{state,spool,run,log,munge}
  chmod 700 "$dir/munge"
  install_missing
  if alive "$dir/munge/munged.pid" munged && alive "$dir/run/slurmctld.pid" slurmctld &&
     alive "$dir/run/slurmd.pid" slurmd && [ -n "$(node_state)" ]; then
    say "already running (node $node: $(node_state))"
    return 0
  fi
  write_conf
  start_munge
  start_slurm
  wait_idle
  say "up: node $node, $(sinfo -h -n "$node" -o '%c CPUs, partition %P'); export SLURM_CONF=$SLURM_CONF"
}

cmd_stop() {
  stop_slurm
  stop_pidfile "$dir/munge/munged.pid" munged
  say "stopped"
}

# Exit 0 only when all three daemons run and the node takes jobs (slurmctld notices a dead
# slurmd only minutes later, so its node state alone is not enough).
cmd_status() {
  local d state up=0
  for d in munge/munged.pid:munged run/slurmctld.pid:slurmctld run/slurmd.pid:slurmd; do
    if alive "$dir/${d%%:*}" "${d##*:}"; then say "${d##*:} running"; else say "${d##*:} not running"; up=1; fi
  done
  # Without slurmctld, sinfo would spend seconds retrying.
  alive "$dir/run/slurmctld.pid" slurmctld && state=$(node_state) || state=""
  say "node $node: ${state:-no answer}"
  case $state in idle | mixed | allocated | completing) return $up ;; *) return 1 ;; esac
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) echo "export SLURM_CONF=$SLURM_CONF" ;;
  *) die "usage: $0 start|stop|status|env" ;;
esac
