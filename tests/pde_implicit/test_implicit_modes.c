/* Semi-implicit and implicit Newton schemes against the exact discrete solution of linear
   diffusion (-flux linear), orders 1 and 2, N = 33 (PCMG needs 2^k + 1), h = 0.5: for the
   linear flux both are (I + tau K^T K) u^{k+1} = u^k, so each cosine mode
   v_k(i) = cos(pi k (i+1/2)/N) of the initial signal is multiplied by 1/(1 + tau mu_k)^n over n
   equal steps tau = t_stop/n, with mu_k = (4/h^2) sin^2(pi k/(2N)) (order 1) or mu_k^2
   (order 2) (tests/common/pdenn_reference.h; test_pde_explicit_modes checks first that these
   are the eigenpairs of pdenn's K^T K).
   Five modes (constant, lowest, two middle, highest), tau = 9 tau_max, 5 steps; every linear
   solver a user meets: LU (MUMPS on several ranks), CG + Jacobi, PCMG (operator-dependent and
   linear interpolation), Newton with its default GMRES.
   Tolerance 1e-11, relative to the sum of the modes' amplitudes: an iterative solve to
   -ksp_rtol r leaves an error <= cond(A) r |u| per step, cond(A) = 1 + tau mu_max < 1 + 9 tau_max
   ||K||^2 = 19 (tau_max = 2/||K||^2 for the linear flux), and A^-1 contracts, so 5 steps stay
   below 5 * 19 r ~ 1e-11 for r = 1e-13 (measured: <= 1.1e-13, CG and linear-interpolation PCMG;
   ~1e-15 for LU, operator PCMG and Newton). Newton (-snes_rtol 1e-12, -ksp_rtol 1e-13) solves
   the linear system in one iteration to the KSP's tolerance: the same bound. */
#include <pdenn/pdenn.h>
#include "pdenn_reference.h"

#define N_GRID 33
#define H_GRID 0.5
#define N_MODES 5
static const PetscInt  mode_k[N_MODES] = {0, 1, 4, 13, N_GRID - 1};
static const PetscReal mode_c[N_MODES] = {0.3, 1.0, -0.6, 0.4, 0.2};

static PetscErrorCode CheckCase(PdennMethod method, PetscInt order, const char solver_opts[])
{
  const PetscReal tau_max = RefTauMax(H_GRID, order), t_stop = 45.0 * tau_max;
  RefSchedule     s = {method, 5, 1, 0, t_stop / 5, t_stop / 5, 0.0};
  PetscReal       u0[N_GRID], err;
  char            opts[512];
  RefRun          run;

  PetscFunctionBeginUser;
  /* -tau 10 tau_max is shortened to 5 equal steps of 9 tau_max that end at t_stop */
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-method %s -flux linear -N %d -h %g -order %d -t_stop %.17g -tau %.17g -monitor_every -1 %s", PdennMethods[method], N_GRID, H_GRID, (int)order, (double)t_stop, (double)(10.0 * tau_max), solver_opts));
  RefModesSignal(N_GRID, N_MODES, mode_k, mode_c, u0);
  PetscCall(RefRunSolver(PETSC_COMM_WORLD, opts, u0, &run));
  err = RefModesError(N_GRID, H_GRID, order, &s, N_MODES, mode_k, mode_c, run.u);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "order %d %-15s %-58s: %d steps, %3d linear its: |u - exact modes| / |u0| = %.2e\n", (int)order, PdennMethods[method], solver_opts, (int)run.steps, (int)run.linear_its, (double)err));
  PetscCheck(run.steps == s.n && PetscAbsReal(run.tau - s.tau) <= 1e-15 * s.tau, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s: %d steps of %.17g, expected %d of %.17g", (int)order, PdennMethods[method], (int)run.steps, (double)run.tau, (int)s.n, (double)s.tau);
  PetscCheck(err <= 1e-11, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "order %d, %s (%s): the result differs from the exact discrete solution by %g", (int)order, PdennMethods[method], solver_opts, (double)err);
  PetscCall(PetscFree(run.u));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscMPIInt size;
  char        direct[128];

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Implicit solvers against cosine modes"));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  /* PETSc's own LU runs on one rank only */
  PetscCall(PetscSNPrintf(direct, sizeof(direct), "-ksp_type preonly -pc_type lu%s", size > 1 ? " -pc_factor_mat_solver_type mumps" : ""));
  for (PetscInt order = 1; order <= 2; order++) {
    PetscCall(CheckCase(PDENN_METHOD_SEMI_IMPLICIT, order, direct));
    PetscCall(CheckCase(PDENN_METHOD_SEMI_IMPLICIT, order, "-ksp_type cg -pc_type jacobi -ksp_rtol 1e-13"));
    PetscCall(CheckCase(PDENN_METHOD_SEMI_IMPLICIT, order, "-pc_type mg -ksp_rtol 1e-13"));
    PetscCall(CheckCase(PDENN_METHOD_SEMI_IMPLICIT, order, "-pc_type mg -mg_interpolation linear -ksp_rtol 1e-13"));
    PetscCall(CheckCase(PDENN_METHOD_IMPLICIT_NEWTON, order, "-snes_rtol 1e-12 -ksp_rtol 1e-13"));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "implicit mode checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
