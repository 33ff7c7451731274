/* pdenn_signals: writes a set of seeded synthetic 1D signals (docs/science.md §6) to HDF5, the data that
   the solvers and networks are run on, or with -import turns a user's record (HDF5, .npy, CSV)
   into train/val/test sets; with -dim 2 or 3 it writes a set of synthetic images or volumes
   instead. Same deck, same file content, whatever the rank count.
   Keys: docs/decks.md; file layout: docs/hdf5_layout.md. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

static const char usage[] = "pdenn_signals: generates piecewise constant/smooth 1D signals with Gaussian noise into an HDF5 signal set,\n"
                            "or imports a user's data (-import <file>: HDF5, .npy or CSV) as train/val/test signal sets,\n"
                            "or with -dim 2 (3) generates 2D images (3D volumes) into an HDF5 image set (keys -images_*).\n"
                            "Usage: mpiexec -n <ranks> pdenn_signals -options_file <deck> [-key value ...]\n"
                            "       mpiexec -n <ranks> pdenn_signals -import <file> -N <points> [-import_* ...]\n";

typedef struct {
  PdennSignalParams params;
  char              output[PETSC_MAX_PATH_LEN], import[PETSC_MAX_PATH_LEN];
  PetscBool         force, has_import;
  PetscInt          dim, M[3]; /* -dim 2, 3: images of M = {W, H, D} */
  PdennImageParams  image;
} AppSettings;

/* -dim 2, 3: the grid (-Nx -Ny -Nz, each -N by default), the output and the generator's keys
   (all of them listed by -help). */
static PetscErrorCode ReadImageDeck(MPI_Comm comm, AppSettings *app, PetscBool help)
{
  static const char *const key[3] = {"-Nx", "-Ny", "-Nz"}, *const text[3] = {"Image width W (default -N)", "Image height H (default -N)", "Volume depth D, -dim 3 (default -N)"};

  PetscFunctionBeginUser;
  PetscCall(PdennImageParamsDefault(&app->image));
  PetscOptionsBegin(comm, NULL, "pdenn_signals images and volumes (-dim 2, 3)", NULL);
  for (PetscInt a = 0; a < 3; a++) {
    app->M[a] = a < app->dim ? app->params.N : 1;
    if (a < app->dim || help) PetscCall(PdennOptionsInt(key[a], text[a], app->M[a], 1, 1 << 30, &app->M[a], NULL));
  }
  PetscCall(PdennOptionsString("-images_output", "HDF5 image set to write (-dim 2, 3)", "images.h5", app->output, sizeof(app->output), NULL));
  PetscOptionsEnd();
  PetscCall(PdennImageParamsSetFromOptions(comm, &app->image));
  PetscFunctionReturn(0);
}

/* The grid the writer will decompose, made once before the deck check: a decomposition that
   does not fit (-da_processors_x/y/z) is refused before anything is written, and the DMDA's keys
   count as used. */
static PetscErrorCode CheckImageGrid(MPI_Comm comm, const AppSettings *app)
{
  DM da;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate(comm, app->dim, app->M, 1, 0, &da));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteImages(MPI_Comm comm, const AppSettings *app)
{
  const PdennImageParams *p = &app->image;
  char                    size[64];

  PetscFunctionBeginUser;
  PetscCall(PdennImageSetWrite(comm, "-images_output", app->output, p, app->M, app->dim, app->force));
  if (app->dim == 2)
    PetscCall(PetscSNPrintf(size, sizeof(size), "%" PetscInt_FMT " x %" PetscInt_FMT " (H x W)", app->M[1], app->M[0]));
  else
    PetscCall(PetscSNPrintf(size, sizeof(size), "%" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (D x H x W)", app->M[2], app->M[1], app->M[0]));
  PetscCall(PetscPrintf(comm, "pdenn_signals: wrote %" PetscInt_FMT " %s %s of %s (shapes %" PetscInt_FMT ", sigma %g, seed %" PetscInt_FMT ") to %s\n", p->samples, PdennImageTypes[p->type], app->dim == 2 ? "images" : "volumes", size, p->shapes, (double)p->sigma, p->seed, app->output));
  PetscFunctionReturn(0);
}

/* The generator's keys apply only without -import: with it, a leftover one is an unused key. */
static PetscErrorCode ReadDeck(MPI_Comm comm, AppSettings *app, PetscBool help)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&app->params));
  PetscOptionsBegin(comm, NULL, "pdenn_signals output", NULL);
  PetscCall(PdennOptionsInt("-dim", "Dimension: 1 signals, 2 images, 3 volumes (keys -images_*)", 1, 1, 3, &app->dim, NULL));
  if (app->dim == 3) app->params.N = 64;
  PetscCall(PdennOptionsInt("-N", "Grid points; the default of -signals_N; with -import the points per segment; with -dim 2, 3 the side of every axis (default 256 in 2D, 64 in 3D)", app->params.N, 4, 1 << 30, &app->params.N, NULL));
  PetscCall(PdennOptionsBool("-force", "Replace an existing output file", PETSC_FALSE, &app->force, NULL));
  PetscCall(PdennOptionsString("-import", "Import this file (HDF5, .npy, CSV) as <prefix>_{train,val,test}.h5 instead of generating signals (keys -import_*)", "", app->import, sizeof(app->import), &app->has_import));
  if ((!app->has_import && app->dim == 1) || help) PetscCall(PdennOptionsString("-signals_output", "HDF5 file to write", "signals.h5", app->output, sizeof(app->output), NULL));
  PetscOptionsEnd();
  PetscCheck(!app->has_import || app->dim == 1 || help, comm, PDENN_ERR_INPUT, "key -import: pdenn_signals imports 1D records only (here -dim %" PetscInt_FMT "); expected -dim 1, or images imported with apps/pdenn_images.py import", app->dim);
  if ((!app->has_import && app->dim == 1) || help) PetscCall(PdennSignalParamsSetFromOptions(comm, &app->params));
  if (app->dim > 1 || help) PetscCall(ReadImageDeck(comm, app, help));
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
  if (app.dim > 1) PetscCall(CheckImageGrid(comm, &app));
  PetscCall(PdennDeckCheckUnused(comm));
  if (app.dim > 1) PetscCall(WriteImages(comm, &app));
  if (app.dim > 1) PetscFunctionReturn(0);
  PetscCall(PdennSignalSetWrite(comm, "-signals_output", app.output, p, app.force));
  PetscCall(PetscPrintf(comm, "pdenn_signals: wrote %" PetscInt_FMT " %s signals of N = %" PetscInt_FMT " (pieces %" PetscInt_FMT ", sigma %g, seed %" PetscInt_FMT ") to %s\n", p->samples, PdennSignalTypes[p->type], p->N, p->pieces, (double)p->sigma, p->seed, app.output));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, usage)) return 1;
  return PdennFinalize(Run());
}
