/* The target of each input, by task (-compare_task):
   denoise         the clean signal;
   diffusion       the input diffused to t_stop by the explicit scheme with tau = tau_max/refine,
                   an accurate approximation of the semi-discrete solution (docs/science.md §1-2) that
                   every classical method and network is measured against (claim 3);
   implicit_solve  u solving (I + tau K^T G(f) K) u = f with tau = t_stop and G = g((K f)^2), one
                   semi-implicit step (docs/science.md §4), solved by KSP to a tight tolerance: what the
                   U-nets learn and multigrid solves (claim 2).
   Targets are independent per sample, so each rank makes whole samples on its own copy of the
   problem (pde_self, PETSC_COMM_SELF): no communication per time step. The explicit steps are
   pointwise, hence bitwise the same on any layout; the KSP targets differ by rounding only. */
#include "comparepriv.h"

static PetscErrorCode ReferenceSolverSetUp(PdennCompare cmp)
{
  PetscReal tau_max;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionTauMax(cmp->pde_self, &tau_max));
  PetscCall(PdennSolverCreate(cmp->pde_self, &cmp->reference));
  cmp->reference->method        = PDENN_METHOD_EXPLICIT;
  cmp->reference->t_stop        = cmp->base->t_stop;
  cmp->reference->tau           = tau_max / cmp->reference_refine;
  cmp->reference->monitor_every = -1;
  PetscFunctionReturn(0);
}

static PetscErrorCode ImplicitSolverSetUp(PdennCompare cmp)
{
  PC pc;

  PetscFunctionBeginUser;
  PetscCall(DMCreateMatrix(cmp->pde_self->da, &cmp->A));
  PetscCall(MatSetOption(cmp->A, MAT_SPD, PETSC_TRUE));
  PetscCall(DMCreateGlobalVector(cmp->pde_self->da, &cmp->w));
  PetscCall(KSPCreate(PETSC_COMM_SELF, &cmp->ksp));
  PetscCall(KSPSetOptionsPrefix(cmp->ksp, "compare_reference_"));
  PetscCall(KSPSetType(cmp->ksp, KSPCG));
  PetscCall(KSPGetPC(cmp->ksp, &pc));
  PetscCall(PCSetType(pc, PCJACOBI));
  /* the targets must be far more accurate than any method measured against them */
  PetscCall(KSPSetTolerances(cmp->ksp, 1e-13, 1e-50, PETSC_DEFAULT, 100000));
  PetscCall(KSPSetFromOptions(cmp->ksp));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareTaskSetUp(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionCreate(PETSC_COMM_SELF, &cmp->pde_self));
  PetscCall(PdennDiffusionSetFromOptions(cmp->pde_self));
  PetscCall(PdennDiffusionSetUp(cmp->pde_self));
  if (cmp->task == PDENN_TASK_DIFFUSION) PetscCall(ReferenceSolverSetUp(cmp));
  if (cmp->task == PDENN_TASK_IMPLICIT_SOLVE) PetscCall(ImplicitSolverSetUp(cmp));
  PetscFunctionReturn(0);
}

static PetscErrorCode ImplicitTarget(PdennCompare cmp, Vec f, Vec u)
{
  KSPConvergedReason reason;

  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionDiffusivity(cmp->pde_self, f, cmp->w));
  PetscCall(PdennDiffusionImplicitMatrix(cmp->pde_self, cmp->base->t_stop, cmp->w, cmp->A));
  PetscCall(KSPSetOperators(cmp->ksp, cmp->A, cmp->A));
  PetscCall(KSPSolve(cmp->ksp, f, u));
  PetscCall(KSPGetConvergedReason(cmp->ksp, &reason));
  PetscCheck(reason > 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "implicit_solve targets: the reference linear solve did not converge (%s); check -compare_reference_ksp_type, -compare_reference_pc_type, -compare_reference_ksp_max_it", KSPConvergedReasons[reason]);
  PetscFunctionReturn(0);
}

/* Vecs on pde_self's DMDA (this rank alone) */
PetscErrorCode PdennCompareTarget(PdennCompare cmp, Vec clean, Vec input, Vec target)
{
  PetscFunctionBeginUser;
  switch (cmp->task) {
  case PDENN_TASK_DENOISE: PetscCall(VecCopy(clean, target)); break;
  case PDENN_TASK_DIFFUSION:
    PetscCall(VecCopy(input, target));
    PetscCall(PdennSolverSolve(cmp->reference, target));
    break;
  case PDENN_TASK_IMPLICIT_SOLVE: PetscCall(ImplicitTarget(cmp, input, target)); break;
  default: SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "unknown task %d", (int)cmp->task);
  }
  PetscFunctionReturn(0);
}
