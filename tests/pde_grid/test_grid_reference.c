/* The 2D/3D operator against an independent reference written here from the formulas of
   docs/science.md (images and volumes), in natural order with explicit neighbour tests (no ghost
   arrays, no pdenn operator code), fluxes from RefFlux (pdenn_reference.h), the isotropic flux
   Phi(z) = g(|z|^2) z on the gradient vector:
   1. one explicit step at tau_max: linear, Perona-Malik, Charbonnier, orders 1 and 2, 2D and 3D,
      relative difference <= 1e-14 (one step of O(1) arithmetic; a wrong component, boundary, g
      per component instead of per vector, or adjoint gives O(1e-2) or more);
   2. the semi-implicit step v: the reference residual |v + tau K^T G(u) K v - u| / |u| <= 1e-10
      (-ksp_rtol 1e-13);
   3. the Newton step v: |v + tau K^T Phi(K v) - u| / |u| <= 1e-10 (-snes_rtol 1e-13);
   4. one FED cycle against the same cycle with g frozen at its start (1e-12);
   5. the Newton matrix I + tau K^T J K against central differences of v -> v + tau K^T Phi(K v)
      along a random direction (relative 1e-7: step 1e-6, truncation O(1e-12), rounding O(1e-10)).
   At 1, 2 and 4 ranks with the decompositions of CMakeLists.txt. */
#include "gridtest.h"

typedef struct {
  PetscInt      dim, order, M[3];
  PetscReal     h, lambda;
  PdennFluxType flux;
} Ref;

static PetscInt Idx(const Ref *R, const PetscInt p[3])
{
  return p[0] + R->M[0] * (p[1] + R->M[1] * p[2]);
}

static PetscReal At(const Ref *R, const PetscReal *u, const PetscInt p[3], PetscInt c, PetscInt side)
{
  PetscInt q[3] = {p[0], p[1], p[2]};
  q[c] += side;
  if (q[c] < 0 || q[c] >= R->M[c]) q[c] = p[c]; /* the half-sample mirror of a neighbour */
  return u[Idx(R, q)];
}

/* z = K u at every point (order 1: d components, zero where the forward neighbour is outside) */
static void RefK(const Ref *R, const PetscReal *u, PetscReal *z)
{
  const PetscInt n = R->M[0] * R->M[1] * R->M[2], nz = R->order == 1 ? R->dim : 1;

  for (PetscInt i = 0; i < n; i++) {
    const PetscInt p[3] = {i % R->M[0], (i / R->M[0]) % R->M[1], i / (R->M[0] * R->M[1])};
    if (R->order == 2) z[i] = 0.0;
    for (PetscInt c = 0; c < R->dim; c++) {
      if (R->order == 1) z[i * nz + c] = p[c] + 1 < R->M[c] ? (u[Idx(R, p) + (c == 0 ? 1 : c == 1 ? R->M[0] : R->M[0] * R->M[1])] - u[i]) / R->h : 0.0;
      else z[i] += (At(R, u, p, c, 1) - 2.0 * u[i] + At(R, u, p, c, -1)) / (R->h * R->h);
    }
  }
}

/* r = K^T F (order 1: sum_c (F_c(p - e_c) - F_c(p)) / h, F_c = 0 outside; order 2: K F) */
static void RefKT(const Ref *R, const PetscReal *F, PetscReal *r)
{
  const PetscInt n = R->M[0] * R->M[1] * R->M[2];

  if (R->order == 2) {
    RefK(R, F, r);
    return;
  }
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt p[3] = {i % R->M[0], (i / R->M[0]) % R->M[1], i / (R->M[0] * R->M[1])};
    r[i]                = 0.0;
    for (PetscInt c = 0; c < R->dim; c++) {
      PetscInt q[3] = {p[0], p[1], p[2]};
      q[c]--;
      r[i] += ((q[c] >= 0 ? F[Idx(R, q) * R->dim + c] : 0.0) - F[i * R->dim + c]) / R->h;
    }
  }
}

/* F = g(|z|^2) z per point, g from gu (one per point) if given, else from RefFlux at |z| */
static void RefPhi(const Ref *R, const PetscReal *z, const PetscReal *gu, PetscReal *F)
{
  const PetscInt n = R->M[0] * R->M[1] * R->M[2], nz = R->order == 1 ? R->dim : 1;

  for (PetscInt i = 0; i < n; i++) {
    PetscReal s2 = 0.0, phi, g, dphi;
    for (PetscInt c = 0; c < nz; c++) s2 += z[i * nz + c] * z[i * nz + c];
    RefFlux(R->flux, R->lambda, PetscSqrtReal(s2), &phi, &g, &dphi);
    for (PetscInt c = 0; c < nz; c++) F[i * nz + c] = (gu ? gu[i] : g) * z[i * nz + c];
  }
}

/* out = a u + b K^T Phi(K v) (g frozen at K u if frozen) */
static PetscErrorCode RefApply(const Ref *R, PetscReal a, const PetscReal *u, PetscReal b, const PetscReal *v, PetscBool frozen, PetscReal *out)
{
  const PetscInt n = R->M[0] * R->M[1] * R->M[2], nz = R->order == 1 ? R->dim : 1;
  PetscReal     *z, *F, *g = NULL, *r;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc4(n * nz, &z, n * nz, &F, n, &g, n, &r));
  RefK(R, u, z);
  for (PetscInt i = 0; i < n; i++) {
    PetscReal s2 = 0.0, phi, dphi;
    for (PetscInt c = 0; c < nz; c++) s2 += z[i * nz + c] * z[i * nz + c];
    RefFlux(R->flux, R->lambda, PetscSqrtReal(s2), &phi, &g[i], &dphi);
  }
  RefK(R, v, z);
  RefPhi(R, z, frozen ? g : NULL, F);
  RefKT(R, F, r);
  for (PetscInt i = 0; i < n; i++) out[i] = a * u[i] + b * r[i];
  PetscCall(PetscFree4(z, F, g, r));
  PetscFunctionReturn(0);
}

static PetscReal RoughAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  return (2 * p[0] < M[0] && 3 * p[1] < 2 * M[1] ? 0.2 : 0.9) + 0.1 * GridNoise(ctx, p, M);
}

static PetscReal RelDiff(PetscInt n, const PetscReal *a, const PetscReal *b, const PetscReal *scale)
{
  PetscReal d = 0.0, s = 0.0;
  for (PetscInt i = 0; i < n; i++) d += PetscSqr(a[i] - b[i]), s += PetscSqr(scale[i]);
  return PetscSqrtReal(d / s);
}

/* Runs one step of `method` (tau = factor tau_max) and checks it against the reference */
static PetscErrorCode CheckStep(const Ref *R, const char method[], PetscReal factor, const char decomp[])
{
  const PetscInt n = R->M[0] * R->M[1] * R->M[2];
  const PetscReal tau_max = R->order == 1 ? R->h * R->h / (2.0 * R->dim) : PetscPowReal(R->h, 4) / (8.0 * R->dim * R->dim), tau = factor * tau_max;
  uint64_t        seed = 3;
  GridFill        fill = {RoughAt, &seed};
  PetscReal      *u0, *v, *ref, err;
  PdennTestRun    r;
  char            opts[512];
  const PetscBool explicit_step = (PetscBool)!strcmp(method, "explicit");

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -Nx %d -Ny %d -Nz %d -h %g -order %d -flux %s -lambda %g -method %s -t_stop %.17g -tau %.17g -ksp_rtol 1e-13 -snes_rtol 1e-13 -monitor_every -1 %s", (int)R->dim, (int)R->M[0], (int)R->M[1], (int)R->M[2], (double)R->h, (int)R->order, PdennFluxTypes[R->flux], (double)R->lambda, method, (double)tau, (double)tau, R->dim == 2 ? decomp : ""));
  PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, NULL, &r));
  PetscCall(GridGatherNatural(r.u, &v));
  PetscCall(PetscMalloc2(n, &u0, n, &ref));
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt p[3] = {i % R->M[0], (i / R->M[0]) % R->M[1], i / (R->M[0] * R->M[1])};
    u0[i]               = RoughAt(&seed, p, R->M);
  }
  if (explicit_step) { /* ref = u0 - tau K^T Phi(K u0) against v */
    PetscCall(RefApply(R, 1.0, u0, -tau, u0, PETSC_FALSE, ref));
    err = RelDiff(n, v, ref, u0);
  } else { /* the implicit equation's residual v + tau K^T Phi(K v) - u0 (g frozen at u0: semi-implicit) */
    PetscCall(RefApply(R, 0.0, u0, tau, v, (PetscBool)!strcmp(method, "semi_implicit"), ref));
    for (PetscInt i = 0; i < n; i++) ref[i] += v[i];
    err = RelDiff(n, ref, u0, u0);
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d %-14s %-13s tau %5.2f tau_max: %s = %.2e\n", (int)R->dim, (int)R->order, PdennFluxTypes[R->flux], method, (double)factor, explicit_step ? "|u - ref| / |u0|" : "residual / |u0|", (double)err));
  PetscCheck(err <= (explicit_step ? 1e-14 : 1e-10), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d, %s, %s: %g from the reference", (int)R->dim, (int)R->order, PdennFluxTypes[R->flux], method, (double)err);
  PetscCall(PetscFree2(u0, ref));
  PetscCall(PetscFree(v));
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

/* One FED cycle (-cycles 1) against the reference: n steps tau_i (RefFEDStep) of
   v <- v - tau_i K^T (g(|K u0|^2) K v) with g frozen at the cycle's start (their order only
   changes rounding: the steps share one linear operator). */
static PetscErrorCode CheckFED(const Ref *R, const char decomp[])
{
  const PetscInt n = R->M[0] * R->M[1] * R->M[2];
  uint64_t       seed = 3;
  GridFill       fill = {RoughAt, &seed};
  PetscReal     *u0, *v, *ref, *tmp, t_stop = 8.0 * (R->order == 1 ? R->h * R->h / (2.0 * R->dim) : PetscPowReal(R->h, 4) / (8.0 * R->dim * R->dim)), err;
  PetscInt       nc;
  PdennTestRun   r;
  char           opts[512];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -Nx %d -Ny %d -Nz %d -h %g -order %d -flux %s -lambda %g -method fed -cycles 1 -t_stop %.17g -monitor_every -1 %s", (int)R->dim, (int)R->M[0], (int)R->M[1], (int)R->M[2], (double)R->h, (int)R->order, PdennFluxTypes[R->flux], (double)R->lambda, (double)t_stop, R->dim == 2 ? decomp : ""));
  PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, NULL, &r));
  PetscCall(GridGatherNatural(r.u, &v));
  PetscCall(PetscMalloc3(n, &u0, n, &ref, n, &tmp));
  for (PetscInt i = 0; i < n; i++) {
    const PetscInt p[3] = {i % R->M[0], (i / R->M[0]) % R->M[1], i / (R->M[0] * R->M[1])};
    u0[i] = ref[i] = RoughAt(&seed, p, R->M);
  }
  nc = r.info.steps;
  for (PetscInt k = 0; k < nc; k++) {
    PetscCall(RefApply(R, 0.0, u0, -RefFEDStep(k, nc, r.info.tau), ref, PETSC_TRUE, tmp));
    for (PetscInt i = 0; i < n; i++) ref[i] += tmp[i];
  }
  err = RelDiff(n, v, ref, u0);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d %-14s fed, one cycle of %d steps, g frozen: |u - ref| / |u0| = %.2e\n", (int)R->dim, (int)R->order, PdennFluxTypes[R->flux], (int)nc, (double)err));
  PetscCheck(nc > 1 && err <= 1e-12, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d, %s: FED differs from the frozen-diffusivity cycle by %g", (int)R->dim, (int)R->order, PdennFluxTypes[R->flux], (double)err);
  PetscCall(PetscFree3(u0, ref, tmp));
  PetscCall(PetscFree(v));
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

/* F(x) = x + tau K^T Phi(K x) */
static PetscErrorCode NewtonF(PdennDiffusion pde, PetscReal tau, Vec x, Vec F)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionResidual(pde, x, F));
  PetscCall(VecAYPX(F, tau, x));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckJacobian(const Ref *R, const char decomp[])
{
  const PetscReal tau = 0.7, eps = 1e-6;
  uint64_t        seed[2] = {5, 11};
  GridFill        fill[2] = {{RoughAt, &seed[0]}, {GridNoise, &seed[1]}};
  PetscOptions    options;
  PdennDiffusion  pde;
  Vec             v, d, w, Fp, Fm, Jd;
  Mat             A;
  PetscReal       err, scale;
  PetscInt        n;
  char            opts[256];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -Nx %d -Ny %d -Nz %d -h %g -order %d -flux %s -lambda %g %s", (int)R->dim, (int)R->M[0], (int)R->M[1], (int)R->M[2], (double)R->h, (int)R->order, PdennFluxTypes[R->flux], (double)R->lambda, R->dim == 2 ? decomp : ""));
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertString(options, opts));
  PetscCall(PetscOptionsPush(options));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, &pde));
  PetscCall(PdennDiffusionSetFromOptions(pde));
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(DMCreateGlobalVector(pde->da, &v));
  PetscCall(VecDuplicate(v, &d));
  PetscCall(VecDuplicate(v, &Fp));
  PetscCall(VecDuplicate(v, &Fm));
  PetscCall(VecDuplicate(v, &Jd));
  PetscCall(GridInit(pde->da, v, &fill[0]));
  PetscCall(GridInit(pde->da, d, &fill[1]));
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(VecCreateMPI(PETSC_COMM_WORLD, n * pde->grid.nz * pde->grid.nz, PETSC_DETERMINE, &w));
  PetscCall(DMCreateMatrix(pde->da, &A));
  PetscCall(PdennGridOpFluxJacobian(&pde->grid, pde->flux, v, w));
  PetscCall(PdennDiffusionImplicitMatrix(pde, tau, w, A));
  PetscCall(MatMult(A, d, Jd));
  PetscCall(VecAXPY(v, eps, d));
  PetscCall(NewtonF(pde, tau, v, Fp));
  PetscCall(VecAXPY(v, -2.0 * eps, d));
  PetscCall(NewtonF(pde, tau, v, Fm));
  PetscCall(VecAXPY(Fp, -1.0, Fm));
  PetscCall(VecScale(Fp, 0.5 / eps));
  PetscCall(VecNorm(Jd, NORM_2, &scale));
  PetscCall(VecAXPY(Fp, -1.0, Jd));
  PetscCall(VecNorm(Fp, NORM_2, &err));
  err /= scale;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d %-14s Newton matrix vs central differences: %.2e\n", (int)R->dim, (int)R->order, PdennFluxTypes[R->flux], (double)err));
  PetscCheck(err <= 1e-7, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d, %s: the Newton matrix differs from the finite-difference derivative by %g", (int)R->dim, (int)R->order, PdennFluxTypes[R->flux], (double)err);
  PetscCall(MatDestroy(&A));
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&v));
  PetscCall(VecDestroy(&d));
  PetscCall(VecDestroy(&Fp));
  PetscCall(VecDestroy(&Fm));
  PetscCall(VecDestroy(&Jd));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const PdennFluxType fluxes[] = {PDENN_FLUX_LINEAR, PDENN_FLUX_PERONA_MALIK, PDENN_FLUX_CHARBONNIER};
  char                decomp[128];

  PetscCall(PetscInitialize(&argc, &argv, NULL, "2D/3D operator against an independent reference"));
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (PetscInt dim = 2; dim <= 3; dim++)
    for (PetscInt order = 1; order <= 2; order++)
      for (PetscInt f = 0; f < 3; f++) {
        const Ref R = {dim, order, {dim == 2 ? 19 : 9, dim == 2 ? 14 : 8, dim == 2 ? 1 : 7}, 0.5, order == 1 ? 0.3 : 0.6, fluxes[f]};

        PetscCall(CheckStep(&R, "explicit", 1.0, decomp));
        PetscCall(CheckStep(&R, "semi_implicit", 3.0, decomp));
        PetscCall(CheckStep(&R, "implicit_newton", 1.0, decomp));
        PetscCall(CheckFED(&R, decomp));
        PetscCall(CheckJacobian(&R, decomp));
      }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid reference checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
