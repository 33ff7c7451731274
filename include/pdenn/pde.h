/* pdenn classical side: the 1D generalised nonlinear diffusion problem of docs/science.md §1,
   du/dt = -D^*(Phi(D u)), reflecting boundaries, on a DMDA, and the solvers of §2-5. */
#pragma once
#include <pdenn/op.h>

/* ---- The problem -------------------------------------------------------------------------- */
typedef struct _n_PdennDiffusion *PdennDiffusion;
struct _n_PdennDiffusion {
  MPI_Comm     comm;
  PetscInt     dim;    /* 1 (signals), 2 (images), 3 (volumes) */
  PetscInt     M[3];   /* points along x, y, z (W, H, D; 1 beyond dim) */
  PetscInt     N;      /* grid points in all (cells of width h): M[0] M[1] M[2] */
  PetscReal    h;      /* grid spacing: domain [0, N h], cell centres (i + 1/2) h; 1 = pixel units */
  PetscInt     order;  /* 1: D = d/dx (2nd-order PDE); 2: D = d^2/dx^2 (4th-order PDE) */
  PdennFlux    flux;
  DM           da;     /* dof 1, ghost width = order (the semi-implicit matrix needs 2 for order 2) */
  PetscReal    kernel[3];
  PdennConv1d  K;      /* D -> K as a 1-channel convolution: (0,-1,1)/h or (1,-2,1)/h^2 */
  PdennSymStep step;   /* u - tau K^T Phi(K u): the same code as the symmetric residual block */
  PdennGridOp  grid;   /* dim 2, 3: K on the d-dimensional DMDA (op.h); dim 1 uses K and step */
  PdennGridStep gstep; /* dim 2, 3, order 1: the fused explicit step (src/op/gridstep.c) */
};

/* Keys (prefix none): -dim, -N, -Nx, -Ny, -Nz, -h, -order, -flux, -lambda */
PetscErrorCode PdennDiffusionCreate(MPI_Comm comm, PdennDiffusion *pde);
PetscErrorCode PdennDiffusionSetFromOptions(PdennDiffusion pde);
PetscErrorCode PdennDiffusionSetUp(PdennDiffusion pde);
PetscErrorCode PdennDiffusionDestroy(PdennDiffusion *pde);
PetscErrorCode PdennDiffusionView(PdennDiffusion pde, PetscViewer viewer);
/* The explicit stability limit 2/(L ||K||^2): h^2/(2 d L) (order 1), h^4/(8 d^2 L) (order 2). */
PetscErrorCode PdennDiffusionTauMax(PdennDiffusion pde, PetscReal *tau_max);
/* out = u - tau K^T Phi(K u) (out may be u) */
PetscErrorCode PdennDiffusionExplicitStep(PdennDiffusion pde, PetscReal tau, Vec u, Vec out);
/* dim 2, 3: out = alpha u - tau K^T Phi(K u), or with gfrozen (a Vec like u) Phi(z) = gfrozen z:
   the fused step for order 1, the grid operator for order 2 (every explicit-type method, the
   residual and FED's frozen cycles go through here). out may be u. */
PetscErrorCode PdennDiffusionGridStep(PdennDiffusion pde, Vec gfrozen, PetscReal alpha, PetscReal tau, Vec u, Vec out);
/* r = K^T Phi(K u) */
PetscErrorCode PdennDiffusionResidual(PdennDiffusion pde, Vec u, Vec r);
/* g = g(|K u|^2) at every point (the diagonal G of the semi-implicit matrix) */
PetscErrorCode PdennDiffusionDiffusivity(PdennDiffusion pde, Vec u, Vec g);

/* ---- Solvers ------------------------------------------------------------------------------ */
typedef enum {
  PDENN_METHOD_EXPLICIT,
  PDENN_METHOD_FED,
  PDENN_METHOD_FSI,
  PDENN_METHOD_SEMI_IMPLICIT,
  PDENN_METHOD_IMPLICIT_FIXED_POINT,
  PDENN_METHOD_IMPLICIT_NEWTON,
  PDENN_METHOD_NTYPES
} PdennMethod;
extern const char *const PdennMethods[]; /* "explicit", "fed", "fsi", "semi_implicit", ... */

/* What a run reports (summary and HDF5 attributes). */
typedef struct {
  PetscInt   steps;          /* time steps (explicit-type steps for FED/FSI) */
  PetscInt   cycles;         /* FED/FSI cycles */
  PetscInt   linear_its;     /* total KSP iterations */
  PetscInt   nonlinear_its;  /* total fixed-point or Newton iterations */
  PetscReal  t_stop;         /* diffusion time reached */
  PetscReal  tau;            /* step size used (tau_max of a cycle for FED/FSI) */
  PetscReal  wall;           /* seconds */
  PetscBool  unstable_tau;   /* tau above the stability limit was allowed by -allow_unstable */
  PetscInt   n_hist;         /* Euclidean norm history: norm_hist[0] = ||f||, then after each step */
  PetscInt   max_hist;
  PetscReal *norm_hist;
  PetscReal *time_hist;
} PdennRunInfo;

typedef struct _n_PdennSolver *PdennSolver;
typedef PetscErrorCode (*PdennSnapshotFn)(void *ctx, PetscInt step, PetscReal t, Vec u);
struct _n_PdennSolver {
  PdennDiffusion pde;        /* borrowed */
  PdennMethod    method;
  PetscReal      t_stop;     /* -t_stop */
  PetscReal      tau;        /* -tau (0: method's default, see docs/decks.md) */
  PetscInt       cycles;     /* -cycles: FED/FSI cycles to reach t_stop */
  PetscBool      allow_unstable; /* -allow_unstable */
  PetscInt       fp_max_it;  /* -fixed_point_max_it */
  PetscReal      fp_rtol;    /* -fixed_point_rtol */
  PetscInt       monitor_every;  /* -monitor_every: progress line every n steps (0: none) */
  PetscInt       snapshot_every; /* -snapshot_every: snapshot callback every n steps (0: none) */
  PdennSnapshotFn snapshot;
  void          *snapshot_ctx;
  KSP            ksp;        /* semi-implicit (options prefix none: -ksp_type, -pc_type, ...) */
  SNES           snes;       /* implicit Newton */
  Mat            A;
  PdennRunInfo   info;
  PetscLogDouble t_start, t_last_print; /* progress lines */
};

/* Keys: -method, -t_stop, -tau, -cycles, -allow_unstable, -fixed_point_max_it,
   -fixed_point_rtol, -monitor_every, -snapshot_every (+ KSP/PC/SNES options). */
PetscErrorCode PdennSolverCreate(PdennDiffusion pde, PdennSolver *solver);
PetscErrorCode PdennSolverSetFromOptions(PdennSolver solver);
PetscErrorCode PdennSolverSetSnapshot(PdennSolver solver, PdennSnapshotFn fn, void *ctx);
/* Evolves u (the initial signal f on input) to time t_stop; fills solver->info. */
PetscErrorCode PdennSolverSolve(PdennSolver solver, Vec u);
PetscErrorCode PdennSolverDestroy(PdennSolver *solver);

/* Called by every method after each step: records the norm history, prints progress lines,
   takes snapshots. */
PetscErrorCode PdennSolverRecordStep(PdennSolver solver, Vec u, PetscReal t);

/* Method-specific options and objects (KSP for semi-implicit, SNES for Newton), called by
   PdennSolverSetFromOptions for the chosen method; they live in the method's file. */
PetscErrorCode PdennSolverSetFromOptions_SemiImplicit(PdennSolver solver);
PetscErrorCode PdennSolverSetFromOptions_ImplicitNewton(PdennSolver solver);
PetscErrorCode PdennSolverSetFromOptions_FED(PdennSolver solver);

/* One file per method; each evolves u from 0 to solver->t_stop. */
PetscErrorCode PdennSolverRun_Explicit(PdennSolver solver, Vec u);
PetscErrorCode PdennSolverRun_FED(PdennSolver solver, Vec u);
PetscErrorCode PdennSolverRun_FSI(PdennSolver solver, Vec u);
PetscErrorCode PdennSolverRun_SemiImplicit(PdennSolver solver, Vec u);
PetscErrorCode PdennSolverRun_ImplicitFixedPoint(PdennSolver solver, Vec u);
PetscErrorCode PdennSolverRun_ImplicitNewton(PdennSolver solver, Vec u);

/* Shared by the implicit methods (src/pde/semi_implicit.c, docs/theory_implicit.md):
   A = I + tau K^T diag(w) K on pde->da (A from DMCreateMatrix(pde->da)): the semi-implicit
   matrix for w = g((K u)^2), the Newton Jacobian for w = Phi'(K v). For dim 2, 3, w holds one
   value per point (the semi-implicit g) or a d x d block per point (the Newton J of the
   isotropic flux, PdennGridOpFluxJacobian). */
PetscErrorCode PdennDiffusionImplicitMatrix(PdennDiffusion pde, PetscReal tau, Vec w, Mat A);
/* PCMG's interpolation on the implicit matrices (key -mg_interpolation): linear on the DMDA
   hierarchy with PCMG's Galerkin coarse operators, or operator-dependent (src/pde/mg_operator.c). */
typedef enum {
  PDENN_MG_INTERPOLATION_LINEAR,
  PDENN_MG_INTERPOLATION_OPERATOR,
  PDENN_MG_INTERPOLATION_NTYPES
} PdennMGInterpolation;
extern const char *const PdennMGInterpolations[];
/* After KSPSetFromOptions: for -pc_type mg, reads -mg_interpolation (default def) and
   -mg_smoother, checks -N against -pc_mg_levels and sets the defaults not given (levels from N,
   2 or 4 smoothing steps by order; Galerkin coarse operators for linear; for operator the
   -mg_smoother: F-relaxation, exact for both orders). */
PetscErrorCode PdennDiffusionKSPSetUpMGDefault(PdennDiffusion pde, KSP ksp, PdennMGInterpolation def);
/* The same with default linear (the Newton solver's). */
PetscErrorCode PdennDiffusionKSPSetUpMG(PdennDiffusion pde, KSP ksp);
/* Operator-dependent interpolation from an assembled 1D matrix A: for bandwidth 1
   (tridiagonal, odd size N) coarse point c is fine point 2c (weight 1); odd point f takes
   -a(f,f-1)/d and -a(f,f+1)/d with d = a(f,f) (exact: A P = 0 on the odd rows); for bandwidth
   > 1 (order 2) PdennMGBlockInterpolation. Rows of P are A's rows; reuse = MAT_REUSE_MATRIX
   refills a P made before for A's pattern. */
PetscErrorCode PdennMGOperatorInterpolation(Mat A, MatReuse reuse, Mat *P);
/* *bandwidth: max |j - i| over the stored entries (i, j) of A, on every rank (the pattern's, not
   the values': 1 for order 1 and its coarse operators, 2 for order 2, 3 for its coarse ones). */
PetscErrorCode PdennMatBandwidth(Mat A, PetscInt *bandwidth);
/* The block scheme for operators of bandwidth > 1 (src/pde/mg_block.c), which
   PdennMGOperatorInterpolation and F-relaxation choose by PdennMatBandwidth: points paired
   (0,1), (2,3), ..., the last alone for odd N; pair j coarse for j even, fine for j odd (fine
   point i is coarse iff i mod 4 < 2; coarse size (N+1)/2 for odd N). P = [I; -A_FF^-1 A_FC]
   with A_FF the 2x2 blocks of the fine pairs, so A P = 0 on the fine rows if A is block
   tridiagonal over the pairs (at most 5-point; P^T A P is again); its rows are A's rows,
   coarse point c lives on the rank owning its fine point. reuse = MAT_REUSE_MATRIX refills a
   P made for A's pattern before (the pattern is fixed). */
PetscErrorCode PdennMGBlockInterpolation(Mat A, MatReuse reuse, Mat *P);
/* *D = A_FF^-1 of the block scheme's fine pairs as a matrix of A's layout (the 2x2 inverse on
   the fine rows, empty coarse rows): x += D (b - A x) is block F-relaxation. reuse as above. */
PetscErrorCode PdennMGBlockFineInverse(Mat A, MatReuse reuse, Mat *D);
/* P = PdennMGOperatorInterpolation(A) and Ac = P^T A P; with MAT_REUSE_MATRIX (P, Ac made by this
   call for A's pattern before) a one-rank tridiagonal A takes a closed form (the Schur
   complement, written in place), anything else MatPtAP. */
PetscErrorCode PdennMGOperatorCoarsen(Mat A, MatReuse reuse, Mat *P, Mat *Ac);
/* *tri: A is a one-rank AIJ matrix with the full tridiagonal pattern (rows {i-1, i, i+1} within
   range, sorted), so that entry (i, i + o) is its value 3i + o. */
PetscErrorCode PdennMatIsFullTridiagonal(Mat A, PetscBool *tri);
/* r = b - A x for A with PdennMatIsFullTridiagonal, in one pass (PCMGSetResidual's form; the
   operator-dependent hierarchy's residual on such levels). */
PetscErrorCode PdennMatResidualTridiagonal(Mat A, Vec b, Vec x, Vec r);
/* *T: a MATSHELL applying P (one rank, odd size, the pattern of PdennMGOperatorInterpolation: row
   2c column c with value 1, row 2c+1 columns c, c+1) in one pass each: MatMult, MatMultAdd
   (interpolation) and MatMultTranspose (restriction), what PCMG calls; T keeps a reference to P
   and reads its current values. */
PetscErrorCode PdennMGTridiagonalTransfer(Mat P, Mat *T);
/* Makes ksp's PCMG rebuild P_l = PdennMGOperatorInterpolation(A_l), A_{l-1} = P_l^T A_l P_l on
   every level at the start of each KSPSolve with a new operator (a KSP pre-solve hook). */
PetscErrorCode PdennKSPSetMGOperatorHierarchy(KSP ksp);
/* PCMG level smoothers on the implicit matrices (key -mg_smoother): Richardson/SOR (Gauss-Seidel)
   or F-relaxation (the fine points only: x_f += r_f / a_ff on the odd points of a 3-point
   operator, x_F += A_FF^-1 r_F on the fine pairs of a 5-point one), with which the
   operator-dependent V-cycle is exact (src/pde/mg_operator.c, mg_block.c). */
typedef enum {
  PDENN_MG_SMOOTHER_SOR,
  PDENN_MG_SMOOTHER_F_RELAXATION,
  PDENN_MG_SMOOTHER_NTYPES
} PdennMGSmoother;
extern const char *const PdennMGSmoothers[];
/* Makes smoother `steps` Richardson steps with F-relaxation as its preconditioner. */
PetscErrorCode PdennMGSmootherFRelaxation(KSP smoother, PetscInt steps);
/* The implicit step: -tau (0: default_factor tau_max), shortened to n equal steps that reach
   t_stop exactly. */
PetscErrorCode PdennSolverImplicitStep(PdennSolver solver, PetscReal default_factor, PetscReal *tau, PetscInt *n_steps);
