/* The assembled implicit matrix (src/pde/semi_implicit.c) against the shared operator code:
   1. A = I + tau K^T diag(w) K: A x equals x + tau K^T (w .* K x) computed by PdennSymStep with
      the activation z -> w z, for arbitrary x and w, orders 1 and 2 (so every entry, the
      reflecting boundary rows included, matches the convolution K);
   2. with w = g((K u)^2) from PdennDiffusionDiffusivity, A u = u + tau PdennDiffusionResidual(u)
      for every flux (K^T G K u = K^T Phi(K u)): the semi-implicit matrix is the operator;
   3. with w = Phi'(K v) the matrix is the Jacobian of F(v) = v + tau K^T Phi(K v): central
      differences agree to O(eps^2).
   Tolerances: 1 and 2 are short sums of O(1) products, 1e-12 relative; 3 is 1e-6 relative
   (eps = 1e-5: truncation ~ eps^2 |Phi'''| <= 1e-7 for the steep Weickert flux, rounding ~ 1e-16 / eps ~ 1e-11). */
#include "implicit_test.h"

/* phi(z) = w z pointwise: the owned weights in the layout of the owned z */
static PetscErrorCode WeightedIdentity(void *ctx, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[])
{
  const PetscReal *w = (const PetscReal *)ctx;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) phi[i] = w[i] * z[i];
  if (dphi) for (PetscInt i = 0; i < n; i++) dphi[i] = w[i];
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckArbitraryWeights(PetscInt N, PetscInt order)
{
  PdennDiffusion   pde;
  PdennSymStep     op;
  Vec              x, w, Ax, ref;
  Mat              A;
  const PetscReal *wa;
  PetscReal        tau = 0.37, rel;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, N, order, order == 1 ? 0.5 : 0.8, PDENN_FLUX_LINEAR, 0.7, &pde));
  PetscCall(DMCreateMatrix(pde->da, &A));
  PetscCall(DMCreateGlobalVector(pde->da, &x));
  PetscCall(VecDuplicate(x, &w));
  PetscCall(VecDuplicate(x, &Ax));
  PetscCall(VecDuplicate(x, &ref));
  PetscCall(TestFillSignal(pde->da, x, 0.9, 0.3));
  PetscCall(TestFillSignal(pde->da, w, 2.1, 0.5));
  PetscCall(VecAbs(w)); /* any weights do; nonnegative ones are the semi-implicit case */
  PetscCall(PdennDiffusionImplicitMatrix(pde, tau, w, A));
  PetscCall(MatMult(A, x, Ax));
  PetscCall(VecGetArrayRead(w, &wa));
  PetscCall(PdennSymStepSetUp(&op, pde->da, pde->da, pde->K, WeightedIdentity, (void *)wa));
  PetscCall(PdennSymStepApply(&op, -tau, x, ref, NULL)); /* x + tau K^T (w K x) */
  PetscCall(VecRestoreArrayRead(w, &wa));
  PetscCall(PdennTestRelDiff(Ax, ref, NORM_2, PETSC_SMALL, &rel));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT ": |A x - (x + tau K^T w K x)| / |.| = %.3e\n", order, (double)rel));
  PetscCheck(rel < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "implicit matrix differs from the operator (order %" PetscInt_FMT "): %g", order, (double)rel);
  PetscCall(PdennSymStepDestroy(&op));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&Ax));
  PetscCall(VecDestroy(&ref));
  PetscCall(MatDestroy(&A));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSemiImplicitMatrix(PetscInt N, PetscInt order, PdennFluxType flux)
{
  PdennDiffusion pde;
  Vec            u, g, Au, ref;
  Mat            A;
  PetscReal      tau = 0.9, rel;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, N, order, order == 1 ? 0.5 : 0.8, flux, 0.7, &pde));
  PetscCall(DMCreateMatrix(pde->da, &A));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(VecDuplicate(u, &g));
  PetscCall(VecDuplicate(u, &Au));
  PetscCall(VecDuplicate(u, &ref));
  PetscCall(TestFillSignal(pde->da, u, 0.4, 0.5));
  PetscCall(PdennDiffusionDiffusivity(pde, u, g));
  PetscCall(PdennDiffusionImplicitMatrix(pde, tau, g, A));
  PetscCall(MatMult(A, u, Au));
  PetscCall(PdennDiffusionResidual(pde, u, ref));
  PetscCall(VecAYPX(ref, tau, u));
  PetscCall(PdennTestRelDiff(Au, ref, NORM_2, PETSC_SMALL, &rel));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT " %-16s: |A(u) u - (u + tau K^T Phi(K u))| / |.| = %.3e\n", order, PdennFluxTypes[flux], (double)rel));
  PetscCheck(rel < 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "semi-implicit matrix differs from the operator (order %" PetscInt_FMT ", %s): %g", order, PdennFluxTypes[flux], (double)rel);
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&Au));
  PetscCall(VecDestroy(&ref));
  PetscCall(MatDestroy(&A));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

/* w = Phi'(K v) computed like the Newton solver: ghosted v, the shared convolution, the flux */
static PetscErrorCode FluxDerivative(PdennDiffusion pde, Vec v, Vec w)
{
  Vec        vl, z, phi;
  PetscReal *va, *za, *pa, *wa;
  PetscInt   n;
  PetscBool  l, r;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(pde->da, &vl));
  PetscCall(VecDuplicate(w, &z));
  PetscCall(VecDuplicate(w, &phi));
  PetscCall(PdennDMDAGetGhostedArray(pde->da, v, vl, PDENN_BC_REFLECT, &va, &n, &l, &r));
  PetscCall(VecGetArray(z, &za));
  PetscCall(VecGetArray(phi, &pa));
  PetscCall(VecGetArray(w, &wa));
  PetscCall(PdennConv1dForward(&pde->K, n, va, za));
  PetscCall(PdennFluxApply(pde->flux, n, za, pa, wa));
  PetscCall(VecRestoreArray(w, &wa));
  PetscCall(VecRestoreArray(phi, &pa));
  PetscCall(VecRestoreArray(z, &za));
  PetscCall(VecRestoreArray(vl, NULL));
  PetscCall(DMRestoreLocalVector(pde->da, &vl));
  PetscCall(VecDestroy(&z));
  PetscCall(VecDestroy(&phi));
  PetscFunctionReturn(0);
}

/* out = v + tau K^T Phi(K v) */
static PetscErrorCode ImplicitOperator(PdennDiffusion pde, PetscReal tau, Vec v, Vec out)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionResidual(pde, v, out));
  PetscCall(VecAYPX(out, tau, v));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckNewtonJacobian(PetscInt N, PetscInt order, PdennFluxType flux)
{
  PdennDiffusion pde;
  Vec            v, x, w, Jx, fp, fm;
  Mat            J;
  PetscReal      tau = 0.9, eps = 1e-5, rel;

  PetscFunctionBeginUser;
  PetscCall(TestCreateProblem(PETSC_COMM_WORLD, N, order, order == 1 ? 0.5 : 0.8, flux, 0.7, &pde));
  PetscCall(DMCreateMatrix(pde->da, &J));
  PetscCall(DMCreateGlobalVector(pde->da, &v));
  PetscCall(VecDuplicate(v, &x));
  PetscCall(VecDuplicate(v, &w));
  PetscCall(VecDuplicate(v, &Jx));
  PetscCall(VecDuplicate(v, &fp));
  PetscCall(VecDuplicate(v, &fm));
  PetscCall(TestFillSignal(pde->da, v, 0.4, 0.5));
  PetscCall(TestFillSignal(pde->da, x, 1.3, 0.2));
  PetscCall(FluxDerivative(pde, v, w));
  PetscCall(PdennDiffusionImplicitMatrix(pde, tau, w, J));
  PetscCall(MatMult(J, x, Jx));
  PetscCall(VecAXPY(v, eps, x));
  PetscCall(ImplicitOperator(pde, tau, v, fp));
  PetscCall(VecAXPY(v, -2.0 * eps, x));
  PetscCall(ImplicitOperator(pde, tau, v, fm));
  PetscCall(VecAXPY(fp, -1.0, fm));
  PetscCall(VecScale(fp, 0.5 / eps));
  PetscCall(PdennTestRelDiff(Jx, fp, NORM_2, PETSC_SMALL, &rel));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %" PetscInt_FMT " %-16s: Newton Jacobian vs central differences %.3e\n", order, PdennFluxTypes[flux], (double)rel));
  PetscCheck(rel < 1e-6, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "Newton Jacobian differs from finite differences (order %" PetscInt_FMT ", %s): %g", order, PdennFluxTypes[flux], (double)rel);
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&Jx));
  PetscCall(VecDestroy(&fp));
  PetscCall(VecDestroy(&fm));
  PetscCall(MatDestroy(&J));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "Implicit matrix equals the shared operator"));
  for (PetscInt order = 1; order <= 2; order++) {
    PetscCall(CheckArbitraryWeights(41, order));
    for (PetscInt f = 0; f < PDENN_FLUX_NTYPES; f++) {
      PetscCall(CheckSemiImplicitMatrix(41, order, (PdennFluxType)f));
      /* relu has a kink at 0 where central differences are not the derivative */
      if (f != PDENN_FLUX_RELU) PetscCall(CheckNewtonJacobian(41, order, (PdennFluxType)f));
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "implicit matrix checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
