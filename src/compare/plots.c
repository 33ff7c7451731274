/* The plots: rank 0 runs the post-processing script apps/pdenn_plots.py on results.h5. Plots are
   a convenience: a missing interpreter, matplotlib or h5py, or a failing script is reported in
   one line and the run still succeeds with its tables and results file. */
#include "comparepriv.h"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* apps/pdenn_plots.py of the source tree this was built from (src/CMakeLists.txt) */
static PetscErrorCode DefaultScript(char script[], size_t len)
{
  PetscFunctionBeginUser;
#if defined(PDENN_APPS_DIR)
  PetscCall(PetscSNPrintf(script, len, "%s/pdenn_plots.py", PDENN_APPS_DIR));
#else
  PetscCall(PetscStrncpy(script, "apps/pdenn_plots.py", len));
#endif
  PetscFunctionReturn(0);
}

/* Rank 0: runs the script and says in one line what happened. */
static PetscErrorCode RunScript(PdennCompare cmp, const char script[])
{
  char cmd[4 * PETSC_MAX_PATH_LEN];
  int  status, code;

  PetscFunctionBeginUser;
  if (access(cmp->python, X_OK)) {
    printf("pdenn_compare: plots skipped: no Python interpreter at '%s' (key -compare_python; on Debian: apt-get install python3-matplotlib python3-h5py); the tables are in %s\n", cmp->python, cmp->dir);
    PetscFunctionReturn(0);
  }
  if (access(script, R_OK)) {
    printf("pdenn_compare: plots skipped: plot script '%s' not found (key -compare_plot_script); the tables are in %s\n", script, cmp->dir);
    PetscFunctionReturn(0);
  }
  if (strchr(cmp->python, '\'') || strchr(script, '\'') || strchr(cmp->dir, '\'')) {
    printf("pdenn_compare: plots skipped: a path contains a quote character; run %s by hand\n", script);
    PetscFunctionReturn(0);
  }
  PetscCall(PetscSNPrintf(cmd, sizeof(cmd), "'%s' '%s' '%s/results.h5' '%s'", cmp->python, script, cmp->dir, cmp->dir));
  fflush(stdout);
  status = system(cmd);
  code   = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status)
                                                 : 128;
  /* exit status 3: the script found matplotlib or h5py missing and said so itself */
  if (code == 0)
    printf("pdenn_compare: wrote the plots (*.png) in %s\n", cmp->dir);
  else if (code == 3)
    printf("pdenn_compare: plots skipped (see the line above); the tables are in %s\n", cmp->dir);
  else
    printf("pdenn_compare: plots failed (%s exited with status %d); the tables are in %s\n", script, code, cmp->dir);
  fflush(stdout);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareRunPlots(PdennCompare cmp)
{
  char script[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  if (!cmp->plots) PetscFunctionReturn(0);
  if (cmp->plot_script[0])
    PetscCall(PetscStrncpy(script, cmp->plot_script, sizeof(script)));
  else
    PetscCall(DefaultScript(script, sizeof(script)));
  if (!cmp->rank) PetscCall(RunScript(cmp, script));
  PetscCallMPI(MPI_Barrier(cmp->comm));
  PetscFunctionReturn(0);
}
