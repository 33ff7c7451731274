/* pdenn_study: a grid of pdenn_compare trainings from one deck (learned methods x budgets x
   seeds), each resumable, then one table with paired comparisons and one plot in
   results/<experiment>/ (docs/results.md, "Studies"; keys: docs/decks.md). */
#include <pdenn/pdenn.h>
#include <pdenn/study.h>

static const char help[] = "pdenn_study: pdenn_compare's networks at several parameter budgets and seeds, one table and plot.\n"
                           "Usage: mpiexec -n <ranks> pdenn_study -options_file <deck> [-compare_task_index k -compare_task_count n | -compare_collect] [-key value ...]\n";

/* -help: the study's keys, then every key of pdenn_compare on the whole deck */
static PetscErrorCode Help(const char deck[])
{
  PdennCompare   cmp;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareCreate(PETSC_COMM_WORLD, &cmp));
  PetscCall(PdennCompareSetDeck(cmp, deck));
  ierr = PdennCompareSetFromOptions(cmp);
  if (!ierr) ierr = PdennCompareSetUp(cmp);
  PetscCall(PdennCompareDestroy(&cmp));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(const char deck[])
{
  PdennStudy     study;
  PetscBool      help;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  PetscCall(PdennStudyCreate(PETSC_COMM_WORLD, &study));
  PetscCall(PdennStudySetDeck(study, deck));
  ierr = PdennStudySetFromOptions(study);
  if (!ierr && help) ierr = Help(deck);
  if (!ierr && !help) ierr = PdennStudyRun(study);
  if (!ierr && !help) ierr = PdennStudyWriteResults(study);
  PetscCall(PdennStudyDestroy(&study));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* The deck file as given on the command line (PETSc does not keep -options_file as an option). */
static const char *DeckArgument(int argc, char **argv)
{
  const char *deck = NULL;
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], "-options_file")) deck = argv[i + 1];
  return deck;
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  ierr = PdennInitialize(&argc, &argv, help);
  if (ierr) return 1;
  ierr = Run(DeckArgument(argc, argv));
  return PdennFinalize(ierr);
}
