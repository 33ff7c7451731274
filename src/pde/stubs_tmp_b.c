/* TEMPORARY: deleted when semi_implicit.c and implicit_newton.c land. */
#include <pdenn/pde.h>
PetscErrorCode PdennSolverRun_SemiImplicit(PdennSolver s, Vec u) { (void)u; SETERRQ(s->pde->comm, PETSC_ERR_SUP, "not yet"); }
PetscErrorCode PdennSolverRun_ImplicitNewton(PdennSolver s, Vec u) { (void)u; SETERRQ(s->pde->comm, PETSC_ERR_SUP, "not yet"); }
PetscErrorCode PdennSolverSetFromOptions_SemiImplicit(PdennSolver s) { (void)s; return 0; }
PetscErrorCode PdennSolverSetFromOptions_ImplicitNewton(PdennSolver s) { (void)s; return 0; }
