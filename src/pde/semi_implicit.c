/* The semi-implicit scheme of docs/science.md §4, (I + tau K^T G(u^k) K) u^{k+1} = u^k with
   G = diag(g((K u^k)^2)), solved by a PETSc KSP on the problem's DMDA (the DM gives PCMG its
   hierarchy; pdenn gives the operator). The matrix I + tau K^T diag(w) K is assembled here for
   any weights w, so the Newton Jacobian (implicit_newton.c) is the same code. */
#include <pdenn/pde.h>

/* Row i of the reflecting-boundary K as a matrix: the kernel with mirrored columns folded back
   exactly as PdennConv1dFillGhosts mirrors (u[-1-k] = u[k], u[N-1+k] = u[N-k]). */
static PetscInt KRow(PdennDiffusion pde, PetscInt i, PetscInt col[], PetscReal val[])
{
  const PetscInt r = pde->K.radius, N = pde->N;
  PetscInt       nc = 0;

  for (PetscInt o = -r; o <= r; o++) {
    PetscInt j = i + o, c = 0;
    if (pde->K.w[o + r] == 0.0) continue;
    if (j < 0) j = -1 - j;
    if (j >= N) j = 2 * N - 1 - j;
    while (c < nc && col[c] != j) c++;
    if (c == nc) {
      col[nc]   = j;
      val[nc++] = 0.0;
    }
    val[c] += pde->K.w[o + r];
  }
  return nc;
}

/* The same sum written straight into the values of a one-rank tridiagonal A (order 1: K couples
   neighbours only; entry (i, i + o) is value 3i + o), instead of MatSetValuesStencil per point,
   which costs more than the linear solve of the step. *done: PETSC_FALSE for any other A or K. */
static PetscErrorCode ImplicitMatrixTridiagonal(PdennDiffusion pde, PetscReal tau, const PetscReal *restrict wa, Mat A, PetscBool *done)
{
  PetscScalar *a;
  PetscInt     n;

  PetscFunctionBeginUser;
  PetscCall(PdennMatIsFullTridiagonal(A, done));
  if (!*done || pde->order != 1) {
    *done = PETSC_FALSE;
    PetscFunctionReturn(0);
  }
  PetscCall(MatGetSize(A, &n, NULL));
  PetscCall(MatSeqAIJGetArrayWrite(A, &a));
  PetscCall(PetscArrayzero(a, 3 * n - 2));
  for (PetscInt i = 0; i < n; i++) {
    PetscInt  col[3];
    PetscReal kv[3];
    PetscInt  nc = KRow(pde, i, col, kv);

    a[3 * i] += 1.0;
    for (PetscInt r = 0; r < nc; r++)
      for (PetscInt c = 0; c < nc; c++) a[2 * col[r] + col[c]] += tau * wa[i] * kv[r] * kv[c]; /* 3 col[r] + (col[c] - col[r]) */
  }
  PetscCall(MatSeqAIJRestoreArrayWrite(A, &a));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionImplicitMatrix(PdennDiffusion pde, PetscReal tau, Vec w, Mat A)
{
  const PetscReal *wa;
  PetscInt         xs, xm;
  PetscBool        done;

  PetscFunctionBeginUser;
  if (pde->dim > 1) { /* one weight or one d x d block per owned point */
    PetscInt nw, m[3];
    PetscCall(VecGetLocalSize(w, &nw));
    PetscCall(DMDAGetCorners(pde->da, NULL, NULL, NULL, &m[0], &m[1], &m[2]));
    PetscCall(PdennGridOpImplicitMatrix(&pde->grid, tau, w, nw / (m[0] * m[1] * m[2]), A));
    PetscFunctionReturn(0);
  }
  PetscCheck(pde->K.radius <= 1, pde->comm, PETSC_ERR_SUP, "K of radius %" PetscInt_FMT ": the implicit matrix supports radius 1", pde->K.radius);
  PetscCall(VecGetArrayRead(w, &wa));
  PetscCall(ImplicitMatrixTridiagonal(pde, tau, wa, A, &done));
  PetscCall(VecRestoreArrayRead(w, &wa));
  if (done) PetscFunctionReturn(0);
  PetscCall(MatZeroEntries(A));
  PetscCall(PdennDMDAGetOwnership(pde->da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArrayRead(w, &wa));
  for (PetscInt i = xs; i < xs + xm; i++) {
    MatStencil rows[3] = {{0}}, diag = {0};
    PetscInt   col[3];
    PetscReal  kv[3], block[9], one = 1.0;
    PetscInt   nc = KRow(pde, i, col, kv);

    /* K^T diag(w) K = sum_i w_i k_i k_i^T: an owned row of K may add to a neighbour's rows */
    for (PetscInt a = 0; a < nc; a++) {
      rows[a].i = col[a];
      for (PetscInt b = 0; b < nc; b++) block[a * nc + b] = tau * wa[i - xs] * kv[a] * kv[b];
    }
    diag.i = i;
    PetscCall(MatSetValuesStencil(A, nc, rows, nc, rows, block, ADD_VALUES));
    PetscCall(MatSetValuesStencil(A, 1, &diag, 1, &diag, &one, ADD_VALUES));
  }
  PetscCall(VecRestoreArrayRead(w, &wa));
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* Levels of the vertex-centred DMDA hierarchy (coarsening keeps both end points,
   N -> (N-1)/2 + 1) whose coarsest grid still has at least min_coarse points. (DMDA_Q0, the
   cell-centred N -> N/2, is no alternative: PETSc 3.18 builds its 1D interpolation only for
   (N_fine - 1)/(N_coarse - 1) integer, see docs/theory_implicit.md.) */
static PetscInt MGMaxLevels(PetscInt N, PetscInt min_coarse)
{
  PetscInt levels = 1, ratio = 1;

  while ((N - 1) % (2 * ratio) == 0 && (N - 1) / (2 * ratio) + 1 >= min_coarse) {
    ratio *= 2;
    levels++;
  }
  return levels;
}

/* Ranks along axis a of the problem's DMDA (all of them in 1D). */
static PetscInt AxisRanks(PdennDiffusion pde, PetscInt a)
{
  PetscInt p[3] = {1, 1, 1};

  PetscCallAbort(PETSC_COMM_SELF, DMDAGetInfo(pde->da, NULL, NULL, NULL, NULL, &p[0], &p[1], &p[2], NULL, NULL, NULL, NULL, NULL, NULL));
  return p[a];
}

/* MGMaxLevels over the grid's axes: the coarsest grid keeps min_coarse points along every axis,
   or per_rank points for each rank along it if that is more (1D: along its one axis, as before). */
static PetscInt GridMGMaxLevels(PdennDiffusion pde, PetscInt min_coarse, PetscInt per_rank)
{
  PetscInt levels = PETSC_MAX_INT;

  for (PetscInt a = 0; a < pde->dim; a++) levels = PetscMin(levels, MGMaxLevels(pde->M[a], PetscMax(min_coarse, per_rank * AxisRanks(pde, a))));
  return levels;
}

const char *const PdennMGInterpolations[] = {"linear", "operator"};
const char *const PdennMGSmoothers[]      = {"sor", "f_relaxation"};

/* Richardson + SOR on level l, the pre-smoother (or the post-smoother, when distinct):
   symmetric Gauss-Seidel sweeps under a Krylov method that needs a symmetric preconditioner,
   else forward sweeps, which converge better at half the cost (docs/theory_implicit.md). */
static PetscErrorCode MGSmootherSOR(PC pc, PetscInt l, PetscBool up, PetscBool symmetric)
{
  KSP smoother;
  PC  smoother_pc;

  PetscFunctionBeginUser;
  if (up)
    PetscCall(PCMGGetSmootherUp(pc, l, &smoother));
  else
    PetscCall(PCMGGetSmoother(pc, l, &smoother));
  PetscCall(KSPSetType(smoother, KSPRICHARDSON));
  PetscCall(KSPGetPC(smoother, &smoother_pc));
  PetscCall(PCSetType(smoother_pc, PCSOR));
  PetscCall(PCSORSetSymmetric(smoother_pc, symmetric ? SOR_LOCAL_SYMMETRIC_SWEEP : SOR_LOCAL_FORWARD_SWEEP));
  PetscFunctionReturn(0);
}

/* F-relaxation after the coarse correction only: before it, it would not change what the
   correction leaves (exact coarse values, whatever the fine ones); a symmetric preconditioner
   (CG) gets it before as well, the same step on both sides. The additive and Kaskade cycles
   smooth with the down smoother only, so they get it there too (without it the fine points
   get no correction at all). The user's -mg_levels_ksp_max_it, -pc_mg_smoothup/down still win
   (KSPSetFromOptions on the levels comes later). */
static PetscErrorCode MGSmootherFRelaxation(PC pc, PetscInt l, PetscBool symmetric)
{
  KSP      down, up;
  PCMGType type;

  PetscFunctionBeginUser;
  PetscCall(PCMGGetType(pc, &type));
  PetscCall(PCMGGetSmoother(pc, l, &down));
  PetscCall(PCMGGetSmootherUp(pc, l, &up));
  PetscCall(PdennMGSmootherFRelaxation(up, 1));
  PetscCall(PdennMGSmootherFRelaxation(down, symmetric || type == PC_MG_ADDITIVE || type == PC_MG_KASKADE ? 1 : 0));
  PetscFunctionReturn(0);
}

/* Options the user did not give get pdenn's defaults (docs/theory_implicit.md): the deepest
   hierarchy whose coarsest grid has >= 3 points (linear: >= 2 stencil widths per rank, which
   the DMDA needs), and 2 smoothing steps for order 1 but 4 for order 2, whose transfers violate
   the order rule m_P + m_R > 2m. Linear interpolation needs PCMG's Galerkin coarse operators;
   the operator-dependent one brings its own and smooths with the -mg_smoother chosen:
   F-relaxation (the default), with which the V-cycle is exact, or Richardson/SOR, whose set-up is
   free (Chebyshev estimates eigenvalues at every set-up, i.e. every time step), and which
   converges better with it (0.02-0.06 against 0.10-0.16). */
static PetscErrorCode MGDefaults(PdennDiffusion pde, KSP ksp, const char prefix[], PdennMGInterpolation interp, PdennMGSmoother smoother)
{
  PC          pc;
  PetscBool   set, set_up, set_down, distinct = PETSC_FALSE, symmetric;
  PetscInt    per_rank = 0, levels;

  PetscFunctionBeginUser;
  PetscCall(KSPGetPC(ksp, &pc));
  if (interp == PDENN_MG_INTERPOLATION_LINEAR) per_rank = 2 * pde->order;
  PetscCall(PetscOptionsHasName(NULL, prefix, "-pc_mg_levels", &set));
  if (!set) PetscCall(PCMGSetLevels(pc, GridMGMaxLevels(pde, 3, per_rank), NULL));
  /* new levels have one smoother per level: -pc_mg_distinct_smoothup must be applied again */
  PetscCall(PetscOptionsGetBool(NULL, prefix, "-pc_mg_distinct_smoothup", &distinct, NULL));
  if (!set && distinct) PetscCall(PCMGSetDistinctSmoothUp(pc));
  PetscCall(PetscOptionsHasName(NULL, prefix, "-mg_levels_ksp_max_it", &set));
  PetscCall(PetscOptionsHasName(NULL, prefix, "-pc_mg_smoothup", &set_up));
  PetscCall(PetscOptionsHasName(NULL, prefix, "-pc_mg_smoothdown", &set_down));
  if (!set && !set_up && !set_down) PetscCall(PCMGSetNumberSmooth(pc, pde->order == 1 ? 2 : 4));
  PetscCall(PetscOptionsHasName(NULL, prefix, "-pc_mg_galerkin", &set));
  PetscCheck(!set || interp == PDENN_MG_INTERPOLATION_LINEAR, pde->comm, PDENN_ERR_INPUT, "key -pc_mg_galerkin with -mg_interpolation operator: the operator-dependent hierarchy forms its coarse operators P^T A P itself; drop -pc_mg_galerkin or use -mg_interpolation linear");
  /* pdenn assembles the fine operator only: the coarse ones must be Galerkin R A P */
  if (!set && interp == PDENN_MG_INTERPOLATION_LINEAR) PetscCall(PCMGSetGalerkin(pc, PC_MG_GALERKIN_BOTH));
  if (interp == PDENN_MG_INTERPOLATION_LINEAR) PetscFunctionReturn(0);
  /* set before PCSetUp_MG's KSPSetFromOptions on the levels, so -mg_levels_* keys still win */
  PetscCall(PetscObjectTypeCompareAny((PetscObject)ksp, &symmetric, KSPCG, KSPPIPECG, KSPGROPPCG, KSPPIPECGRR, KSPMINRES, KSPSYMMLQ, KSPCR, KSPPIPECR, KSPFCG, KSPPIPEFCG, ""));
  PetscCall(PCMGGetLevels(pc, &levels));
  if (smoother == PDENN_MG_SMOOTHER_F_RELAXATION && !distinct) PetscCall(PCMGSetDistinctSmoothUp(pc));
  for (PetscInt l = 1; l < levels; l++) {
    if (smoother == PDENN_MG_SMOOTHER_F_RELAXATION) {
      PetscCall(MGSmootherFRelaxation(pc, l, symmetric));
      continue;
    }
    PetscCall(MGSmootherSOR(pc, l, PETSC_FALSE, symmetric));
    if (distinct) PetscCall(MGSmootherSOR(pc, l, PETSC_TRUE, symmetric));
  }
  PetscFunctionReturn(0);
}

/* -mg_interpolation and -mg_smoother under the KSP's prefix; the interpolation's default is the
   caller's, the smoother's F-relaxation where it makes the V-cycle exact (operator-dependent
   interpolation: point cyclic reduction for order 1, block cyclic reduction for order 2), else
   SOR. Read for PCMG, and for -help
   whatever the preconditioner; otherwise unread, so the deck check reports them as unused. */
static PetscErrorCode MGFromOptions(PdennDiffusion pde, const char prefix[], PdennMGInterpolation def, PdennMGInterpolation *interp, PdennMGSmoother *smoother)
{
  PetscInt  choice = (PetscInt)def, smooth;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscOptionsBegin(pde->comm, prefix, "PCMG on the implicit matrix", NULL);
  PetscCall(PdennOptionsChoice("-mg_interpolation", "PCMG interpolation, with -pc_type mg: linear (DMDA, Galerkin R A P) or operator (operator-dependent, from each level's matrix)", PdennMGInterpolations, PDENN_MG_INTERPOLATION_NTYPES, choice, &choice, NULL));
  smooth = choice == PDENN_MG_INTERPOLATION_OPERATOR ? PDENN_MG_SMOOTHER_F_RELAXATION : PDENN_MG_SMOOTHER_SOR;
  PetscCall(PdennOptionsChoice("-mg_smoother", "PCMG level smoother, with -pc_type mg and -mg_interpolation operator: sor (Gauss-Seidel) or f_relaxation (fine points: odd ones for order 1, pairs 4k+2, 4k+3 for order 2)", PdennMGSmoothers, PDENN_MG_SMOOTHER_NTYPES, smooth, &smooth, &set));
  PetscOptionsEnd();
  PetscCheck(!set || choice == PDENN_MG_INTERPOLATION_OPERATOR, pde->comm, PDENN_ERR_INPUT, "key -mg_smoother with -mg_interpolation linear: pdenn chooses the smoothers of the operator-dependent hierarchy only; use -mg_levels_ksp_type/-mg_levels_pc_type");
  *interp   = (PdennMGInterpolation)choice;
  *smoother = (PdennMGSmoother)smooth;
  PetscFunctionReturn(0);
}

/* dim 2, 3: every axis must coarsen vertex-centred `levels - 1` times and keep the stencil width
   on each rank along it; only linear interpolation (the operator-dependent one is 1D). */
static PetscErrorCode CheckGridMGLevels(PdennDiffusion pde, PetscInt levels, PdennMGInterpolation interp)
{
  static const char *const key[3] = {"-Nx", "-Ny", "-Nz"};
  const PetscInt           ratio  = (PetscInt)1 << (levels - 1);

  PetscFunctionBeginUser;
  PetscCheck(interp == PDENN_MG_INTERPOLATION_LINEAR, pde->comm, PDENN_ERR_INPUT, "key -mg_interpolation operator: the operator-dependent interpolation is built for 1D grids; with -dim %" PetscInt_FMT " use -mg_interpolation linear (the default there: DMDA interpolation, Galerkin coarse operators) or -pc_type gamg", pde->dim);
  for (PetscInt a = 0; a < pde->dim; a++) {
    const PetscInt M = pde->M[a], p = AxisRanks(pde, a);
    PetscCheck(MGMaxLevels(M, 2) >= levels, pde->comm, PDENN_ERR_INPUT, "keys %s %" PetscInt_FMT " and -pc_mg_levels %" PetscInt_FMT ": the multigrid hierarchy coarsens vertex-centred along every axis (M -> (M-1)/2 + 1), so each side must be m 2^(levels-1) + 1 with m >= 1 (e.g. %" PetscInt_FMT ")", key[a], M, levels, PetscMax(1, (M - 1 + ratio / 2) / ratio) * ratio + 1);
    PetscCheck((M - 1) / ratio + 1 >= p * pde->order, pde->comm, PDENN_ERR_INPUT, "key -pc_mg_levels %" PetscInt_FMT " with %s %" PetscInt_FMT " on %" PetscInt_FMT " ranks along that axis: the coarsest grid (%" PetscInt_FMT " points) cannot give every rank the stencil width %" PetscInt_FMT "; use at most -pc_mg_levels %" PetscInt_FMT, levels, key[a], M, p, (M - 1) / ratio + 1, pde->order, GridMGMaxLevels(pde, 2, 2 * pde->order));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionKSPSetUpMGDefault(PdennDiffusion pde, KSP ksp, PdennMGInterpolation def)
{
  PC                   pc;
  PetscBool            is_mg, help;
  PetscInt             levels, ratio;
  PCMGGalerkinType     galerkin;
  const char          *prefix;
  PetscMPIInt          size;
  PdennMGInterpolation interp   = def;
  PdennMGSmoother      smoother = PDENN_MG_SMOOTHER_SOR;

  PetscFunctionBeginUser;
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PetscObjectTypeCompare((PetscObject)pc, PCMG, &is_mg));
  PetscCall(PdennHelpRequested(&help));
  if (!is_mg && !help) PetscFunctionReturn(0);
  PetscCall(KSPGetOptionsPrefix(ksp, &prefix));
  PetscCall(MGFromOptions(pde, prefix, def, &interp, &smoother));
  if (!is_mg) PetscFunctionReturn(0);
  PetscCall(MGDefaults(pde, ksp, prefix, interp, smoother));
  PetscCall(PCMGGetLevels(pc, &levels));
  ratio = (PetscInt)1 << (levels - 1);
  if (pde->dim > 1) PetscCall(CheckGridMGLevels(pde, levels, interp));
  else PetscCheck(MGMaxLevels(pde->N, 2) >= levels, pde->comm, PDENN_ERR_INPUT, "keys -N %" PetscInt_FMT " and -pc_mg_levels %" PetscInt_FMT ": the multigrid hierarchy coarsens vertex-centred (N -> (N-1)/2 + 1), so N must be m 2^(levels-1) + 1 with m >= 1 (e.g. N = %" PetscInt_FMT ")", pde->N, levels, PetscMax(1, (pde->N - 1 + ratio / 2) / ratio) * ratio + 1);
  if (interp == PDENN_MG_INTERPOLATION_OPERATOR) {
    PetscCall(PdennKSPSetMGOperatorHierarchy(ksp));
    PetscFunctionReturn(0);
  }
  PetscCall(KSPSetPreSolve(ksp, NULL, NULL)); /* drops an operator hierarchy set up before */
  PetscCallMPI(MPI_Comm_size(pde->comm, &size));
  PetscCheck(pde->dim > 1 || (pde->N - 1) / ratio + 1 >= size * pde->order, pde->comm, PDENN_ERR_INPUT, "key -pc_mg_levels %" PetscInt_FMT " with -N %" PetscInt_FMT " on %d ranks: the coarsest grid (%" PetscInt_FMT " points) cannot give every rank the stencil width %" PetscInt_FMT "; use at most -pc_mg_levels %" PetscInt_FMT, levels, pde->N, size, (pde->N - 1) / ratio + 1, pde->order, MGMaxLevels(pde->N, PetscMax(2, 2 * pde->order * size)));
  PetscCall(PCMGGetGalerkin(pc, &galerkin));
  PetscCheck(galerkin != PC_MG_GALERKIN_NONE && galerkin != PC_MG_GALERKIN_EXTERNAL, pde->comm, PDENN_ERR_INPUT, "key -pc_mg_galerkin %s: pdenn assembles only the fine-grid matrix; use both, pmat or mat", PCMGGalerkinTypes[galerkin]);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDiffusionKSPSetUpMG(PdennDiffusion pde, KSP ksp)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionKSPSetUpMGDefault(pde, ksp, PDENN_MG_INTERPOLATION_LINEAR));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverImplicitStep(PdennSolver s, PetscReal default_factor, PetscReal *tau, PetscInt *n_steps)
{
  PetscReal tau_max, step;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(s->pde, &tau_max));
  step = s->tau > 0.0 ? s->tau : default_factor * tau_max;
  /* the relative slack keeps t_stop = n tau from rounding up to n + 1 steps */
  *n_steps = (PetscInt)PetscCeilReal(s->t_stop / step * (1.0 - 1e-12));
  *tau     = *n_steps > 0 ? s->t_stop / *n_steps : step;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverSetFromOptions_SemiImplicit(PdennSolver s)
{
  PdennDiffusion pde = s->pde;
  PC             pc;

  PetscFunctionBeginUser;
  PetscCheck(pde->da, pde->comm, PETSC_ERR_ORDER, "call PdennDiffusionSetUp before PdennSolverSetFromOptions");
  if (!s->A) {
    PetscCall(DMCreateMatrix(pde->da, &s->A));
    PetscCall(MatSetOption(s->A, MAT_SPD, PETSC_TRUE)); /* I + tau K^T G K with G >= 0 */
    PetscCall(MatSetOption(s->A, MAT_SPD_ETERNAL, PETSC_TRUE));
  }
  if (!s->ksp) {
    PetscCall(KSPCreate(pde->comm, &s->ksp));
    /* the DM only provides the PCMG hierarchy; the operator is assembled by pdenn */
    PetscCall(KSPSetDM(s->ksp, pde->da));
    PetscCall(KSPSetDMActive(s->ksp, PETSC_FALSE));
    PetscCall(KSPSetType(s->ksp, KSPCG));
    PetscCall(KSPGetPC(s->ksp, &pc));
    PetscCall(PCSetType(pc, PCJACOBI));
    PetscCall(KSPSetTolerances(s->ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  }
  PetscCall(KSPSetFromOptions(s->ksp));
  /* operator-dependent interpolation with F-relaxation makes the V-cycle a direct solve
     (cyclic reduction, by points for order 1, by pairs of points for order 2), whatever the
     jumps of the diffusivity */
  PetscCall(PdennDiffusionKSPSetUpMGDefault(pde, s->ksp, pde->dim > 1 ? PDENN_MG_INTERPOLATION_LINEAR : PDENN_MG_INTERPOLATION_OPERATOR));
  PetscFunctionReturn(0);
}

/* Adds the iterations of the step just solved to the run's counts. */
static PetscErrorCode CountLinearSolve(PdennSolver s, KSPConvergedReason *reason, PetscInt *its)
{
  PetscFunctionBeginUser;
  PetscCall(KSPGetConvergedReason(s->ksp, reason));
  PetscCall(KSPGetIterationNumber(s->ksp, its));
  s->info.linear_its += *its;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSolverRun_SemiImplicit(PdennSolver s, Vec u)
{
  PdennDiffusion     pde     = s->pde;
  PetscReal          tau     = 0.0;
  PetscInt           n_steps = 0, k, its = 0;
  Vec                w, rhs;
  PetscBool          preonly;
  KSPConvergedReason reason = KSP_CONVERGED_ITERATING;

  PetscFunctionBeginUser;
  PetscCheck(s->ksp, pde->comm, PETSC_ERR_ORDER, "call PdennSolverSetFromOptions before PdennSolverSolve");
  /* default 10 tau_max: unconditionally stable, and still accurate on the slow modes */
  PetscCall(PdennSolverImplicitStep(s, 10.0, &tau, &n_steps));
  s->info.tau = tau;
  PetscCall(VecDuplicate(u, &w));
  PetscCall(VecDuplicate(u, &rhs));
  /* u^k is the initial guess for u^{k+1} (close for small tau), except for a direct solve */
  PetscCall(PetscObjectTypeCompare((PetscObject)s->ksp, KSPPREONLY, &preonly));
  PetscCall(KSPSetInitialGuessNonzero(s->ksp, (PetscBool)!preonly));
  for (k = 0; k < n_steps; k++) {
    PetscCall(PdennDiffusionDiffusivity(pde, u, w));
    PetscCall(PdennDiffusionImplicitMatrix(pde, tau, w, s->A));
    PetscCall(KSPSetOperators(s->ksp, s->A, s->A));
    PetscCall(VecCopy(u, rhs));
    PetscCall(KSPSolve(s->ksp, rhs, u));
    PetscCall(CountLinearSolve(s, &reason, &its));
    if (reason < 0) break;
    s->info.steps++;
    s->info.t_stop = k + 1 == n_steps ? s->t_stop : (k + 1) * tau;
    PetscCall(PdennSolverRecordStep(s, u, s->info.t_stop));
  }
  PetscCall(VecDestroy(&w));
  PetscCall(VecDestroy(&rhs));
  /* raised after the clean-up, so a caller that handles the error leaks nothing */
  PetscCheck(reason >= 0, pde->comm, PDENN_ERR_INPUT, "semi-implicit step %" PetscInt_FMT " (tau = %g): the linear solver diverged (%s) after %" PetscInt_FMT " iterations; check -ksp_type, -pc_type, -ksp_max_it, -ksp_rtol (-ksp_converged_reason, -ksp_monitor to see why)", k + 1, (double)tau, KSPConvergedReasons[reason], its);
  PetscFunctionReturn(0);
}
