/* pdenn_signals: writes a set of seeded synthetic 1D signals (docs/science.md §6) to HDF5, the data that
   the solvers and networks are run on. Same deck, same file content, whatever the rank count.
   Keys: docs/decks.md; file layout: docs/hdf5_layout.md. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

static const char usage[] = "pdenn_signals: generates piecewise constant/smooth 1D signals with Gaussian noise into an HDF5 signal set.\n"
                            "Usage: mpiexec -n <ranks> pdenn_signals -options_file <deck> [-key value ...]\n";

typedef struct {
  PdennSignalParams params;
  char              output[PETSC_MAX_PATH_LEN];
  PetscBool         force;
} AppSettings;

static PetscErrorCode ReadDeck(MPI_Comm comm, AppSettings *app)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&app->params));
  PetscOptionsBegin(comm, NULL, "pdenn_signals output", NULL);
  PetscCall(PdennOptionsInt("-N", "Grid points; the default of -signals_N", app->params.N, 4, 1 << 30, &app->params.N, NULL));
  PetscCall(PdennOptionsString("-signals_output", "HDF5 file to write", "signals.h5", app->output, sizeof(app->output), NULL));
  PetscCall(PdennOptionsBool("-force", "Replace an existing output file", PETSC_FALSE, &app->force, NULL));
  PetscOptionsEnd();
  PetscCall(PdennSignalParamsSetFromOptions(comm, &app->params));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  MPI_Comm                 comm = PETSC_COMM_WORLD;
  AppSettings              app;
  const PdennSignalParams *p = &app.params;
  PetscBool                help;

  PetscFunctionBeginUser;
  PetscCall(ReadDeck(comm, &app));
  PetscCall(PdennHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCall(PdennDeckCheckUnused(comm));
  PetscCall(PdennSignalSetWrite(comm, "-signals_output", app.output, p, app.force));
  PetscCall(PetscPrintf(comm, "pdenn_signals: wrote %" PetscInt_FMT " %s signals of N = %" PetscInt_FMT " (pieces %" PetscInt_FMT ", sigma %g, seed %" PetscInt_FMT ") to %s\n", p->samples, PdennSignalTypes[p->type], p->N, p->pieces, (double)p->sigma, p->seed, app.output));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, usage)) return 1;
  return PdennFinalize(Run());
}
