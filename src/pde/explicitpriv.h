/* Private to the explicit-type solvers of src/pde (explicit.c, fed.c, fsi.c,
   implicit_fixed_point.c): the step-size rules they share, so that each is written once. */
#pragma once
#include <pdenn/pde.h>

/* ---- explicit.c ---- */
/* The step size of an explicit-type method: solver->tau, or the stability limit tau_max of
   PdennDiffusionTauMax when -tau is 0. Above the limit: a PDENN_ERR_INPUT naming -tau, the value
   and the limit, or with -allow_unstable a WARNING line and info.unstable_tau set. */
PetscErrorCode PdennSolverGetExplicitTau(PdennSolver solver, PetscReal *tau, PetscReal *tau_max);
/* Uniform steps of size tau up to t_stop: n steps, the last one (of size tau_last) shortened so
   that they end exactly at t_stop. n = 0 for t_stop = 0. Collective (comm: for the error). */
PetscErrorCode PdennUniformSteps(MPI_Comm comm, PetscReal t_stop, PetscReal tau, PetscInt *n, PetscReal *tau_last);

/* ---- fed.c ---- */
/* Cycles shared by FED and FSI (docs/science.md §3): M cycles (solver->cycles, or automatic when 0) of
   n steps each, and the scaled base step tau_cycle <= tau_max with which M cycles of length
   tau_cycle (n^2+n)/3 end exactly at t_stop. M = 0 for t_stop = 0. */
PetscErrorCode PdennSolverCycleLayout(PdennSolver solver, PetscReal tau_max, PetscInt *cycles, PetscInt *n, PetscReal *tau_cycle);
