/* The experiment's directory <output_dir>/<experiment>/ with data/ and checkpoints/: file-system
   work done by rank 0 and its outcome shared, so every rank raises the same error. */
#include "comparepriv.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The deck's file name without directory and extension ("input/quickstart.deck" -> quickstart) */
PetscErrorCode PdennCompareDefaultExperiment(const char deck[], char name[], size_t len)
{
  const char *base;
  char       *dot;

  PetscFunctionBeginUser;
  if (!deck || !deck[0]) {
    PetscCall(PetscStrncpy(name, "compare", len));
    PetscFunctionReturn(0);
  }
  base = strrchr(deck, '/');
  PetscCall(PetscStrncpy(name, base ? base + 1 : deck, len));
  dot = strrchr(name, '.');
  if (dot && dot != name) *dot = '\0';
  PetscFunctionReturn(0);
}

PetscErrorCode PdennComparePath(PdennCompare cmp, const char rel[], char path[], size_t len)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, len, "%s/%s", cmp->dir, rel));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareFileExists(MPI_Comm comm, const char path[], PetscBool *exists)
{
  PetscMPIInt rank;
  int         found = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) found = access(path, F_OK) == 0;
  PetscCallMPI(MPI_Bcast(&found, 1, MPI_INT, 0, comm));
  *exists = (PetscBool)found;
  PetscFunctionReturn(0);
}

/* mkdir of one directory; an existing directory is fine. Returns errno, 0 on success. */
static int MakeDir(const char path[])
{
  struct stat st;

  if (mkdir(path, 0775) == 0) return 0;
  if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return 0;
  return errno ? errno : EEXIST;
}

PetscErrorCode PdennCompareMakeDirs(PdennCompare cmp)
{
  char paths[4][PETSC_MAX_PATH_LEN];
  int  err[2] = {0, 0};

  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(paths[0], cmp->output_dir, sizeof(paths[0])));
  PetscCall(PetscStrncpy(paths[1], cmp->dir, sizeof(paths[1])));
  PetscCall(PdennComparePath(cmp, "data", paths[2], sizeof(paths[2])));
  PetscCall(PdennComparePath(cmp, "checkpoints", paths[3], sizeof(paths[3])));
  if (!cmp->rank) {
    for (int i = 0; i < 4 && !err[0]; i++) {
      err[0] = MakeDir(paths[i]);
      err[1] = i;
    }
  }
  PetscCallMPI(MPI_Bcast(err, 2, MPI_INT, 0, cmp->comm));
  PetscCheck(!err[0], cmp->comm, PDENN_ERR_INPUT, "key %s: cannot create directory '%s' (%s); expected a writable location", err[1] == 0 ? "-compare_output_dir" : "-compare_experiment", paths[err[1]], strerror(err[0]));
  PetscFunctionReturn(0);
}

/* An experiment's results are not replaced unless -force. Data and checkpoints are not results:
   data are remade (deterministically) and checkpoints reused, so -force is what a rerun needs. */
PetscErrorCode PdennCompareCheckOverwrite(PdennCompare cmp)
{
  const char *files[] = {"summary.csv", "summary.md", "results.h5"};
  char        path[PETSC_MAX_PATH_LEN];
  PetscBool   exists, help;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(cmp->dir, sizeof(cmp->dir), "%s/%s", cmp->output_dir, cmp->experiment));
  PetscCall(PdennHelpRequested(&help));
  if (cmp->force || help) PetscFunctionReturn(0);
  for (int i = 0; i < 3; i++) {
    PetscCall(PdennComparePath(cmp, files[i], path, sizeof(path)));
    PetscCall(PdennCompareFileExists(cmp->comm, path, &exists));
    PetscCheck(!exists, cmp->comm, PDENN_ERR_INPUT, "experiment '%s' already has results (%s); add -force to overwrite them (checkpoints in %s/checkpoints are reused; -compare_retrain trains anew) or choose another -compare_experiment", cmp->experiment, path, cmp->dir);
  }
  PetscFunctionReturn(0);
}

/* For the study (studypriv.h): one directory, an existing one is fine; errno or 0. */
int PdennCompareMakeDir(const char path[])
{
  return MakeDir(path);
}
