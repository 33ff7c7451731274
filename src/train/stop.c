/* SIGUSR1 and SIGTERM (Slurm's --signal, scancel, a preempting scheduler) ask training to stop:
   the handler only records the signal; the trainer notices at the next step boundary, all ranks
   agree, write a checkpoint and exit 0 in a resumable state (docs/training.md). */
#include "trainpriv.h"
#include <signal.h>
#include <string.h>

/* Global state, the only kind a signal handler can reach: the flag (only a volatile
   sig_atomic_t may be written from a handler) and the handlers to restore afterwards. */
static volatile sig_atomic_t stop_signal = 0;
static struct sigaction      previous[2];
static PetscBool             installed       = PETSC_FALSE;
static const int             stop_signals[2] = {SIGUSR1, SIGTERM};

static void StopHandler(int sig)
{
  stop_signal = sig;
}

PetscErrorCode PdennStopSignalsInstall(void)
{
  struct sigaction action;

  PetscFunctionBeginUser;
  stop_signal = 0;
  if (installed) PetscFunctionReturn(0);
  memset(&action, 0, sizeof(action));
  action.sa_handler = StopHandler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART; /* let MPI's and HDF5's system calls continue */
  for (int i = 0; i < 2; i++) PetscCheck(sigaction(stop_signals[i], &action, &previous[i]) == 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "sigaction failed");
  installed = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStopSignalsRestore(void)
{
  PetscFunctionBeginUser;
  if (!installed) PetscFunctionReturn(0);
  for (int i = 0; i < 2; i++) PetscCheck(sigaction(stop_signals[i], &previous[i], NULL) == 0, PETSC_COMM_SELF, PETSC_ERR_SYS, "sigaction failed");
  installed = PETSC_FALSE;
  PetscFunctionReturn(0);
}

int PdennStopSignalReceived(void)
{
  return (int)stop_signal;
}
