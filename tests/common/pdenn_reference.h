/* Independent references for the solver tests: the operator K written down as a dense matrix
   from its definition in docs/theory_implicit.md (kernel (0,-1,1)/h or (1,-2,1)/h^2, mirrored
   columns folded back: u[-1-k] = u[k], u[N-1+k] = u[N-k]), the fluxes from their formulas
   (docs/science.md §1), plain Gaussian elimination, and the cosine modes of K^T K. Nothing here
   calls pdenn's operator, flux or solver code: the tests compare pdenn with these. */
#pragma once
#include <pdenn/pdenn.h>
#include "pdenn_test.h"
#include "pdenn_dense.h"

/* K (row-major N x N) from the kernel and the half-sample mirror of reflecting boundaries */
static inline void RefDenseK(PetscInt N, PetscReal h, PetscInt order, PetscReal K[])
{
  const PetscReal  w1[3] = {0.0, -1.0 / h, 1.0 / h}, w2[3] = {1.0 / (h * h), -2.0 / (h * h), 1.0 / (h * h)};
  const PetscReal *w = order == 1 ? w1 : w2;

  for (PetscInt i = 0; i < N * N; i++) K[i] = 0.0;
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt o = -1; o <= 1; o++) {
      PetscInt j = i + o;
      if (j < 0) j = -1 - j;            /* u[-1-k] = u[k] */
      if (j > N - 1) j = 2 * N - 1 - j; /* u[N-1+k] = u[N-k] */
      K[i * N + j] += w[o + 1];
    }
}

/* y = K x (transpose: y = K^T x) for a dense row-major N x N matrix */
static inline void RefMatVec(PetscInt N, const PetscReal K[], PetscBool transpose, const PetscReal x[], PetscReal y[])
{
  for (PetscInt i = 0; i < N; i++) y[i] = 0.0;
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt j = 0; j < N; j++) {
      if (transpose)
        y[j] += K[i * N + j] * x[i];
      else
        y[i] += K[i * N + j] * x[j];
    }
}

/* A = I + tau K^T diag(w) K (row-major) */
static inline void RefImplicitMatrix(PetscInt N, const PetscReal K[], PetscReal tau, const PetscReal w[], PetscReal A[])
{
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt j = 0; j < N; j++) {
      PetscReal s = 0.0;
      for (PetscInt l = 0; l < N; l++) s += K[l * N + i] * w[l] * K[l * N + j];
      A[i * N + j] = (i == j ? 1.0 : 0.0) + tau * s;
    }
}

/* Solves A x = b by Gaussian elimination with partial pivoting; A and b are overwritten, the
   solution is left in b. Returns PETSC_FALSE for a (numerically) singular A. */
static inline PetscBool RefGaussSolve(PetscInt N, PetscReal A[], PetscReal b[])
{
  for (PetscInt c = 0; c < N; c++) {
    PetscInt p = c;
    for (PetscInt r = c + 1; r < N; r++)
      if (PetscAbsReal(A[r * N + c]) > PetscAbsReal(A[p * N + c])) p = r;
    if (A[p * N + c] == 0.0) return PETSC_FALSE;
    for (PetscInt j = 0; j < N; j++) {
      const PetscReal t = A[c * N + j];
      A[c * N + j]      = A[p * N + j];
      A[p * N + j]      = t;
    }
    const PetscReal t = b[c];
    b[c]              = b[p];
    b[p]              = t;
    for (PetscInt r = c + 1; r < N; r++) {
      const PetscReal m = A[r * N + c] / A[c * N + c];
      for (PetscInt j = c; j < N; j++) A[r * N + j] -= m * A[c * N + j];
      b[r] -= m * b[c];
    }
  }
  for (PetscInt r = N - 1; r >= 0; r--) {
    for (PetscInt j = r + 1; j < N; j++) b[r] -= A[r * N + j] * b[j];
    b[r] /= A[r * N + r];
  }
  return PETSC_TRUE;
}

/* Phi(s) = g(s^2) s, g and Phi' for the fluxes the references use (docs/science.md §1):
   linear g = 1; Perona-Malik g = 1/(1 + s^2/lambda^2); Charbonnier g = 1/sqrt(1 + s^2/lambda^2);
   relu Phi = max(s, 0). */
static inline void RefFlux(PdennFluxType type, PetscReal lambda, PetscReal s, PetscReal *phi, PetscReal *g, PetscReal *dphi)
{
  const PetscReal q = s * s / (lambda * lambda);

  switch (type) {
  case PDENN_FLUX_PERONA_MALIK:
    *g    = 1.0 / (1.0 + q);
    *dphi = (1.0 - q) / ((1.0 + q) * (1.0 + q));
    break;
  case PDENN_FLUX_CHARBONNIER:
    *g    = 1.0 / PetscSqrtReal(1.0 + q);
    *dphi = *g * *g * *g;
    break;
  case PDENN_FLUX_RELU: /* max(s, 0): not odd, so it tells K from -K */
    *g    = s > 0.0 ? 1.0 : 0.0;
    *dphi = *g;
    break;
  default: /* linear */
    *g    = 1.0;
    *dphi = 1.0;
  }
  *phi = *g * s;
}

/* Cosine mode k at the cell centres: v_k(i) = cos(pi k (i + 1/2) / N) */
static inline PetscReal RefMode(PetscInt k, PetscInt i, PetscInt N)
{
  return PetscCosReal(PETSC_PI * k * (i + 0.5) / N);
}

/* Eigenvalue of K^T K for mode k: mu_k = (4/h^2) sin^2(pi k/(2N)) (order 1), its square (order 2) */
static inline PetscReal RefModeEigenvalue(PetscInt k, PetscInt N, PetscReal h, PetscInt order)
{
  const PetscReal s = PetscSinReal(PETSC_PI * k / (2.0 * N)), mu = 4.0 * s * s / (h * h);

  return order == 1 ? mu : mu * mu;
}

/* The explicit stability limit of docs/theory_explicit.md: h^2/2 (order 1), h^4/8 (order 2) */
static inline PetscReal RefTauMax(PetscReal h, PetscInt order)
{
  return order == 1 ? 0.5 * h * h : 0.125 * h * h * h * h;
}

/* The FED cycle (docs/theory_explicit.md): n smallest with tau (n^2+n)/3 >= t_cycle, the
   base step shortened to tau_c = t_cycle / ((n^2+n)/3), steps tau_i = tau_c / (2 cos^2(pi (2i+1)/(4n+2))). */
static inline PetscInt RefFEDCycleLength(PetscReal t_cycle, PetscReal tau, PetscReal *tau_c)
{
  PetscInt n = 1;

  while (tau * n * (n + 1.0) / 3.0 < t_cycle * (1.0 - 1e-12)) n++;
  *tau_c = t_cycle / (n * (n + 1.0) / 3.0);
  return n;
}

static inline PetscReal RefFEDStep(PetscInt i, PetscInt n, PetscReal tau_c)
{
  const PetscReal c = PetscCosReal(PETSC_PI * (2.0 * i + 1.0) / (4.0 * n + 2.0));

  return tau_c / (2.0 * c * c);
}

/* FSI extrapolation weight alpha_k = (4k+2)/(2k+3) */
static inline PetscReal RefFSIAlpha(PetscInt k)
{
  return (4.0 * k + 2.0) / (2.0 * k + 3.0);
}

/* The whole vector x gathered onto every rank into a new array of its global size */
static inline PetscErrorCode RefGatherAll(Vec x, PetscReal **a)
{
  VecScatter         sc;
  Vec                all;
  const PetscScalar *v;
  PetscInt           N;

  PetscFunctionBeginUser;
  PetscCall(VecScatterCreateToAll(x, &sc, &all));
  PetscCall(VecScatterBegin(sc, x, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, x, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetSize(all, &N));
  PetscCall(PetscMalloc1(N, a));
  PetscCall(VecGetArrayRead(all, &v));
  PetscCall(PetscArraycpy(*a, v, N));
  PetscCall(VecRestoreArrayRead(all, &v));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&all));
  PetscFunctionReturn(0);
}

/* What a reference test keeps of a run: the result gathered on every rank and the run info */
typedef struct {
  PetscReal *u; /* global size N, on every rank */
  PetscInt   steps, cycles, linear_its, nonlinear_its;
  PetscReal  tau;
  PetscReal  tau_max; /* PdennDiffusionTauMax, for the caller to check against RefTauMax */
} RefRun;

/* PdennTestInit from global values: ctx is the array u0 (the same on every rank) */
static inline PetscErrorCode RefInitArray(DM da, Vec u, const void *ctx)
{
  PetscFunctionBeginUser;
  (void)da; /* the values are global: u's ownership range places them */
  PetscCall(PdennDenseToVec((const PetscReal *)ctx, 1.0, u));
  PetscFunctionReturn(0);
}

/* Runs pdenn's solver API (PdennTestRunSolver) with exactly the options in opts (a fresh database
   is pushed) on the initial signal u0 (global values, the same array on every rank). */
static inline PetscErrorCode RefRunSolver(MPI_Comm comm, const char opts[], const PetscReal u0[], RefRun *run)
{
  PdennTestRun r;

  PetscFunctionBeginUser;
  PetscCall(PdennTestRunSolver(comm, opts, RefInitArray, u0, NULL, &r));
  run->tau_max       = r.tau_max;
  run->steps         = r.info.steps;
  run->cycles        = r.info.cycles;
  run->linear_its    = r.info.linear_its;
  run->nonlinear_its = r.info.nonlinear_its;
  run->tau           = r.info.tau;
  PetscCall(RefGatherAll(r.u, &run->u));
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

/* ---- Linear diffusion on a sum of cosine modes --------------------------------------------- */
/* The time steps a run takes, as docs/theory_explicit.md and theory_implicit.md define them:
   explicit and fixed point n = ceil(t/tau) steps of tau, the last shortened to tau_last; FED and
   FSI M cycles of n_cycle steps on the base step tau_c; semi-implicit and Newton n equal steps
   tau = t/n. */
typedef struct {
  PdennMethod method;
  PetscInt    n, M, n_cycle;
  PetscReal   tau, tau_last, tau_c;
} RefSchedule;

/* The factor by which a method multiplies an eigenvector of K^T K with eigenvalue mu: the scheme
   applied to the scalar ODE u' = -mu u. */
static inline PetscReal RefAmplification(const RefSchedule *s, PetscReal mu)
{
  PetscReal a = 1.0, cycle = 1.0;

  switch (s->method) {
  case PDENN_METHOD_EXPLICIT: return PetscPowReal(1.0 - s->tau * mu, (PetscReal)(s->n - 1)) * (1.0 - s->tau_last * mu);
  case PDENN_METHOD_IMPLICIT_FIXED_POINT: return PetscPowReal(1.0 + s->tau * mu, -(PetscReal)(s->n - 1)) / (1.0 + s->tau_last * mu);
  case PDENN_METHOD_SEMI_IMPLICIT:
  case PDENN_METHOD_IMPLICIT_NEWTON: return PetscPowReal(1.0 + s->tau * mu, -(PetscReal)s->n);
  case PDENN_METHOD_FED:
    for (PetscInt i = 0; i < s->n_cycle; i++) cycle *= 1.0 - RefFEDStep(i, s->n_cycle, s->tau_c) * mu;
    break;
  case PDENN_METHOD_FSI: {
    PetscReal prev = 1.0; /* u^{-1} = u^0 */
    for (PetscInt k = 0; k < s->n_cycle; k++) {
      const PetscReal next = RefFSIAlpha(k) * (1.0 - s->tau_c * mu) * cycle + (1.0 - RefFSIAlpha(k)) * prev;
      prev                 = cycle;
      cycle                = next;
    }
  } break;
  default: return PETSC_MAX_REAL;
  }
  for (PetscInt c = 0; c < s->M; c++) a *= cycle;
  return a;
}

/* u0(i) = sum_m c_m v_{k_m}(i) */
static inline void RefModesSignal(PetscInt N, PetscInt n_modes, const PetscInt k[], const PetscReal c[], PetscReal u0[])
{
  for (PetscInt i = 0; i < N; i++) {
    u0[i] = 0.0;
    for (PetscInt m = 0; m < n_modes; m++) u0[i] += c[m] * RefMode(k[m], i, N);
  }
}

/* max_i |u(i) - sum_m c_m A(mu_{k_m}) v_{k_m}(i)| / sum_m |c_m| (the bound of max |u0|) */
static inline PetscReal RefModesError(PetscInt N, PetscReal h, PetscInt order, const RefSchedule *s, PetscInt n_modes, const PetscInt k[], const PetscReal c[], const PetscReal u[])
{
  PetscReal err = 0.0, scale = 0.0;

  for (PetscInt m = 0; m < n_modes; m++) scale += PetscAbsReal(c[m]);
  for (PetscInt i = 0; i < N; i++) {
    PetscReal exact = 0.0;
    for (PetscInt m = 0; m < n_modes; m++) exact += c[m] * RefAmplification(s, RefModeEigenvalue(k[m], N, h, order)) * RefMode(k[m], i, N);
    err = PetscMax(err, PetscAbsReal(u[i] - exact));
  }
  return err / scale;
}
