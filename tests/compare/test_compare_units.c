/* Unit tests of src/compare: the options scope that gives each method of an experiment its own
   keys (-<name>_<key> over the shared -<key>, and the deck check still seeing which keys were
   read), and the figures of merit (MSE, PSNR, largest gain) against hand-computed values. */
#include <pdenn/compare.h>

static PetscErrorCode CheckInt(const char key[], PetscInt want, PetscBool want_set)
{
  PetscInt  v = -1;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetInt(NULL, NULL, key, &v, &set));
  PetscCheck(set == want_set && (!set || v == want), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "scope: %s = %" PetscInt_FMT " (set %d), expected %" PetscInt_FMT " (set %d)", key, v, (int)set, want, (int)want_set);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckUsed(const char name[], PetscBool want)
{
  PetscBool used;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsUsed(NULL, name, &used));
  PetscCheck(used == want, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "scope: deck key -%s used = %d after the pop, expected %d", name, (int)used, (int)want);
  PetscFunctionReturn(0);
}

static PetscErrorCode TestScope(void)
{
  PdennOptionsScope scope;
  PetscBool         has;

  PetscFunctionBeginUser;
  /* the "deck": a shared key, a prefixed override of it, a prefixed-only key, another method's
     key and a misspelled prefixed key that nothing reads */
  PetscCall(PetscOptionsSetValue(NULL, "-alpha", "1"));
  PetscCall(PetscOptionsSetValue(NULL, "-beta", "5"));
  PetscCall(PetscOptionsSetValue(NULL, "-sco_alpha", "2"));
  PetscCall(PetscOptionsSetValue(NULL, "-sco_gamma", "7"));
  PetscCall(PetscOptionsSetValue(NULL, "-other_gamma", "9"));
  PetscCall(PetscOptionsSetValue(NULL, "-sco_zeta", "3"));
  PetscCall(PdennOptionsScopeCreate("sco_", &scope));
  PetscCall(PdennOptionsScopeSetValue(scope, "-eps", "4"));
  PetscCall(PdennOptionsScopeHasKey(scope, "-gamma", &has));
  PetscCheck(has, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "scope: HasKey(-gamma) is false although -sco_gamma is given");
  PetscCall(PdennOptionsScopeHasKey(scope, "-delta", &has));
  PetscCheck(!has, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "scope: HasKey(-delta) is true although nothing gives it");
  PetscCall(PdennOptionsScopePush(scope));
  PetscCall(CheckInt("-alpha", 2, PETSC_TRUE)); /* the method's own value wins */
  PetscCall(CheckInt("-beta", 5, PETSC_TRUE));  /* shared keys are defaults for every method */
  PetscCall(CheckInt("-gamma", 7, PETSC_TRUE));
  PetscCall(CheckInt("-delta", 0, PETSC_FALSE));
  PetscCall(CheckInt("-eps", 4, PETSC_TRUE));
  PetscCall(PdennOptionsScopePop(scope));
  PetscCall(CheckInt("-eps", 0, PETSC_FALSE)); /* the app's own keys do not leak into the deck */
  PetscCall(CheckUsed("sco_alpha", PETSC_TRUE));
  PetscCall(CheckUsed("sco_gamma", PETSC_TRUE));
  PetscCall(CheckUsed("beta", PETSC_TRUE));
  PetscCall(CheckUsed("sco_zeta", PETSC_FALSE));    /* a typo stays unused: the deck check sees it */
  PetscCall(CheckUsed("other_gamma", PETSC_FALSE)); /* another method's keys are not this one's */
  PetscCall(PdennOptionsScopeDestroy(&scope));
  PetscCall(PetscOptionsClearValue(NULL, "-sco_zeta"));
  PetscCall(PetscOptionsClearValue(NULL, "-other_gamma"));
  PetscFunctionReturn(0);
}

/* Two samples of N = 4; every figure worked out by hand. */
static PetscErrorCode TestErrors(void)
{
  const PetscReal    input[8]  = {1, 1, 1, 1, 3, 0, 0, 4};
  const PetscReal    target[8] = {0, 0, 0, 0, 1, 1, 1, 1};
  const PetscReal    output[8] = {1, 0, 0, 0, 1, 1, 1, 3}; /* sq. errors: 1 (mean 1/4), 4 (mean 1) */
  PdennCompareErrors e;
  const PetscReal    mse = (0.25 + 1.0) / 2.0, psnr = 10.0 * PetscLog10Real(4.0 / mse);
  /* gains: ||(1,0,0,0)|| / ||(1,1,1,1)|| = 1/2 and ||(1,1,1,3)|| / ||(3,0,0,4)|| = sqrt(12)/5 */
  const PetscReal gain = PetscSqrtReal(12.0) / 5.0;

  PetscFunctionBeginUser;
  PetscCall(PdennCompareErrorsCompute(2, 4, output, target, input, 2.0, &e));
  /* a handful of roundings in each: 1e-14 relative is ample */
  PetscCheck(PetscAbsReal(e.mse - mse) <= 1e-14 * mse, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "errors: MSE %.17g, expected %.17g", (double)e.mse, (double)mse);
  PetscCheck(PetscAbsReal(e.psnr - psnr) <= 1e-12 * psnr, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "errors: PSNR %.17g, expected %.17g", (double)e.psnr, (double)psnr);
  PetscCheck(PetscAbsReal(e.max_gain - gain) <= 1e-14, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "errors: largest gain %.17g, expected %.17g", (double)e.max_gain, (double)gain);
  PetscCall(PdennCompareErrorsCompute(2, 4, target, target, input, 1.0, &e));
  PetscCheck(e.mse == 0.0 && PetscIsNanReal(e.psnr), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "errors: a perfect output gives MSE %g, PSNR %g; expected 0 and NaN (no finite PSNR)", (double)e.mse, (double)e.psnr);
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  ierr = PdennInitialize(&argc, &argv, NULL);
  if (ierr) return 1;
  ierr = TestScope();
  if (!ierr) ierr = TestErrors();
  if (!ierr) ierr = PetscPrintf(PETSC_COMM_WORLD, "compare unit checks passed\n");
  return PdennFinalize(ierr);
}
