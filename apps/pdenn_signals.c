/* pdenn_signals: writes a set of seeded synthetic 1D signals (docs/science.md §6) to HDF5, the data that
   the solvers and networks are run on, or with -import turns a user's record (HDF5, .npy, CSV)
   into train/val/test sets. Same deck, same file content, whatever the rank count.
   Keys: docs/decks.md; file layout: docs/hdf5_layout.md. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

static const char usage[] = "pdenn_signals: generates piecewise constant/smooth 1D signals with Gaussian noise into an HDF5 signal set,\n"
                            "or imports a user's data (-import <file>: HDF5, .npy or CSV) as train/val/test signal sets.\n"
                            "Usage: mpiexec -n <ranks> pdenn_signals -options_file <deck> [-key value ...]\n"
                            "       mpiexec -n <ranks> pdenn_signals -import <file> -N <points> [-import_* ...]\n";

typedef struct {
  PdennSignalParams params;
  char              output[PETSC_MAX_PATH_LEN], import[PETSC_MAX_PATH_LEN];
  PetscBool         force, has_import;
} AppSettings;

/* The generator's keys apply only without -import: with it, a leftover one is an unused key. */
static PetscErrorCode ReadDeck(MPI_Comm comm, AppSettings *app, PetscBool help)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&app->params));
  PetscOptionsBegin(comm, NULL, "pdenn_signals output", NULL);
  PetscCall(PdennOptionsInt("-N", "Grid points; the default of -signals_N; with -import the points per segment", app->params.N, 4, 1 << 30, &app->params.N, NULL));
  PetscCall(PdennOptionsBool("-force", "Replace an existing output file", PETSC_FALSE, &app->force, NULL));
  PetscCall(PdennOptionsString("-import", "Import this file (HDF5, .npy, CSV) as <prefix>_{train,val,test}.h5 instead of generating signals (keys -import_*)", "", app->import, sizeof(app->import), &app->has_import));
  if (!app->has_import || help) PetscCall(PdennOptionsString("-signals_output", "HDF5 file to write", "signals.h5", app->output, sizeof(app->output), NULL));
  PetscOptionsEnd();
  if (!app->has_import || help) PetscCall(PdennSignalParamsSetFromOptions(comm, &app->params));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  MPI_Comm                 comm = PETSC_COMM_WORLD;
  AppSettings              app;
  const PdennSignalParams *p = &app.params;
  PetscBool                help;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  PetscCall(ReadDeck(comm, &app, help));
  if (app.has_import || help) PetscCall(PdennImportRun(comm, app.import, p->N, app.force, help));
  if (app.has_import || help) PetscFunctionReturn(0);
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
