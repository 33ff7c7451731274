/* The unfused explicit step, for comparison with the one-pass PdennSymStepApply (op.h): the six
   passes the step made before it was fused (ghost exchange, K u, Phi, ghost exchange, K^T, AXPY)
   timed one by one on their own work vectors, each as achieved bandwidth (bytes counted as STREAM
   counts them) and as a fraction of the STREAM triad; their sum is the old step's time. */
#include <pdenn/bench.h>

typedef enum { KERNEL_GHOSTS_U,
               KERNEL_CONV,
               KERNEL_FLUX,
               KERNEL_GHOSTS_Z,
               KERNEL_ADJOINT,
               KERNEL_WAXPY,
               KERNEL_N } Kernel;
static const char *const kernel_names[] = {"ghost exchange u -> u_loc", "K u_loc -> z (Conv1dForward)", "Phi(z) in place (FluxApply)", "ghost exchange z -> z_loc", "K^T z_loc -> r (Conv1dAdjoint)", "u -= tau r (VecAXPY)"};
static const PetscReal   kernel_bytes[] = {16, 16, 16, 16, 16, 24};

typedef struct {
  Vec u_loc, z, z_loc, r;
} Work;

static PetscErrorCode RunKernel(Kernel k, PdennDiffusion pde, Work *s, Vec u)
{
  PetscReal    *a, *b;
  PetscInt      n, xs, gxs;
  PetscBool     at_left, at_right;

  PetscFunctionBeginUser;
  switch (k) {
  case KERNEL_GHOSTS_U:
    PetscCall(PdennDMDAGetGhostedArray(pde->da, u, s->u_loc, PDENN_BC_REFLECT, &a, &n, &at_left, &at_right));
    PetscCall(VecRestoreArray(s->u_loc, NULL));
    break;
  case KERNEL_GHOSTS_Z:
    PetscCall(PdennDMDAGetGhostedArray(pde->da, s->z, s->z_loc, PDENN_BC_ZERO, &a, &n, &at_left, &at_right));
    PetscCall(VecRestoreArray(s->z_loc, NULL));
    break;
  case KERNEL_CONV:
  case KERNEL_ADJOINT:
    PetscCall(PdennDMDAGetOwnership(pde->da, &xs, &n, &at_left, &at_right));
    PetscCall(DMDAGetGhostCorners(pde->da, &gxs, NULL, NULL, NULL, NULL, NULL));
    PetscCall(VecGetArray(k == KERNEL_CONV ? s->u_loc : s->z_loc, &a));
    PetscCall(VecGetArray(k == KERNEL_CONV ? s->z : s->r, &b));
    a += xs - gxs; /* the first owned point (dof 1) */
    if (k == KERNEL_CONV)
      PetscCall(PdennConv1dForward(&pde->K, n, a, b));
    else
      PetscCall(PdennConv1dAdjoint(&pde->K, n, at_left, at_right, a, b));
    PetscCall(VecRestoreArray(k == KERNEL_CONV ? s->u_loc : s->z_loc, NULL));
    PetscCall(VecRestoreArray(k == KERNEL_CONV ? s->z : s->r, &b));
    break;
  case KERNEL_FLUX:
    PetscCall(VecGetLocalSize(s->z, &n));
    PetscCall(VecGetArray(s->z, &a));
    PetscCall(PdennFluxApply(pde->flux, n, a, a, NULL));
    PetscCall(VecRestoreArray(s->z, &a));
    break;
  default: PetscCall(VecAXPY(u, -1e-3, s->r)); break; /* in place, as a solver steps */
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode TimeKernel(PdennBench b, Kernel k, PdennDiffusion pde, Work *w, Vec u, PetscReal *seconds)
{
  PetscReal *t;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(b->repeats, &t));
  for (PetscInt r = 0; r < b->repeats; r++) {
    PetscLogDouble t0;
    PetscCall(PdennBenchTic(b->comm, &t0));
    for (PetscInt i = 0; i < b->steps; i++) PetscCall(RunKernel(k, pde, w, u));
    PetscCall(PdennBenchToc(b->comm, t0, &t[r]));
  }
  *seconds = PdennBenchMedian(b->repeats, t) / b->steps;
  PetscCall(PetscFree(t));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchKernels(PdennBench b)
{
  PdennDiffusion pde;
  Work           w;
  Vec            u;
  PetscReal      t = 0.0, total = 0.0;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionCreate(b->comm, &pde));
  pde->N           = b->N;
  pde->flux.lambda = b->lambda;
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(DMCreateGlobalVector(pde->da, &u));
  PetscCall(PdennBenchSignal(pde->da, u));
  PetscCall(DMCreateLocalVector(pde->da, &w.u_loc));
  PetscCall(DMCreateLocalVector(pde->da, &w.z_loc));
  PetscCall(DMCreateGlobalVector(pde->da, &w.z));
  PetscCall(DMCreateGlobalVector(pde->da, &w.r));
  for (Kernel k = 0; k < KERNEL_N; k++) PetscCall(RunKernel(k, pde, &w, u)); /* pages touched once */
  for (Kernel k = 0; k < KERNEL_N; k++) {
    const PetscReal gbs = kernel_bytes[k] * b->N / 1e9;
    PetscCall(TimeKernel(b, k, pde, &w, u, &t));
    total += t;
    PetscCall(PdennBenchTableAdd(&b->table, "kernel", kernel_names[k], b->N, "bandwidth", gbs / t, "GB/s", ""));
    PetscCall(PdennBenchTableAdd(&b->table, "kernel", kernel_names[k], b->N, "STREAM fraction", b->bandwidth > 0 ? gbs / t / (b->bandwidth / 1e9) : PDENN_BENCH_NA, "", ""));
    PetscCall(PdennBenchTableAdd(&b->table, "kernel", kernel_names[k], b->N, "time per point", t / b->N * 1e9, "ns", ""));
  }
  PetscCall(PdennBenchTableAdd(&b->table, "kernel", "sum of the six passes (order 1)", b->N, "time per point", total / b->N * 1e9, "ns", "the unfused step; compare the fused one"));
  PetscCall(PdennBenchTableAdd(&b->table, "kernel", "sum of the six passes (order 1)", b->N, "throughput", b->N / total, "points/s", "the unfused step"));
  PetscCall(VecDestroy(&w.u_loc));
  PetscCall(VecDestroy(&w.z_loc));
  PetscCall(VecDestroy(&w.z));
  PetscCall(VecDestroy(&w.r));
  PetscCall(VecDestroy(&u));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}
