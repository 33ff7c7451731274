/* pdenn_solve: one classical solver of docs/science.md §1-4 (explicit, FED, FSI, semi-implicit,
   implicit) on one 1D signal, read from an HDF5 file or generated from the deck; optional error
   against a reference; results to HDF5 and a summary. Keys: docs/decks.md. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

static const char usage[] = "pdenn_solve: evolves a 1D signal by generalised nonlinear diffusion with one classical solver.\n"
                            "Usage: mpiexec -n <ranks> pdenn_solve -options_file <deck> [-key value ...]\n"
                            "-help lists the keys of the chosen -method: e.g. -method semi_implicit -help for its KSP/PC and -mg_* keys.\n";

typedef struct {
  char              input[PETSC_MAX_PATH_LEN], input_dataset[64];
  char              reference[PETSC_MAX_PATH_LEN], reference_dataset[64];
  char              output[PETSC_MAX_PATH_LEN];
  PetscBool         has_input, has_reference, has_output, force;
  PetscInt          input_sample, reference_sample;
  PdennSignalParams signals; /* when there is no -input */
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

static PetscErrorCode ReadDeck(MPI_Comm comm, PetscInt N, PetscBool help, AppSettings *app)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(app, sizeof(*app)));
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
  PetscOptionsEnd();
  if (!app->has_input || help) PetscCall(ReadSignalKeys(comm, N, app));
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
  if (app->has_input)
    PetscCall(PdennH5ReadSignal(comm, "-input", app->input, app->input_dataset, app->input_sample, sig->f));
  else {
    PetscBool clean;
    PetscCall(PetscStrcmp(app->input_dataset, "clean", &clean));
    PetscCall(PdennSignalFill(&app->signals, app->input_sample, clean ? sig->f : NULL, clean ? NULL : sig->f));
  }
  if (app->has_reference) {
    PetscCall(VecDuplicate(sig->f, &sig->reference));
    PetscCall(VecDuplicate(sig->f, &sig->error));
    PetscCall(PdennH5ReadSignal(comm, "-reference", app->reference, app->reference_dataset, app->reference_sample, sig->reference));
  }
  if (*out) {
    PetscCall(PdennSolverSetSnapshot(solver, PdennRunOutputSnapshot, *out));
    PetscCall(PdennRunOutputWriteSignal(*out, "initial", sig->f));
  }
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
  }
  PetscCall(PdennRunSummaryView(&summary, "pdenn_solve", PETSC_VIEWER_STDOUT_(comm)));
  if (out) PetscCall(PetscPrintf(comm, "pdenn_solve: wrote %s and %s.summary.txt\n", app->output, app->output));
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

/* Every key is read here, the problem and solver set up; -help stops after this. */
static PetscErrorCode Configure(MPI_Comm comm, PdennDiffusion *pde, PdennSolver *solver, AppSettings *app, PetscBool *help)
{
  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(help));
  PetscCall(PdennDiffusionCreate(comm, pde));
  PetscCall(PdennDiffusionSetFromOptions(*pde));
  PetscCall(PdennDiffusionSetUp(*pde)); /* the solvers' options (KSP, SNES) need its DMDA */
  PetscCall(PdennSolverCreate(*pde, solver));
  PetscCall(PdennSolverSetFromOptions(*solver));
  PetscCall(ReadDeck(comm, (*pde)->N, *help, app));
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
