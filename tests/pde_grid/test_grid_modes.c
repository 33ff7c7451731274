/* Every classical method in 2D and 3D against the exact discrete solution of linear diffusion
   (-flux linear): the products of cosine modes v_k(p) = prod_c cos(pi k_c (p_c + 1/2) / M_c) are
   the eigenvectors of pdenn's K^T K (docs/science.md, images and volumes) with eigenvalue
   mu = sum_c (4/h^2) sin^2(pi k_c / (2 M_c)) (order 1) or its square (order 2), so each method
   multiplies a mode by its amplification factor for the scalar ODE u' = -mu u
   (RefAmplification, tests/common/pdenn_reference.h: explicit (1 - tau mu)^n, semi-implicit and
   Newton (1 + tau mu)^-n, FED and FSI their cycle products, fixed point (1 + tau mu)^-n).
   A wrong stencil, adjoint, boundary, tau_max or step rule changes the result by O(1).
   Also the semi-implicit scheme's first order in time (CheckTimeOrder).
   Grids 33 x 17 (2D) and 17 x 9 x 9 (3D), h = 0.5, four modes (constant, lowest in x, mixed,
   highest); tolerance 1e-11 relative to the sum of the amplitudes (explicit-type methods
   measure ~1e-15; iterative solves to -ksp_rtol 1e-13 as in test_implicit_modes). Run at 1, 2
   and 4 ranks with several decompositions (tests/pde_grid/CMakeLists.txt). */
#include "gridtest.h"

#define H_GRID 0.5
#define N_MODES 4
static const PetscInt  mode_k[N_MODES][3] = {{0, 0, 0}, {1, 0, 0}, {3, 2, 1}, {32, 16, 8}};
static const PetscReal mode_c[N_MODES]    = {0.3, 1.0, -0.6, 0.2};

typedef struct {
  PetscInt  dim, order;
  PetscReal scale[N_MODES]; /* amplification of each mode (1 for the initial values) */
  PetscReal err;
} Modes;

static PetscReal ModeValue(PetscInt m, const PetscInt p[3], const PetscInt M[3], PetscInt dim)
{
  PetscReal v = 1.0;
  for (PetscInt c = 0; c < dim; c++) v *= RefMode(PetscMin(mode_k[m][c], M[c] - 1), p[c], M[c]);
  return v;
}

static PetscReal ModeEigenvalue(PetscInt m, const PetscInt M[3], PetscInt dim, PetscInt order)
{
  PetscReal mu = 0.0;
  for (PetscInt c = 0; c < dim; c++) mu += RefModeEigenvalue(PetscMin(mode_k[m][c], M[c] - 1), M[c], H_GRID, 1);
  return order == 1 ? mu : mu * mu;
}

static PetscReal ModesAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  const Modes *md = (const Modes *)ctx;
  PetscReal    u  = 0.0;
  for (PetscInt m = 0; m < N_MODES; m++) u += mode_c[m] * md->scale[m] * ModeValue(m, p, M, md->dim);
  return u;
}

static void ErrorVisit(void *ctx, PetscInt o, const PetscInt p[3], const PetscInt M[3], PetscReal *value)
{
  Modes *md = (Modes *)ctx;
  (void)o;
  md->err = PetscMax(md->err, PetscAbsReal(*value - ModesAt(md, p, M)));
}

/* The schedule a run took (its info), as RefAmplification needs it */
static void Schedule(PdennMethod method, const PdennTestRun *r, PetscReal t_stop, RefSchedule *s)
{
  PetscMemzero(s, sizeof(*s));
  s->method = method;
  s->tau    = r->info.tau;
  s->n      = r->info.steps;
  if (method == PDENN_METHOD_EXPLICIT || method == PDENN_METHOD_IMPLICIT_FIXED_POINT) s->tau_last = t_stop - (s->n - 1) * s->tau;
  if (method == PDENN_METHOD_FED || method == PDENN_METHOD_FSI) {
    s->M       = r->info.cycles;
    s->n_cycle = r->info.steps / r->info.cycles;
    s->tau_c   = r->info.tau;
  }
}

static PetscErrorCode CheckCase(PetscInt dim, PetscInt order, PdennMethod method, const char extra[])
{
  const PetscInt M[3]    = {dim == 2 ? 33 : 17, dim == 2 ? 17 : 9, 9};
  PetscReal      tau_max = 0.0, t_stop, sum = 0.0;
  Modes          md      = {dim, order, {1, 1, 1, 1}, 0.0};
  GridFill       fill    = {ModesAt, &md};
  PdennTestRun   r;
  RefSchedule    s;
  char           opts[640], decomp[128];

  PetscFunctionBeginUser;
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  tau_max = order == 1 ? H_GRID * H_GRID / (2.0 * dim) : PetscPowReal(H_GRID, 4) / (8.0 * dim * dim);
  t_stop  = 25.0 * tau_max;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -Nx %d -Ny %d -Nz %d -h %g -order %d -flux linear -method %s -t_stop %.17g -monitor_every -1 %s%s", (int)dim, (int)M[0], (int)M[1], (int)M[2], H_GRID, (int)order, PdennMethods[method], (double)t_stop, extra, dim == 2 ? decomp : ""));
  PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, NULL, &r));
  PetscCheck(PetscAbsReal(r.tau_max - tau_max) <= 1e-15 * tau_max, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d: tau_max %.17g, expected h^%d/%s = %.17g", (int)dim, (int)order, (double)r.tau_max, order == 1 ? 2 : 4, order == 1 ? "(2d)" : "(8 d^2)", (double)tau_max);
  Schedule(method, &r, t_stop, &s);
  for (PetscInt m = 0; m < N_MODES; m++) {
    md.scale[m] = RefAmplification(&s, ModeEigenvalue(m, M, dim, order));
    sum += PetscAbsReal(mode_c[m]);
  }
  PetscCall(GridForEach(r.u, ErrorVisit, &md));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &md.err, 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
  md.err /= sum;
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD order %d %-21s %-44s: %4d steps, %4d linear its: |u - exact| / |u0| = %.2e\n", (int)dim, (int)order, PdennMethods[method], extra, (int)r.info.steps, (int)r.info.linear_its, (double)md.err));
  PetscCheck(md.err <= 1e-11, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD order %d, %s (%s): the result differs from the exact discrete solution by %g", (int)dim, (int)order, PdennMethods[method], extra, (double)md.err);
  PetscCall(PdennTestRunDestroy(&r));
  PetscFunctionReturn(0);
}

/* One cosine mode k, times scale; err: the largest deviation seen by OrderVisit */
typedef struct {
  const PetscInt *k;
  PetscInt        dim;
  PetscReal       scale, err;
} OneMode;

static PetscReal OneModeAt(const void *ctx, const PetscInt p[3], const PetscInt M[3])
{
  const OneMode *m = (const OneMode *)ctx;
  PetscReal      v = m->scale;
  for (PetscInt c = 0; c < m->dim; c++) v *= RefMode(m->k[c], p[c], M[c]);
  return v;
}

static void OrderVisit(void *ctx, PetscInt o, const PetscInt p[3], const PetscInt M[3], PetscReal *value)
{
  OneMode *m = (OneMode *)ctx;
  (void)o;
  m->err = PetscMax(m->err, PetscAbsReal(*value - OneModeAt(m, p, M)));
}

/* Convergence order in time of the semi-implicit scheme: on the mode k = (2, 1[, 1]) the error
   against the time-continuous solution exp(-mu t) of the semi-discrete problem must halve with
   tau (first order): 4, 8, 16 steps to t = 0.5 / mu, observed orders log2(e_n / e_2n) in
   [0.9, 1.1] (the leading term: (1 + tau mu)^-n - exp(-mu t) ~ t mu^2 tau exp(-mu t) / 2). */
static PetscErrorCode CheckTimeOrder(PetscInt dim, const char direct[])
{
  const PetscInt  M[3] = {dim == 2 ? 33 : 17, dim == 2 ? 17 : 9, 9}, k[3] = {2, 1, 1};
  PetscReal       mu = 0.0, err[3], t_stop;
  char            decomp[128];

  PetscFunctionBeginUser;
  PetscCall(GridDecompositionOpts(decomp, sizeof(decomp)));
  for (PetscInt c = 0; c < dim; c++) mu += RefModeEigenvalue(k[c], M[c], H_GRID, 1);
  t_stop = 0.5 / mu;
  for (PetscInt r = 0; r < 3; r++) {
    OneMode      init = {k, dim, 1.0, 0.0}, exact = {k, dim, PetscExpReal(-mu * t_stop), 0.0};
    GridFill     fill = {OneModeAt, &init};
    PdennTestRun run;
    char         opts[512];

    PetscCall(PetscSNPrintf(opts, sizeof(opts), "-dim %d -Nx %d -Ny %d -Nz %d -h %g -flux linear -method semi_implicit -t_stop %.17g -tau %.17g -monitor_every -1 %s%s", (int)dim, (int)M[0], (int)M[1], (int)M[2], H_GRID, (double)t_stop, (double)(t_stop / (4 << r)), direct, dim == 2 ? decomp : ""));
    PetscCall(PdennTestRunSolver(PETSC_COMM_WORLD, opts, GridInit, &fill, NULL, &run));
    PetscCall(GridForEach(run.u, OrderVisit, &exact));
    PetscCallMPI(MPI_Allreduce(&exact.err, &err[r], 1, MPIU_REAL, MPIU_MAX, PETSC_COMM_WORLD));
    PetscCall(PdennTestRunDestroy(&run));
  }
  for (PetscInt r = 0; r < 2; r++) {
    const PetscReal order = PetscLog2Real(err[r] / err[r + 1]);
    PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%dD semi-implicit, %d -> %d steps: error against exp(-mu t) %.3e -> %.3e, observed order %.3f\n", (int)dim, 4 << r, 8 << r, (double)err[r], (double)err[r + 1], (double)order));
    PetscCheck(order >= 0.9 && order <= 1.1, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%dD semi-implicit: observed order in time %g, expected 1", (int)dim, (double)order);
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  char        direct[128];
  PetscMPIInt size;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "2D/3D classical solvers against cosine modes"));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscSNPrintf(direct, sizeof(direct), "-ksp_type preonly -pc_type lu%s", size > 1 ? " -pc_factor_mat_solver_type mumps" : ""));
  for (PetscInt dim = 2; dim <= 3; dim++) PetscCall(CheckTimeOrder(dim, direct));
  for (PetscInt dim = 2; dim <= 3; dim++)
    for (PetscInt order = 1; order <= 2; order++) {
      PetscCall(CheckCase(dim, order, PDENN_METHOD_EXPLICIT, ""));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_FED, "-cycles 2"));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_FSI, "-cycles 2"));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_IMPLICIT_FIXED_POINT, "-fixed_point_rtol 1e-14"));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_SEMI_IMPLICIT, direct));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_SEMI_IMPLICIT, "-ksp_type cg -pc_type jacobi -ksp_rtol 1e-13"));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_SEMI_IMPLICIT, "-pc_type mg -ksp_rtol 1e-13"));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_SEMI_IMPLICIT, "-pc_type gamg -ksp_rtol 1e-13"));
      PetscCall(CheckCase(dim, order, PDENN_METHOD_IMPLICIT_NEWTON, "-snes_rtol 1e-12 -ksp_rtol 1e-13"));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "grid mode checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
