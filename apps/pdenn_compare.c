/* pdenn_compare: the main job (docs/science.md §6). One deck names a task, classical solvers and
   networks; this runs them all on the same data and writes results/<experiment>/: summary.md,
   summary.csv, results.h5 and plots. Keys: docs/decks.md; reading the results: docs/results.md. */
#include <pdenn/pdenn.h>
#include <pdenn/compare.h>

static const char help[] = "pdenn_compare: classical solvers and learned networks on one deck, compared on the same test set.\n"
                           "Usage: mpiexec -n <ranks> pdenn_compare -options_file <deck> [-key value ...]\n";

/* The deck file as given on the command line (PETSc does not keep -options_file as an option). */
static const char *DeckArgument(int argc, char **argv)
{
  const char *deck = NULL;
  for (int i = 1; i + 1 < argc; i++)
    if (!strcmp(argv[i], "-options_file")) deck = argv[i + 1];
  return deck;
}

static PetscErrorCode Run(const char deck[])
{
  PdennCompare   cmp;
  PetscBool      help;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  PetscCall(PdennCompareCreate(PETSC_COMM_WORLD, &cmp));
  PetscCall(PdennCompareSetDeck(cmp, deck));
  ierr = PdennCompareSetFromOptions(cmp);
  if (!ierr) ierr = PdennCompareSetUp(cmp);
  if (!ierr && !help) ierr = PdennCompareRun(cmp);
  if (!ierr && !help) ierr = PdennCompareWriteResults(cmp);
  PetscCall(PdennCompareDestroy(&cmp));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  ierr = PdennInitialize(&argc, &argv, help);
  if (ierr) return 1;
  ierr = Run(DeckArgument(argc, argv));
  return PdennFinalize(ierr);
}
