#!/usr/bin/env bash
# Runs a pdenn app on a deck where you are: on this machine under mpirun, or, inside a Slurm
# allocation (batch script or salloc), on the allocation's ranks. docs/cluster.md explains.
#   run_local.sh <app> <deck> [nranks] [pdenn options ...]
#   e.g. run_local.sh pdenn_solve input/quickstart.deck 4 -log_view
# <app> is a name in $PDENN_BUILD_DIR/apps (default build/apps; built with jobscripts/setup.sh
# when missing, unless PDENN_SETUP=0) or a path to an executable. A relative <deck> is looked
# up in the current directory, then in the checkout. nranks defaults to $SLURM_NTASKS, else 1.
# The last step exec's the launcher, so a signal sent to this script's pid (train.slurm's
# SIGUSR1) reaches mpirun or srun, which pass it on to every rank.
# Environment:
#   PDENN_LAUNCHER     auto (default): srun inside an allocation when it can start MPI ranks,
#                      else mpirun; or srun / mpirun to force one
#   PDENN_MPIRUN_FLAGS mpirun flags, default "--bind-to none" (cores may be shared; on
#                      whole nodes "--bind-to core" is faster; empty for none)
#   PDENN_SRUN_FLAGS   extra srun flags
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${PDENN_BUILD_DIR:-$top/build}

die() {
  echo "pdenn: error: $*" >&2
  exit 2
}

[ $# -ge 2 ] || die "usage: run_local.sh <app> <deck> [nranks] [pdenn options ...]"
app=$1 deck=$2
shift 2
nranks=${SLURM_NTASKS:-1}
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  nranks=$1
  shift
fi
[ "$nranks" -ge 1 ] || die "nranks must be at least 1, got $nranks"

if [[ $app == */* ]]; then
  exe=$app
else
  exe=$build/apps/$app
  if [ ! -x "$exe" ] && [ "${PDENN_SETUP:-1}" != 0 ]; then
    echo "pdenn: $exe not built yet; running jobscripts/setup.sh" >&2
    PDENN_BUILD_DIR=$build bash "$top/jobscripts/setup.sh"
  fi
fi
[ -x "$exe" ] || die "no executable $exe (build with: bash jobscripts/setup.sh)"

if [ ! -f "$deck" ] && [[ $deck != /* ]] && [ -f "$top/$deck" ]; then
  deck=$top/$deck
fi
[ -f "$deck" ] || die "deck file $deck not found (give a path, e.g. input/quickstart.deck)"

# srun starts MPI ranks only through a PMI plugin both sides know. A site's MpiDefault is made
# for its MPI, so trust it; where it is "none" (and Open MPI then aborts in MPI_Init), ask for
# PMIx if this srun has it, and otherwise let mpirun start the ranks inside the allocation.
srun_mpi_flag() {
  local mpi_default
  if [ -n "${SLURM_MPI_TYPE:-}" ]; then return 0; fi
  mpi_default=$(scontrol show config 2>/dev/null | awk '$1 == "MpiDefault" { print $3 }')
  if [ -n "$mpi_default" ] && [ "$mpi_default" != none ]; then return 0; fi
  srun --mpi=list 2>&1 | grep -qw pmix || return 1
  echo --mpi=pmix
}

launcher=${PDENN_LAUNCHER:-auto}
case $launcher in
  auto | srun | mpirun) ;;
  *) die "PDENN_LAUNCHER must be auto, srun or mpirun, got '$launcher'" ;;
esac
if [ "$launcher" = auto ]; then
  launcher=mpirun
  if [ -n "${SLURM_JOB_ID:-}" ] && command -v srun >/dev/null && srun_mpi_flag >/dev/null; then
    launcher=srun
  fi
fi

source "$top/jobscripts/mpienv.sh"
if [ "$launcher" = srun ]; then
  read -ra flags <<<"$(srun_mpi_flag || true) ${PDENN_SRUN_FLAGS:-}"
  cmd=(srun -n "$nranks" "${flags[@]}")
else
  read -ra flags <<<"${PDENN_MPIRUN_FLAGS---bind-to none}"
  cmd=("${MPIEXEC:-mpirun}" -n "$nranks" "${flags[@]}")
fi
cmd+=("$exe" -options_file "$deck" "$@")
echo "pdenn: running ${cmd[*]}" >&2
exec "${cmd[@]}"
