/* Compares two checkpoints: the weights, optimizer moments and loss history, bitwise
   (-rtol 0: memcmp, for -resume) or to a relative tolerance in the max norm (for other rank
   layouts, whose sums differ in order). Also checks both reached -expect_step steps, so a run
   that stopped early cannot pass by comparing equal-but-wrong states. */
#include <pdenn/core.h>
#include <pdenn/train.h>
#include <string.h>

static PetscErrorCode Compare(const char what[], const PetscReal *a, const PetscReal *b, PetscInt n, PetscReal rtol)
{
  PetscReal diff = 0, size = 0;

  PetscFunctionBeginUser;
  if (rtol == 0) {
    PetscCheck(!n || !memcmp(a, b, sizeof(PetscReal) * (size_t)n), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s differ bitwise", what);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: %" PetscInt_FMT " values bitwise identical\n", what, n));
    PetscFunctionReturn(0);
  }
  for (PetscInt i = 0; i < n; i++) {
    diff = PetscMax(diff, PetscAbsReal(a[i] - b[i]));
    size = PetscMax(size, PetscAbsReal(a[i]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%s: %" PetscInt_FMT " values, max difference %.3e, relative %.3e (tolerance %.1e)\n", what, n, (double)diff, (double)(size > 0 ? diff / size : diff), (double)rtol));
  PetscCheck(diff <= rtol * size, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s differ by %.3e relative, more than %.1e", what, (double)(size > 0 ? diff / size : diff), (double)rtol);
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  char            fa[PETSC_MAX_PATH_LEN], fb[PETSC_MAX_PATH_LEN];
  PetscReal       rtol        = 0;
  PetscInt        expect_step = -1;
  PdennCheckpoint a, b;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetString(NULL, NULL, "-a", fa, sizeof(fa), NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-b", fb, sizeof(fb), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-rtol", &rtol, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-expect_step", &expect_step, NULL));
  PetscCall(PdennCheckpointRead(PETSC_COMM_WORLD, "-a", fa, &a));
  PetscCall(PdennCheckpointRead(PETSC_COMM_WORLD, "-b", fb, &b));
  PetscCheck(a.nparams == b.nparams && a.step == b.step && a.epoch == b.epoch && a.batch == b.batch && a.opt_steps == b.opt_steps, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "different progress: steps %" PetscInt_FMT " / %" PetscInt_FMT ", epochs %" PetscInt_FMT " / %" PetscInt_FMT, a.step, b.step, a.epoch, b.epoch);
  PetscCheck(expect_step < 0 || a.step == expect_step, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "checkpoints are at step %" PetscInt_FMT ", expected %" PetscInt_FMT, a.step, expect_step);
  PetscCheck(a.nsamples == b.nsamples && !memcmp(a.perm, b.perm, sizeof(PetscInt) * (size_t)a.nsamples), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "different sample orders");
  PetscCall(Compare("theta", a.theta, b.theta, a.nparams, rtol));
  PetscCall(Compare("first moment", a.opt_m, b.opt_m, a.nparams, rtol));
  if (a.opt_v && b.opt_v) PetscCall(Compare("second moment", a.opt_v, b.opt_v, a.nparams, rtol));
  PetscCall(Compare("loss history", a.step_loss, b.step_loss, a.step, rtol));
  PetscCall(PdennCheckpointFree(&a));
  PetscCall(PdennCheckpointFree(&b));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "checkpoints agree\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
