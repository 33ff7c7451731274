/* Helpers shared by the tests of the implicit schemes: rank-independent test signals, a problem
   set up in code, relative differences. */
#pragma once
#include <pdenn/pdenn.h>
#include "pdenn_test.h"

/* x_i = sin(a i) + b cos(0.37 i^2): smooth for b = 0, rough (noise-like) for b > 0; a function
   of the global index only, so every rank layout sees the same signal. */
static inline PetscErrorCode TestFillSignal(DM da, Vec x, PetscReal a, PetscReal b)
{
  PetscInt   xs, xm;
  PetscReal *xa;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDAGetOwnership(da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt i = 0; i < xm; i++) xa[i] = PetscSinReal(a * (xs + i)) + b * PetscCosReal(0.37 * (xs + i) * (xs + i));
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

static inline PetscErrorCode TestCreateProblem(MPI_Comm comm, PetscInt N, PetscInt order, PetscReal h, PdennFluxType flux, PetscReal lambda, PdennDiffusion *pde)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionCreate(comm, pde));
  (*pde)->N           = N;
  (*pde)->order       = order;
  (*pde)->h           = h;
  (*pde)->flux.type   = flux;
  (*pde)->flux.lambda = lambda;
  PetscCall(PdennDiffusionSetUp(*pde));
  PetscFunctionReturn(0);
}

/* A solver for `method` on pde, configured from the options database and then by the caller. */
static inline PetscErrorCode TestCreateSolver(PdennDiffusion pde, PdennMethod method, PetscReal t_stop, PetscReal tau, PdennSolver *s)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSolverCreate(pde, s));
  PetscCall(PdennSolverSetFromOptions(*s));
  (*s)->method        = method;
  (*s)->t_stop        = t_stop;
  (*s)->tau           = tau;
  (*s)->monitor_every = -1;
  if (method == PDENN_METHOD_SEMI_IMPLICIT) PetscCall(PdennSolverSetFromOptions_SemiImplicit(*s));
  if (method == PDENN_METHOD_IMPLICIT_NEWTON) PetscCall(PdennSolverSetFromOptions_ImplicitNewton(*s));
  PetscFunctionReturn(0);
}

/* Sets a KSP to a direct LU solve (exact to rounding: isolates the scheme from the solver);
   MUMPS on several ranks, where PETSc's own LU does not run. */
static inline PetscErrorCode TestKSPDirect(KSP ksp)
{
  PC          pc;
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(PetscObjectComm((PetscObject)ksp), &size));
  PetscCall(KSPSetType(ksp, KSPPREONLY));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCLU));
  if (size > 1) PetscCall(PCFactorSetMatSolverType(pc, MATSOLVERMUMPS));
  PetscFunctionReturn(0);
}
