/* Deck fuzzing (docs/reliability.md): thousands of seeded mutations of valid decks, each run in
   this process through the setup path of pdenn_solve and pdenn_train (the library calls the apps
   make) and a tiny bounded solve or training. Every case must end with success or a user error
   carrying a clear one-line message, within its time limit, leaking no PETSc memory, HDF5 object
   or file descriptor. A deck read from a file is also given to the apps' deck check before
   PetscInitialize (src/core/deckcheck.c), whose verdict must be PETSc's parser's. With -write_decks the same mutations are written as files for runs of the
   real executables (fuzz_apps.sh). */
#include <pdenn/pdenn.h>
#include "relbases.h"
#include "relcheck.h"
#include "reldeck.h"
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  PetscInt  cases, first, seed, case_timeout, verbose;
  char      dir[PETSC_MAX_PATH_LEN], write_dir[PETSC_MAX_PATH_LEN], data[PETSC_MAX_PATH_LEN];
  PetscBool write;
} Settings;

typedef struct {
  int            ok, input_error, parser_refused, failures, leaks, file_path, guarded;
  int            options_leaks, parser_leaks, petsc_unnamed; /* PETSc's own, see Judge() */
  int            check_refused, check_nul;                   /* the deck check's refusals */
  int            mutations[REL_MUT_NTYPES], per_base[REL_NBASES];
  double         max_seconds, base_seconds[REL_NBASES];
  PetscInt       slowest;
  PetscLogDouble max_leak;
} Tally;

/* ---- the two setup paths: pdenn_solve's and pdenn_train's ------------------------------------ */

static PetscErrorCode SolveSteps(MPI_Comm comm, PdennDiffusion *pde, PdennSolver *solver, Vec *u)
{
  PdennSignalParams sp;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionCreate(comm, pde));
  PetscCall(PdennDiffusionSetFromOptions(*pde));
  PetscCall(PdennDiffusionSetUp(*pde));
  PetscCall(PdennSolverCreate(*pde, solver));
  PetscCall(PdennSolverSetFromOptions(*solver));
  PetscCall(PdennSignalParamsDefault(&sp));
  sp.N = (*pde)->N;
  PetscCall(PdennSignalParamsSetFromOptions(comm, &sp));
  /* the app's own check (apps/pdenn_solve.c), repeated: the generator must fill the grid */
  PetscCheck(sp.N == (*pde)->N, comm, PDENN_ERR_INPUT, "key -signals_N: value %" PetscInt_FMT " differs from the grid's -N %" PetscInt_FMT, sp.N, (*pde)->N);
  PetscCall(PdennDeckCheckUnused(comm));
  PetscCall(DMCreateGlobalVector((*pde)->da, u));
  PetscCall(PdennSignalFill(&sp, 0, NULL, *u));
  PetscCall(PdennSolverSolve(*solver, *u));
  PetscFunctionReturn(0);
}

/* Not PetscCall: whatever failed, the objects are destroyed and the first error returned. */
static PetscErrorCode RunSolve(MPI_Comm comm)
{
  PdennDiffusion pde    = NULL;
  PdennSolver    solver = NULL;
  Vec            u      = NULL;
  PetscErrorCode ierr   = SolveSteps(comm, &pde, &solver, &u);

  if (VecDestroy(&u) || PdennSolverDestroy(&solver) || PdennDiffusionDestroy(&pde)) return ierr ? ierr : PETSC_ERR_PLIB;
  return ierr;
}

static PetscErrorCode TrainSteps(PdennTrainer tr, MPI_Comm comm)
{
  PetscFunctionBeginUser;
  PetscCall(PdennTrainerSetFromOptions(tr));
  PetscCall(PdennTrainerSetUp(tr));
  PetscCall(PdennDeckCheckUnused(comm));
  PetscCall(PdennTrainerTrain(tr));
  PetscFunctionReturn(0);
}

static PetscErrorCode RunTrain(MPI_Comm comm)
{
  PdennTrainer   tr = NULL;
  PetscErrorCode ierr;

  ierr = PdennTrainerCreate(comm, &tr);
  if (!ierr) ierr = TrainSteps(tr, comm);
  if (PdennTrainerDestroy(&tr)) return ierr ? ierr : PETSC_ERR_PLIB;
  return ierr;
}

/* ---- one case ------------------------------------------------------------------------------ */

static void MakeDeck(const Settings *s, PetscInt k, PetscBool for_app, RelDeck *deck, int *base, int used[REL_MUT_NTYPES], int *guarded)
{
  const char *subst[2][2] = {{"@DATA@", s->data}, {"@DIR@", s->dir}};
  RelRng      rng;
  char       *text;
  size_t      len;

  RelRngSeed(&rng, (uint64_t)s->seed, (uint64_t)k);
  *base = k < 0 ? (int)(-k - 1) : RelRngInt(&rng, REL_NBASES); /* k < 0: base deck -k-1 as it is */
  len   = strlen(RelBases[*base].text) + strlen(RelBases[*base].app_text) + 1;
  text  = malloc(len);
  snprintf(text, len, "%s%s", RelBases[*base].text, for_app ? RelBases[*base].app_text : "");
  RelDeckFromText(deck, text, subst, 2);
  free(text);
  if (k >= 0) RelDeckMutate(deck, &rng, used);
  *guarded = RelDeckGuardCost(deck);
}

typedef struct {
  PetscErrorCode   code;
  PetscBool        parser_refused, file;
  PdennDeckVerdict check; /* of the apps' deck check, for a deck read from a file */
  char             msg[4096], fun[128], check_msg[1024];
  int              nerrors, h5_diff, fd_diff;
  PetscLogDouble   leak;
  double           seconds;
} Attempt;

/* PETSc's parser on rank 0 alone, into a scratch database: PetscOptionsInsertFile raises a
   parse error on rank 0 only, while the other ranks wait for its broadcast (the apps do not
   hang on it: mpiexec ends the job when rank 0 exits), so a refused deck is found here first
   and refused on every rank together. */
static PetscErrorCode ProbeDeckFile(MPI_Comm comm, const char path[])
{
  PetscMPIInt    rank;
  PetscOptions   probe;
  PetscErrorCode refused = 0;
  int            code;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    PetscCall(PetscOptionsCreate(&probe));
    refused = PetscOptionsInsertFile(PETSC_COMM_SELF, probe, path, PETSC_TRUE);
    PetscCall(PetscOptionsDestroy(&probe));
  }
  code = (int)refused;
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  if (rank && code) SETERRQ(PETSC_COMM_SELF, (PetscErrorCode)code, "deck %s refused by PETSc's parser on rank 0", path);
  PetscFunctionReturn((PetscErrorCode)code);
}

/* the deck into the emptied options database: as a file (as the apps read -options_file) when
   it holds binary bytes or long lines, else as a string; a file also through the apps' deck
   check, on rank 0 before any rank goes on (rank 0 writes the next case's deck to the same
   file), its verdict for every rank */
static PetscErrorCode InsertDeck(MPI_Comm comm, const Settings *s, const RelDeck *deck, PetscBool file, Attempt *a)
{
  PetscMPIInt rank, size;
  char        path[PETSC_MAX_PATH_LEN];
  int         check = PDENN_DECK_OK;

  PetscFunctionBeginUser;
  a->check        = PDENN_DECK_OK;
  a->check_msg[0] = 0;
  PetscCall(PetscOptionsClear(NULL));
  if (file) {
    PetscCallMPI(MPI_Comm_rank(comm, &rank));
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/case.deck", s->dir));
    if (!rank) PetscCheck(!RelDeckWrite(deck, path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path);
    if (!rank) check = (int)PdennDeckCheckFile(path, a->check_msg, sizeof(a->check_msg));
    PetscCallMPI(MPI_Bcast(&check, 1, MPI_INT, 0, comm));
    a->check = (PdennDeckVerdict)check;
    if (size > 1) PetscCall(ProbeDeckFile(comm, path));
    PetscCall(PetscOptionsInsertFile(comm, NULL, path, PETSC_TRUE));
  } else {
    char          *joined = RelDeckJoin(deck);
    PetscErrorCode ierr   = PetscOptionsInsertString(NULL, joined);
    free(joined);
    PetscCall(ierr);
  }
  PetscFunctionReturn(0);
}

static void PrintDeck(const RelDeck *deck)
{
  for (int i = 0; i < deck->n; i++) {
    printf("    | ");
    for (size_t j = 0; j < deck->len[i] && j < 200; j++) {
      unsigned char c = (unsigned char)deck->line[i][j];
      if (c >= 0x20 && c < 0x7f)
        putchar(c);
      else
        printf("\\x%02x", c);
    }
    printf(deck->len[i] > 200 ? "... (%zu bytes)\n" : "\n", deck->len[i]);
  }
}

/* one run of case k: fresh options, the deck, the app's setup path, resources compared */
static PetscErrorCode RunCase(MPI_Comm comm, const Settings *s, PetscInt k, const RelDeck *deck, int base, Attempt *a)
{
  RelCapture     cap;
  RelResources   before, after;
  PetscErrorCode ierr;
  PetscLogDouble t0, t1;
  char           what[128];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(what, sizeof(what), "case %" PetscInt_FMT " (seed %" PetscInt_FMT ", base deck %s)", k, s->seed, RelBases[base].name));
  a->file = (PetscBool)(RelDeckNeedsFile(deck) || (k & 1)); /* both insertion paths */
  PetscCall(RelResourcesGet(&before));
  PetscCall(PetscTime(&t0));
  RelDeadlineSet((unsigned)s->case_timeout, what);
  PetscCall(RelCaptureBegin(&cap));
  ierr              = InsertDeck(comm, s, deck, a->file, a);
  a->parser_refused = (PetscBool)(ierr != 0);
  if (!ierr) ierr = strcmp(RelBases[base].app, "pdenn_train") ? RunSolve(comm) : RunTrain(comm);
  PetscCall(RelCaptureEnd());
  RelDeadlineClear();
  PetscCall(PetscTime(&t1));
  PetscCall(RelLogStagesReset());
  PetscCall(RelResourcesGet(&after));
  a->code    = ierr ? (cap.nerrors ? cap.code : ierr) : 0;
  a->nerrors = cap.nerrors;
  a->leak    = after.mem - before.mem;
  a->h5_diff = (int)(after.h5_open - before.h5_open);
  a->fd_diff = after.fds - before.fds;
  a->seconds = t1 - t0;
  PetscCall(PetscStrncpy(a->msg, cap.msg, sizeof(a->msg)));
  PetscCall(PetscStrncpy(a->fun, cap.fun, sizeof(a->fun)));
  PetscFunctionReturn(0);
}

/* A user error raised while options are read, inside a PetscOptionsBegin/End section (pdenn's
   PdennOptions* wrappers, or PETSc's own XXXSetFromOptions): PetscOptionsEnd, which frees the
   section's title and prefix (a few dozen bytes), never runs. */
static PetscBool OptionsSectionLeak(const Attempt *a)
{
  return (PetscBool)(a->code && a->leak > 0 && a->leak <= 64);
}

/* Why the case failed, or NULL. A first leak is looked at again: PETSc registers classes and
   types on first use, once per program, so only a leak that repeats is one. Some leaks and
   messages are PETSc's own and counted, not failed (the apps exit right after them): the
   section title above, PetscOptionsInsertFile's FILE and buffer when it refuses a deck, and
   PETSc's message for a bad value of one of its pass-through keys (-ksp_rtol ...), which names
   the value but not the key. */
static const char *Judge(MPI_Comm comm, const Settings *s, PetscInt k, const RelDeck *deck, int base, Attempt *a, Tally *t)
{
  Attempt again;

  if (a->parser_refused && a->check == PDENN_DECK_OK) return "PETSc's parser refuses the deck, pdenn's deck check accepts it: the app would print PETSc's traceback";
  if (!a->parser_refused && a->check == PDENN_DECK_REFUSED) return "pdenn's deck check refuses a deck PETSc's parser accepts";
  if (a->parser_refused) {
    t->parser_leaks += a->leak != 0 || a->fd_diff != 0;
    return a->h5_diff ? "HDF5 objects left open" : NULL;
  }
  if (a->nerrors > 1) return "a second error was raised while cleaning up after the first";
  if (a->code && !RelIsInputError(a->code)) return "an internal error (not a user error): the app would abort with a traceback";
  if (a->code && !RelMessageIsClear(a->msg)) {
    if (strncmp(a->fun, "PetscOptions", 12)) return "a user error without a clear one-line message naming a key or file";
    t->petsc_unnamed++;
  }
  if (a->h5_diff) return "HDF5 objects left open";
  if (a->fd_diff) return "file descriptors left open";
  if (a->leak == 0) return NULL;
  if (OptionsSectionLeak(a)) {
    t->options_leaks++;
    return NULL;
  }
  if (RunCase(comm, s, k, deck, base, &again)) return "the case could not be repeated";
  if (again.leak == 0) {
    t->leaks++;
    return NULL;
  }
  a->leak = again.leak;
  return "PETSc memory leaked (the same bytes again when the case is repeated)";
}

static void Count(const Attempt *a, int base, Tally *t)
{
  t->per_base[base]++;
  t->file_path += a->file;
  t->check_refused += a->check != PDENN_DECK_OK;
  t->check_nul += a->check == PDENN_DECK_BINARY && !a->parser_refused;
  t->base_seconds[base] += a->seconds;
  if (a->parser_refused)
    t->parser_refused++;
  else if (a->code)
    t->input_error++;
  else
    t->ok++;
}

static PetscErrorCode FuzzCase(MPI_Comm comm, const Settings *s, PetscInt k, Tally *t)
{
  RelDeck     deck;
  Attempt     a;
  int         base, guarded, used[REL_MUT_NTYPES] = {0};
  const char *why;

  PetscFunctionBeginUser;
  MakeDeck(s, k, PETSC_FALSE, &deck, &base, used, &guarded);
  PetscCall(RunCase(comm, s, k, &deck, base, &a));
  why = Judge(comm, s, k, &deck, base, &a, t);
  for (int m = 0; m < REL_MUT_NTYPES; m++) t->mutations[m] += used[m];
  t->guarded += guarded > 0;
  Count(&a, base, t);
  if (a.seconds > t->max_seconds) {
    t->max_seconds = a.seconds;
    t->slowest     = k;
  }
  if (why || s->verbose) {
    printf("%s case %" PetscInt_FMT " (seed %" PetscInt_FMT ", base %s, %s path): %s\n  deck check: %s\n  error %d: %s\n  leak %g bytes, %d HDF5 objects, %d fds, %.3f s; deck:\n", why ? "FAIL:" : "case", k, s->seed, RelBases[base].name, a.file ? "file" : "string", why ? why : "ok", a.check ? a.check_msg : "accepted", (int)a.code, a.msg, (double)a.leak, a.h5_diff, a.fd_diff, a.seconds);
    PrintDeck(&deck);
    fflush(stdout);
  }
  t->failures += why != NULL;
  RelDeckFree(&deck);
  PetscFunctionReturn(0);
}

/* ---- the campaign ---------------------------------------------------------------------------- */

static PetscErrorCode ReadSettings(Settings *s)
{
  PetscFunctionBeginUser;
  s->cases        = 1000;
  s->first        = 0;
  s->seed         = 1;
  s->case_timeout = 30;
  s->verbose      = 0;
  PetscCall(PetscStrncpy(s->dir, "rel_fuzz", sizeof(s->dir)));
  PetscOptionsBegin(PETSC_COMM_WORLD, NULL, "Deck fuzzing", NULL);
  PetscCall(PetscOptionsInt("-cases", "mutated decks to try", NULL, s->cases, &s->cases, NULL));
  PetscCall(PetscOptionsInt("-first", "index of the first case", NULL, s->first, &s->first, NULL));
  PetscCall(PetscOptionsInt("-seed", "campaign seed", NULL, s->seed, &s->seed, NULL));
  PetscCall(PetscOptionsInt("-case_timeout", "seconds a case may take", NULL, s->case_timeout, &s->case_timeout, NULL));
  PetscCall(PetscOptionsInt("-verbose", "1: print every case", NULL, s->verbose, &s->verbose, NULL));
  PetscCall(PetscOptionsString("-dir", "work directory", NULL, s->dir, s->dir, sizeof(s->dir), NULL));
  PetscCall(PetscOptionsString("-write_decks", "write the mutated decks for the apps here instead of running them", NULL, s->write_dir, s->write_dir, sizeof(s->write_dir), &s->write));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* the campaign's signal set: N = 64 (the solve decks' -N), 20 samples (16 train, 4 validate) */
static PetscErrorCode MakeData(MPI_Comm comm, Settings *s)
{
  PdennSignalParams p;

  PetscFunctionBeginUser;
  if (mkdir(s->dir, 0755) && errno != EEXIST) SETERRQ(comm, PETSC_ERR_FILE_WRITE, "cannot create %s", s->dir);
  PetscCall(PetscSNPrintf(s->data, sizeof(s->data), "%s/data.h5", s->dir));
  PetscCall(PdennSignalParamsDefault(&p));
  p.N       = 64;
  p.samples = 20;
  PetscCall(PdennSignalSetWrite(comm, "-data", s->data, &p, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* the decks for runs of the apps: <dir>/case_<k>.deck and a manifest "file app base" */
static PetscErrorCode WriteDecks(const Settings *s)
{
  FILE *manifest;
  char  path[PETSC_MAX_PATH_LEN];
  int   base, guarded, used[REL_MUT_NTYPES] = {0};

  PetscFunctionBeginUser;
  if (mkdir(s->write_dir, 0755) && errno != EEXIST) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot create %s", s->write_dir);
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s/manifest.txt", s->write_dir));
  manifest = fopen(path, "w");
  PetscCheck(manifest, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path);
  for (PetscInt k = s->first; k < s->first + s->cases; k++) {
    RelDeck deck;
    MakeDeck(s, k, PETSC_TRUE, &deck, &base, used, &guarded);
    PetscCall(PetscSNPrintf(path, sizeof(path), "%s/case_%05" PetscInt_FMT ".deck", s->write_dir, k));
    PetscCheck(!RelDeckWrite(&deck, path), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path);
    fprintf(manifest, "case_%05d.deck %s %s\n", (int)k, RelBases[base].app, RelBases[base].name);
    RelDeckFree(&deck);
  }
  PetscCheck(!fclose(manifest), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write the manifest");
  printf("deck fuzz: wrote %" PetscInt_FMT " decks (seed %" PetscInt_FMT ") to %s\n", s->cases, s->seed, s->write_dir);
  PetscFunctionReturn(0);
}

/* every base deck must run as it is, twice, the second time without any allocation left over */
static PetscErrorCode WarmUp(MPI_Comm comm, const Settings *s, Tally *t)
{
  PetscFunctionBeginUser;
  for (int b = 0; b < REL_NBASES; b++) {
    for (int pass = 0; pass < 2; pass++) {
      RelDeck deck;
      Attempt a;
      int     base, guarded, used[REL_MUT_NTYPES] = {0};
      MakeDeck(s, -(PetscInt)b - 1, PETSC_FALSE, &deck, &base, used, &guarded);
      PetscCall(RunCase(comm, s, 0, &deck, base, &a));
      if (a.code || guarded || (pass == 1 && (a.leak != 0 || a.h5_diff || a.fd_diff))) {
        printf("FAIL: base deck %s (pass %d): error %d '%s', %d guard lines, leak %g bytes, %d HDF5 objects, %d fds\n", RelBases[b].name, pass, (int)a.code, a.msg, guarded, (double)a.leak, a.h5_diff, a.fd_diff);
        t->failures++;
      }
      RelDeckFree(&deck);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Summary(MPI_Comm comm, const Settings *s, Tally *t)
{
  int local = t->failures, failures;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(&local, &failures, 1, MPI_INT, MPI_MAX, comm));
  PetscCall(PetscPrintf(comm, "deck fuzz: seed %" PetscInt_FMT ", cases %" PetscInt_FMT " to %" PetscInt_FMT ": %d valid runs, %d user errors with a clear message, %d refused by PETSc's deck parser, %d failures\n", s->seed, s->first, s->first + s->cases - 1, t->ok, t->input_error, t->parser_refused, failures));
  PetscCall(PetscPrintf(comm, "deck fuzz: the apps' deck check before PetscInitialize refused %d of the file decks with one line: every deck PETSc's parser refuses, and %d with a NUL byte that PETSc would have read\n", t->check_refused, t->check_nul));
  PetscCall(PetscPrintf(comm, "deck fuzz: %d via a file, %d via a string; %d cost-guarded; slowest case %.3f s (case %" PetscInt_FMT "); %d first-use allocations (not repeated)\n", t->file_path, (int)s->cases - t->file_path, t->guarded, t->max_seconds, t->slowest, t->leaks));
  PetscCall(PetscPrintf(comm, "deck fuzz: PETSc's own leaks (known, harmless in the apps, which exit): %d user errors inside PetscOptionsBegin/End left the section title, %d decks refused by PetscOptionsInsertFile left its FILE and buffer; %d errors of PETSc's option parser for its pass-through keys do not name the key\n", t->options_leaks, t->parser_leaks, t->petsc_unnamed));
  PetscCall(PetscPrintf(comm, "deck fuzz: mutations:"));
  for (int m = 0; m < REL_MUT_NTYPES; m++) PetscCall(PetscPrintf(comm, " %s %d%s", RelMutationNames[m], t->mutations[m], m < REL_MUT_NTYPES - 1 ? "," : "\n"));
  PetscCall(PetscPrintf(comm, "deck fuzz: base decks:"));
  for (int b = 0; b < REL_NBASES; b++) PetscCall(PetscPrintf(comm, " %s %d (%.1f s)%s", RelBases[b].name, t->per_base[b], t->base_seconds[b], b < REL_NBASES - 1 ? "," : "\n"));
  PetscCall(PetscPrintf(comm, failures ? "deck fuzz: FAILED\n" : "deck fuzz: every case ended cleanly\n"));
  t->failures = failures;
  PetscFunctionReturn(0);
}

static PetscErrorCode Campaign(MPI_Comm comm, Settings *s, Tally *t)
{
  PetscBool basic;
  FILE     *out = PETSC_STDOUT;

  PetscFunctionBeginUser;
  PetscCall(PetscMallocGetDebug(&basic, NULL, NULL));
  PetscCheck(basic, comm, PETSC_ERR_ARG_WRONG, "run with -malloc_debug: the leak checks count PETSc's traced allocations");
  PetscCall(MakeData(comm, s));
  PETSC_STDOUT = fopen("/dev/null", "w"); /* the apps' progress lines */
  PetscCall(WarmUp(comm, s, t));
  for (PetscInt k = s->first; k < s->first + s->cases; k++) PetscCall(FuzzCase(comm, s, k, t));
  fclose(PETSC_STDOUT);
  PETSC_STDOUT = out;
  PetscCall(PetscOptionsClear(NULL));
  PetscCall(Summary(comm, s, t));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  Settings s;
  Tally    t;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Deck fuzzing of pdenn_solve's and pdenn_train's setup paths\n"));
  PetscCall(PetscMemzero(&s, sizeof(s)));
  PetscCall(PetscMemzero(&t, sizeof(t)));
  PetscCall(ReadSettings(&s));
  if (s.write) {
    PetscCall(MakeData(PETSC_COMM_WORLD, &s));
    PetscCall(WriteDecks(&s));
  } else
    PetscCall(Campaign(PETSC_COMM_WORLD, &s, &t));
  PetscCall(PetscFinalize());
  return t.failures ? 1 : 0;
}
