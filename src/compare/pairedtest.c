/* The statistics of a study's paired comparisons: the regularised incomplete beta function (by
   its continued fraction, Numerical Recipes §6.4, evaluated with the modified Lentz method),
   Student's t distribution through it, P(|T| > |t|) = I_{nu/(nu+t^2)}(nu/2, 1/2), and the paired
   t-test with its 95% confidence interval. */
#include <pdenn/study.h>
#include <math.h>

/* The continued fraction of I_x(a, b); converges fast for x < (a + 1) / (a + b + 2). */
static PetscReal BetaFraction(PetscReal a, PetscReal b, PetscReal x)
{
  const PetscReal tiny = 1e-300, eps = 1e-16;
  PetscReal       c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0), h;

  if (PetscAbsReal(d) < tiny) d = tiny;
  d = 1.0 / d;
  h = d;
  for (PetscInt m = 1; m <= 1000; m++) {
    const PetscReal m2 = 2.0 * m;
    for (int odd = 0; odd < 2; odd++) {
      const PetscReal num = odd ? -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)) : m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
      d                   = 1.0 + num * d;
      if (PetscAbsReal(d) < tiny) d = tiny;
      c = 1.0 + num / c;
      if (PetscAbsReal(c) < tiny) c = tiny;
      d = 1.0 / d;
      h *= d * c;
      if (odd && PetscAbsReal(d * c - 1.0) < eps) return h;
    }
  }
  return h; /* not reached for the arguments of a t-test (a, b <= a few thousand) */
}

PetscErrorCode PdennBetaIncReg(PetscReal a, PetscReal b, PetscReal x, PetscReal *value)
{
  PetscReal front;

  PetscFunctionBeginUser;
  PetscCheck(a > 0 && b > 0 && x >= 0 && x <= 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "PdennBetaIncReg: a = %g, b = %g, x = %g; expected a, b > 0 and 0 <= x <= 1", (double)a, (double)b, (double)x);
  if (x == 0 || x == 1) {
    *value = x;
    PetscFunctionReturn(0);
  }
  front = PetscExpReal(PetscLGamma(a + b) - PetscLGamma(a) - PetscLGamma(b) + a * PetscLogReal(x) + b * log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0))
    *value = front * BetaFraction(a, b, x) / a;
  else
    *value = 1.0 - front * BetaFraction(b, a, 1.0 - x) / b; /* the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) */
  PetscFunctionReturn(0);
}

PetscErrorCode PdennStudentTCDF(PetscReal t, PetscReal nu, PetscReal *cdf)
{
  PetscReal tail;

  PetscFunctionBeginUser;
  PetscCheck(nu > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "PdennStudentTCDF: nu = %g; expected nu > 0", (double)nu);
  if (PetscIsInfReal(t)) {
    *cdf = t > 0 ? 1.0 : 0.0;
    PetscFunctionReturn(0);
  }
  PetscCall(PdennBetaIncReg(0.5 * nu, 0.5, nu / (nu + t * t), &tail)); /* P(|T| > |t|) */
  *cdf = t > 0 ? 1.0 - 0.5 * tail : 0.5 * tail;
  PetscFunctionReturn(0);
}

/* Bisection on the CDF: monotone, and 200 halvings of [-1e6, 1e6] reach machine precision. */
PetscErrorCode PdennStudentTQuantile(PetscReal q, PetscReal nu, PetscReal *t)
{
  PetscReal lo = -1e6, hi = 1e6, mid, cdf = 0;

  PetscFunctionBeginUser;
  PetscCheck(q > 0 && q < 1, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "PdennStudentTQuantile: q = %g; expected 0 < q < 1", (double)q);
  for (int it = 0; it < 200; it++) {
    mid = 0.5 * (lo + hi);
    PetscCall(PdennStudentTCDF(mid, nu, &cdf));
    if (cdf < q)
      lo = mid;
    else
      hi = mid;
  }
  *t = 0.5 * (lo + hi);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennPairedTTest(PetscInt n, const PetscReal d[], PdennPairedTest *test)
{
  PetscReal sum = 0, ss = 0, se, tq;

  PetscFunctionBeginUser;
  PetscCheck(n >= 2, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "PdennPairedTTest: %" PetscInt_FMT " pairs; expected at least 2", n);
  for (PetscInt i = 0; i < n; i++) sum += d[i];
  test->n    = n;
  test->mean = sum / n;
  for (PetscInt i = 0; i < n; i++) ss += (d[i] - test->mean) * (d[i] - test->mean);
  test->sd = PetscSqrtReal(ss / (n - 1));
  se       = test->sd / PetscSqrtReal((PetscReal)n);
  PetscCall(PdennStudentTQuantile(0.975, (PetscReal)(n - 1), &tq));
  test->ci_lo = test->mean - tq * se;
  test->ci_hi = test->mean + tq * se;
  if (se > 0) {
    PetscReal cdf;
    test->t = test->mean / se;
    PetscCall(PdennStudentTCDF(-PetscAbsReal(test->t), (PetscReal)(n - 1), &cdf));
    test->p = 2.0 * cdf;
  } else {
    test->t = test->mean == 0 ? NAN : (test->mean > 0 ? PETSC_INFINITY : PETSC_NINFINITY);
    test->p = test->mean == 0 ? 1.0 : 0.0;
  }
  PetscFunctionReturn(0);
}
