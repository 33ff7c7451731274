/* Unit tests of the study's statistics (src/compare/pairedtest.c) against SciPy 1.10's values,
   computed with /usr/bin/python3 and pasted here:
     from scipy import special, stats; import numpy as np
     special.betainc(2.5, 0.5, 0.3); special.betainc(10, 3, 0.9); special.betainc(0.5, 0.5, 0.01)
     special.betainc(50, 0.5, 0.99)
     stats.t.cdf(-2.0, 4); stats.t.cdf(1.5, 1); stats.t.cdf(0.3, 19); stats.t.cdf(-6.0, 9)
     stats.t.cdf(3.0, 100); stats.t.ppf(0.975, 4); stats.t.ppf(0.975, 19)
     r = stats.ttest_1samp(np.array([0.1, -0.3, 0.25, 0.4, 0.05]), 0); r.statistic; r.pvalue
   and the list parser's refusals (empty list, empty entry, non-integer, duplicate, below range). */
#include <pdenn/study.h>
#include "../../src/compare/studypriv.h"

/* SciPy evaluates these to about 1e-15 relative; 1e-12 leaves room for lgamma's rounding. */
#define TOL 1e-12

static PetscErrorCode Check(const char what[], PetscReal got, PetscReal want)
{
  PetscFunctionBeginUser;
  PetscCheck(PetscAbsReal(got - want) <= TOL * PetscMax(PetscAbsReal(want), 1e-3), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s = %.17g, SciPy gives %.17g", what, (double)got, (double)want);
  PetscFunctionReturn(0);
}

static PetscErrorCode TestBeta(void)
{
  const PetscReal a[] = {2.5, 10, 0.5, 50}, b[] = {0.5, 3, 0.5, 0.5}, x[] = {0.3, 0.9, 0.01, 0.99};
  const PetscReal want[] = {0.01892712407194565, 0.889130022255, 0.06376856085851987, 0.31730439787419623};
  PetscReal       v;

  PetscFunctionBeginUser;
  for (int i = 0; i < 4; i++) {
    PetscCall(PdennBetaIncReg(a[i], b[i], x[i], &v));
    PetscCall(Check("I_x(a, b)", v, want[i]));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TestStudentT(void)
{
  const PetscReal t[] = {-2.0, 1.5, 0.3, -6.0, 3.0}, nu[] = {4, 1, 19, 9, 100};
  const PetscReal want[] = {0.05805826175840775, 0.8128329581890013, 0.6162826698303683, 0.0001012496610338204, 0.9982960423283352};
  const PetscReal d[]    = {0.1, -0.3, 0.25, 0.4, 0.05};
  PetscReal       v;
  PdennPairedTest test;

  PetscFunctionBeginUser;
  for (int i = 0; i < 5; i++) {
    PetscCall(PdennStudentTCDF(t[i], nu[i], &v));
    PetscCall(Check("Student t CDF", v, want[i]));
  }
  PetscCall(PdennStudentTQuantile(0.975, 4, &v));
  PetscCall(Check("t quantile 0.975, nu 4", v, 2.7764451051977987));
  PetscCall(PdennStudentTQuantile(0.975, 19, &v));
  PetscCall(Check("t quantile 0.975, nu 19", v, 2.093024054408263));
  PetscCall(PdennPairedTTest(5, d, &test));
  PetscCall(Check("paired t", test.t, 0.8528028654224419));
  PetscCall(Check("paired p", test.p, 0.4418233076836301));
  PetscCall(Check("CI centre", 0.5 * (test.ci_lo + test.ci_hi), 0.1));
  PetscFunctionReturn(0);
}

/* Each bad list must be refused with an input error; a good one parsed exactly. */
static PetscErrorCode TestLists(void)
{
  const char *const bad[] = {"", "1,,2", "1,x", "1.5", "2,3,2", "0", "1,"};
  PetscInt          n, list[PDENN_STUDY_MAX_LIST];
  PetscErrorCode    ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennStudyParseIntList(PETSC_COMM_SELF, "-x_budgets", "4,8,16,32", 1, &n, list));
  PetscCheck(n == 4 && list[0] == 4 && list[3] == 32, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "list 4,8,16,32 parsed as %" PetscInt_FMT " entries", n);
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    ierr = PdennStudyParseIntList(PETSC_COMM_SELF, "-x_budgets", bad[i], 1, &n, list);
    PetscCheck(ierr == PDENN_ERR_INPUT, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "list '%s' was not refused as an input error (code %d)", bad[i], (int)ierr);
  }
  PetscCall(PetscPopErrorHandler());
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  ierr = PdennInitialize(&argc, &argv, NULL);
  if (ierr) return 1;
  ierr = TestBeta();
  if (!ierr) ierr = TestStudentT();
  if (!ierr) ierr = TestLists();
  if (!ierr) ierr = PetscPrintf(PETSC_COMM_WORLD, "study statistics checks passed\n");
  return PdennFinalize(ierr);
}
