/* pdenn_solve: one classical solver of docs/science.md §1-4 and §7 (explicit, FED, FSI,
   semi-implicit, implicit) on one 1D signal, 2D image or 3D volume (-dim), read from an HDF5 file
   or generated from the deck; optional error against a reference; results to HDF5 (and PNG for
   images) and a summary. Keys: docs/decks.md. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

static const char usage[] = "pdenn_solve: evolves a 1D signal, 2D image or 3D volume (-dim) by generalised nonlinear diffusion with one classical solver.\n"
                            "Usage: mpiexec -n <ranks> pdenn_solve -options_file <deck> [-key value ...]\n"
                            "-help lists the keys of the chosen -method: e.g. -method semi_implicit -help for its KSP/PC and -mg_* keys.\n";

typedef struct {
  char              input[PETSC_MAX_PATH_LEN], input_dataset[64];
  char              reference[PETSC_MAX_PATH_LEN], reference_dataset[64];
  char              output[PETSC_MAX_PATH_LEN];
  PetscBool         has_input, has_reference, has_output, force;
  PetscInt          input_sample, reference_sample;
  PetscReal         png_range[2]; /* value -> grey 0 and 255 of the PNG files (dim 2, 3) */
  PetscInt          dim;
  PdennSignalParams signals; /* when there is no -input (dim 1) */
  PdennImageParams  images;  /* when there is no -input (dim 2, 3) */
} AppSettings;

typedef struct {
  Vec f, u, reference, error; /* initial, evolved, reference (or NULL), u - reference */
} AppSignals;

/* The generator keys apply only without -input: a deck giving both is told a key is unused. */
static PetscErrorCode ReadSignalKeys(MPI_Comm comm, PetscInt N, AppSettings *app)
{
  PetscBool clean, noisy;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalParamsDefault(&app->signals));
  app->signals.N = N;
  PetscCall(PdennSignalParamsSetFromOptions(comm, &app->signals));
  PetscCheck(app->signals.N == N, comm, PDENN_ERR_INPUT, "key -signals_N: value %" PetscInt_FMT " differs from the grid's -N %" PetscInt_FMT "; leave -signals_N out or make them equal", app->signals.N, N);
  PetscCheck(app->input_sample < app->signals.samples, comm, PDENN_ERR_INPUT, "key -input_sample: value %" PetscInt_FMT " is out of range; expected an integer in [0, %" PetscInt_FMT "] (-signals_samples - 1)", app->input_sample, app->signals.samples - 1);
  PetscCall(PetscStrcmp(app->input_dataset, "clean", &clean));
  PetscCall(PetscStrcmp(app->input_dataset, "noisy", &noisy));
  PetscCheck(clean || noisy, comm, PDENN_ERR_INPUT, "key -input_dataset: value '%s' is not allowed for a generated signal; expected noisy or clean", app->input_dataset);
  PetscFunctionReturn(0);
}

/* The image generator's keys (dim 2, 3), only without -input like the signal keys. */
static PetscErrorCode ReadImageKeys(MPI_Comm comm, AppSettings *app)
{
  PetscBool clean, noisy;

  PetscFunctionBeginUser;
  PetscCall(PdennImageParamsDefault(&app->images));
  PetscCall(PdennImageParamsSetFromOptions(comm, &app->images));
  PetscCheck(app->input_sample < app->images.samples, comm, PDENN_ERR_INPUT, "key -input_sample: value %" PetscInt_FMT " is out of range; expected an integer in [0, %" PetscInt_FMT "] (-images_samples - 1)", app->input_sample, app->images.samples - 1);
  PetscCall(PetscStrcmp(app->input_dataset, "clean", &clean));
  PetscCall(PetscStrcmp(app->input_dataset, "noisy", &noisy));
  PetscCheck(clean || noisy, comm, PDENN_ERR_INPUT, "key -input_dataset: value '%s' is not allowed for a generated image; expected noisy or clean", app->input_dataset);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadDeck(MPI_Comm comm, PetscInt N, PetscInt dim, PetscBool help, AppSettings *app)
{
  PetscInt  nr = 2;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(app, sizeof(*app)));
  app->dim          = dim;
  app->png_range[0] = 0.0, app->png_range[1] = 1.0;
  PetscOptionsBegin(comm, NULL, "pdenn_solve input and output", NULL);
  PetscCall(PdennOptionsString("-input", "HDF5 file of the initial signal (default: generate it, -signals_* keys)", "", app->input, sizeof(app->input), &app->has_input));
  PetscCall(PdennOptionsString("-input_dataset", "Dataset of the initial signal: noisy or clean (signal set), u (run output)", "noisy", app->input_dataset, sizeof(app->input_dataset), NULL));
  PetscCall(PdennOptionsInt("-input_sample", "Sample (row) of the initial signal", 0, 0, PETSC_MAX_INT, &app->input_sample, NULL));
  PetscCall(PdennOptionsString("-reference", "HDF5 file of a reference solution for the error (default: none)", "", app->reference, sizeof(app->reference), &app->has_reference));
  if (app->has_reference || help) {
    PetscCall(PdennOptionsString("-reference_dataset", "Dataset of the reference: u (run output), clean or noisy (signal set)", "u", app->reference_dataset, sizeof(app->reference_dataset), NULL));
    PetscCall(PdennOptionsInt("-reference_sample", "Sample (row) of a 2D reference dataset (default: -input_sample)", app->input_sample, 0, PETSC_MAX_INT, &app->reference_sample, NULL));
  }
  PetscCall(PdennOptionsString("-output", "HDF5 file for the results, plus <output>.summary.txt (default: none)", "", app->output, sizeof(app->output), &app->has_output));
  PetscCall(PdennOptionsBool("-force", "Replace existing output files", PETSC_FALSE, &app->force, NULL));
  if ((dim > 1 && app->has_output) || help) {
    PetscCall(PetscOptionsRealArray("-png_range", "-dim 2, 3 with -output: values mapped to grey 0 and 255 in <output>.initial.png and <output>.u.png (clipped)", "", app->png_range, &nr, &set));
    PetscCheck(!set || (nr == 2 && app->png_range[1] > app->png_range[0]), comm, PDENN_ERR_INPUT, "key -png_range: expected two numbers lo,hi with lo < hi (e.g. -png_range 0,1)");
  }
  PetscOptionsEnd();
  /* -help lists both generators, whatever -dim */
  if ((!app->has_input && dim == 1) || help) PetscCall(ReadSignalKeys(comm, dim == 1 ? N : 256, app));
  if ((!app->has_input && dim > 1) || help) PetscCall(ReadImageKeys(comm, app));
  PetscFunctionReturn(0);
}

/* A signal (dim 1) or an image or volume (dim 2, 3) from an HDF5 file */
static PetscErrorCode ReadData(MPI_Comm comm, PetscInt dim, const char key[], const char path[], const char dataset[], PetscInt sample, Vec v)
{
  PetscFunctionBeginUser;
  if (dim > 1) PetscCall(PdennH5ReadImage(comm, key, path, dataset, sample, v));
  else PetscCall(PdennH5ReadSignal(comm, key, path, dataset, sample, v));
  PetscFunctionReturn(0);
}

/* Everything that can be refused is refused here, before any computing. */
static PetscErrorCode SetUp(MPI_Comm comm, PdennDiffusion pde, PdennSolver solver, const AppSettings *app, AppSignals *sig, PdennRunOutput *out)
{
  PetscFunctionBeginUser;
  if (app->has_output) PetscCall(PdennRunOutputCreate(comm, "-output", app->output, app->force, out));
  PetscCall(DMCreateGlobalVector(pde->da, &sig->f));
  PetscCall(VecDuplicate(sig->f, &sig->u));
  PetscCall(PetscObjectSetName((PetscObject)sig->u, "u"));
  if (app->has_input) PetscCall(ReadData(comm, app->dim, "-input", app->input, app->input_dataset, app->input_sample, sig->f));
  else {
    PetscBool clean;
    PetscCall(PetscStrcmp(app->input_dataset, "clean", &clean));
    if (app->dim > 1) PetscCall(PdennImageFill(&app->images, app->input_sample, clean ? sig->f : NULL, clean ? NULL : sig->f));
    else PetscCall(PdennSignalFill(&app->signals, app->input_sample, clean ? sig->f : NULL, clean ? NULL : sig->f));
  }
  if (app->has_reference) {
    PetscCall(VecDuplicate(sig->f, &sig->reference));
    PetscCall(VecDuplicate(sig->f, &sig->error));
    PetscCall(ReadData(comm, app->dim, "-reference", app->reference, app->reference_dataset, app->reference_sample, sig->reference));
  }
  if (*out) {
    PetscCall(PdennSolverSetSnapshot(solver, PdennRunOutputSnapshot, *out));
    PetscCall(PdennRunOutputWriteSignal(*out, "initial", sig->f));
  }
  PetscFunctionReturn(0);
}

/* <output>.initial.png and <output>.u.png (the first slice of a volume) */
static PetscErrorCode WritePNGs(const AppSignals *sig, const AppSettings *app)
{
  char path[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s.initial.png", app->output));
  PetscCall(PdennImageWritePNG(sig->f, "-output", path, app->png_range[0], app->png_range[1]));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s.u.png", app->output));
  PetscCall(PdennImageWritePNG(sig->u, "-output", path, app->png_range[0], app->png_range[1]));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteResults(MPI_Comm comm, PdennSolver solver, const AppSettings *app, AppSignals *sig, PdennRunOutput out)
{
  PdennRunSummary summary;

  PetscFunctionBeginUser;
  PetscCall(PdennRunSummaryCompute(solver, sig->f, sig->u, sig->reference, sig->error, &summary));
  if (out) {
    PetscCall(PdennRunOutputWriteSignal(out, "u", sig->u));
    if (sig->reference) PetscCall(PdennRunOutputWriteSignal(out, "reference", sig->reference));
    if (sig->error) PetscCall(PdennRunOutputWriteSignal(out, "error", sig->error));
    PetscCall(PdennRunOutputWriteRun(out, solver, &summary));
    PetscCall(PdennRunOutputCommit(out, &summary, "pdenn_solve"));
    if (app->dim > 1) PetscCall(WritePNGs(sig, app));
  }
  PetscCall(PdennRunSummaryView(&summary, "pdenn_solve", PETSC_VIEWER_STDOUT_(comm)));
  if (out && app->dim > 1) PetscCall(PetscPrintf(comm, "pdenn_solve: wrote %s, %s.summary.txt, %s.initial.png and %s.u.png\n", app->output, app->output, app->output, app->output));
  else if (out) PetscCall(PetscPrintf(comm, "pdenn_solve: wrote %s and %s.summary.txt\n", app->output, app->output));
  PetscFunctionReturn(0);
}

/* Setup (continued), solve and output, each its own -log_view stage. */
static PetscErrorCode SolveStages(MPI_Comm comm, const PetscLogStage stage[3], PdennDiffusion pde, PdennSolver solver, const AppSettings *app, AppSignals *sig, PdennRunOutput *out)
{
  PetscFunctionBeginUser;
  PetscCall(PetscLogStagePush(stage[0]));
  PetscCall(SetUp(comm, pde, solver, app, sig, out));
  PetscCall(PetscLogStagePop());
  PetscCall(PetscLogStagePush(stage[1]));
  PetscCall(VecCopy(sig->f, sig->u));
  PetscCall(PdennSolverSolve(solver, sig->u));
  PetscCall(PetscLogStagePop());
  PetscCall(PetscLogStagePush(stage[2]));
  PetscCall(WriteResults(comm, solver, app, sig, *out));
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}

/* dim 2, 3 with -input: the grid is the input image's (-N/-Nx/-Ny/-Nz, if given, must agree) */
static PetscErrorCode GridFromInput(MPI_Comm comm, PdennDiffusion pde)
{
  static const char *const key[4] = {"-Nx", "-Ny", "-Nz", "-N"};
  char                     path[PETSC_MAX_PATH_LEN], dataset[64] = "noisy";
  PetscInt                 dim, samples, M[3];
  PetscBool                has_input, set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-input", path, sizeof(path), &has_input));
  if (!has_input) PetscFunctionReturn(0);
  PetscCall(PetscOptionsGetString(NULL, NULL, "-input_dataset", dataset, sizeof(dataset), NULL));
  PetscCall(PdennH5ImageShape(comm, "-input", path, dataset, pde->dim, &dim, &samples, M));
  for (PetscInt a = 0; a < 4; a++) {
    PetscCall(PetscOptionsHasName(NULL, NULL, key[a], &set));
    PetscCheck(!set || (a < 3 ? pde->M[a] == M[a] : pde->M[0] == M[0] && pde->M[1] == M[1] && pde->M[2] == M[2]), comm, PDENN_ERR_INPUT, "key %s: the grid %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (x, y, z) differs from the input image's %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " (file '%s', dataset '%s'); leave -N, -Nx, -Ny, -Nz out with -input: the image sets the grid", key[a], pde->M[0], pde->M[1], pde->M[2], M[0], M[1], M[2], path, dataset);
  }
  for (PetscInt a = 0; a < 3; a++) pde->M[a] = M[a];
  pde->N = M[0] * M[1] * M[2];
  PetscFunctionReturn(0);
}

/* Every key is read here, the problem and solver set up; -help stops after this. */
static PetscErrorCode Configure(MPI_Comm comm, PdennDiffusion *pde, PdennSolver *solver, AppSettings *app, PetscBool *help)
{
  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(help));
  PetscCall(PdennDiffusionCreate(comm, pde));
  PetscCall(PdennDiffusionSetFromOptions(*pde));
  if ((*pde)->dim > 1) PetscCall(GridFromInput(comm, *pde));
  PetscCall(PdennDiffusionSetUp(*pde)); /* the solvers' options (KSP, SNES) need its DMDA */
  PetscCall(PdennSolverCreate(*pde, solver));
  PetscCall(PdennSolverSetFromOptions(*solver));
  PetscCall(ReadDeck(comm, (*pde)->N, (*pde)->dim, *help, app));
  if (!*help) PetscCall(PdennDeckCheckUnused(comm));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  MPI_Comm       comm   = PETSC_COMM_WORLD;
  PdennDiffusion pde    = NULL;
  PdennSolver    solver = NULL;
  PdennRunOutput out    = NULL;
  AppSettings    app;
  AppSignals     sig = {NULL, NULL, NULL, NULL};
  PetscLogStage  stage[3];
  PetscBool      help;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscLogStageRegister("pdenn setup", &stage[0]));
  PetscCall(PetscLogStageRegister("pdenn solve", &stage[1]));
  PetscCall(PetscLogStageRegister("pdenn output", &stage[2]));
  PetscCall(PetscLogStagePush(stage[0]));
  PetscCall(Configure(comm, &pde, &solver, &app, &help));
  PetscCall(PetscLogStagePop());
  if (!help) {
    ierr = SolveStages(comm, stage, pde, solver, &app, &sig, &out);
    PetscCall(PdennRunOutputDestroy(&out)); /* removes <output>.tmp unless the run completed */
    PetscCall(ierr);
  }
  PetscCall(VecDestroy(&sig.error));
  PetscCall(VecDestroy(&sig.reference));
  PetscCall(VecDestroy(&sig.u));
  PetscCall(VecDestroy(&sig.f));
  PetscCall(PdennSolverDestroy(&solver));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, usage)) return 1;
  return PdennFinalize(Run());
}
