/* Start-up and shut-down of pdenn apps, and the one-line error handler for user errors:
   a bad deck or a missing file is the user's to fix, so it gets one line, not a traceback. */
#include <pdenn/core.h>
#include <string.h>

static PetscBool PdennIsInputError(PetscErrorCode n)
{
  return (PetscBool)(n == PDENN_ERR_INPUT || n == PETSC_ERR_ARG_OUTOFRANGE || n == PETSC_ERR_FILE_OPEN || n == PETSC_ERR_FILE_READ || n == PETSC_ERR_FILE_WRITE || n == PETSC_ERR_FILE_UNEXPECTED || n == PETSC_ERR_ARG_UNKNOWN_TYPE);
}

static PetscErrorCode PdennErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (!PdennIsInputError(n)) return PetscTraceBackErrorHandler(comm, line, fun, file, n, p, mess, ctx);
  if (p == PETSC_ERROR_INITIAL) {
    PetscMPIInt rank = 0;
    if (comm != MPI_COMM_NULL) MPI_Comm_rank(comm, &rank);
    if (!rank) {
      fprintf(stderr, "pdenn: error: %s\n", mess ? mess : "(no message)");
      fflush(stderr);
    }
  }
  return n;
}

/* Whether PdennInitialize started MPI, and so PdennFinalize ends it (PetscFinalize ends only
   an MPI it started itself): the one piece of global state, set once, as PETSc's PetscBeganMPI. */
static PetscBool pdenn_began_mpi = PETSC_FALSE;

/* Before PetscInitialize: PETSc's parser refuses a bad deck there with a traceback (pdenn's
   handler cannot be pushed earlier: -malloc_debug would free its block with the traced free)
   and recurses until the stack overflows on a deck that includes itself. So MPI is started
   here as PETSc would start it (PETSc accepts a started MPI), rank 0 checks the decks, and
   every rank learns the verdict. Returns 1 (after one line on rank 0) for a bad deck. */
static int DeckPrecheck(int *argc, char ***argv)
{
  int  started = 0, rank = 0, refused = 0, provided;
  char msg[2 * PETSC_MAX_PATH_LEN + 512];

  if (MPI_Initialized(&started)) return 1;
  if (!started) {
    if (MPI_Init_thread(argc, argv, PETSC_MPI_THREAD_REQUIRED, &provided)) return 1;
    pdenn_began_mpi = PETSC_TRUE;
  }
  if (MPI_Comm_rank(MPI_COMM_WORLD, &rank)) return 1;
  if (!rank) refused = PdennDeckCheckArgs(*argc, *argv, msg, sizeof(msg)) != PDENN_DECK_OK;
  if (MPI_Bcast(&refused, 1, MPI_INT, 0, MPI_COMM_WORLD)) return 1;
  if (!refused) return 0;
  if (!rank) {
    fprintf(stderr, "pdenn: error: %s\n", msg);
    fflush(stderr);
  }
  if (pdenn_began_mpi) MPI_Finalize();
  return 1;
}

PetscErrorCode PdennInitialize(int *argc, char ***argv, const char help[])
{
  if (DeckPrecheck(argc, argv)) return PDENN_ERR_INPUT; /* PETSc is not there to raise it */
  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(argc, argv, NULL, help));
  PetscCall(PetscPushErrorHandler(PdennErrorHandler, NULL));
  PetscFunctionReturn(0);
}

int PdennFinalize(PetscErrorCode run_status)
{
  if (run_status && !PdennIsInputError(run_status)) {
    /* an internal error may have struck one rank only: the others could wait forever */
    fflush(stdout);
    fflush(stderr);
    MPI_Abort(PETSC_COMM_WORLD, (int)run_status);
  }
  if (PetscPopErrorHandler() || PetscFinalize()) return 2;
  if (pdenn_began_mpi && MPI_Finalize()) return 2;
  return run_status ? 1 : 0;
}

PetscErrorCode PdennHelpRequested(PetscBool *help)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasHelp(NULL, help));
  PetscFunctionReturn(0);
}

/* The index of the last command-line argument equal to key (PETSc's keys ignore case), or -1. */
static PetscErrorCode LastArg(const char key[], int *at)
{
  int    argc;
  char **args;

  PetscFunctionBeginUser;
  PetscCall(PetscGetArgs(&argc, &args));
  *at = -1;
  for (int i = 1; i < argc; i++) {
    PetscBool is;
    PetscCall(PetscStrcasecmp(args[i], key, &is));
    if (is) *at = i;
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDeckName(char name[], size_t len)
{
  int    argc, at;
  char **args;

  PetscFunctionBeginUser;
  /* PETSc consumes -options_file without keeping it in the database: look at the arguments */
  PetscCall(PetscGetArgs(&argc, &args));
  PetscCall(LastArg("-options_file", &at));
  PetscCall(PetscStrncpy(name, at >= 0 && at + 1 < argc ? args[at + 1] : "command line", len));
  PetscFunctionReturn(0);
}

/* Keys PETSc reads only at the end of a solve (KSPSolve's and SNESSolve's viewers), or when the
   first solve sets up the multigrid levels (PCSetUp_MG and PCSetUp_GAMG read -mg_levels_* and
   -mg_coarse_* then), so they are still unused when the deck is checked, before any solve: under
   any prefix. (-options_left lists any of them still unused at the end.) */
static PetscBool ReadAfterSolve(const char name[])
{
  static const char *const suffixes[] = {"ksp_converged_reason", "snes_converged_reason", "ksp_view", "snes_view", "ksp_view_final_residual"};
  static const char *const levels[]   = {"mg_levels_", "mg_coarse_"};
  const size_t             len        = strlen(name);

  for (size_t k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
    const size_t ls = strlen(suffixes[k]);
    if (len >= ls && !strcmp(name + len - ls, suffixes[k]) && (len == ls || name[len - ls - 1] == '_')) return PETSC_TRUE;
  }
  for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
    const char *at = strstr(name, levels[k]);
    if (at && (at == name || at[-1] == '_')) return PETSC_TRUE;
  }
  return PETSC_FALSE;
}

/* Where a key was given: "the command line" if it is one of the arguments, else the deck. */
static PetscErrorCode PdennKeySource(const char key[], char source[], size_t len)
{
  int at;

  PetscFunctionBeginUser;
  PetscCall(LastArg(key, &at));
  if (at >= 0)
    PetscCall(PetscStrncpy(source, "the command line", len));
  else
    PetscCall(PdennDeckName(source, len));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDeckCheckUnused(MPI_Comm comm)
{
  PetscInt  n, first = -1;
  char    **names, **values;
  char      deck[PETSC_MAX_PATH_LEN], key[256] = "";
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  if (help) PetscFunctionReturn(0); /* -help queries everything it lists, nothing to check */
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n && first < 0; i++)
    if (!ReadAfterSolve(names[i])) first = i;
  if (first >= 0) PetscCall(PetscSNPrintf(key, sizeof(key), "-%s", names[first]));
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  if (first >= 0) {
    PetscCall(PdennKeySource(key, deck, sizeof(deck)));
    SETERRQ(comm, PDENN_ERR_INPUT, "unknown key %s in %s (misspelled, or not used by this run; -help lists every key)", key, deck);
  }
  PetscFunctionReturn(0);
}
