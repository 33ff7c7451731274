/* TEMPORARY: deleted when explicit.c, fed.c, fsi.c, implicit_fixed_point.c land. */
#include <pdenn/pde.h>
PetscErrorCode PdennSolverRun_Explicit(PdennSolver s, Vec u) { (void)u; SETERRQ(s->pde->comm, PETSC_ERR_SUP, "not yet"); }
PetscErrorCode PdennSolverRun_FED(PdennSolver s, Vec u) { (void)u; SETERRQ(s->pde->comm, PETSC_ERR_SUP, "not yet"); }
PetscErrorCode PdennSolverRun_FSI(PdennSolver s, Vec u) { (void)u; SETERRQ(s->pde->comm, PETSC_ERR_SUP, "not yet"); }
PetscErrorCode PdennSolverRun_ImplicitFixedPoint(PdennSolver s, Vec u) { (void)u; SETERRQ(s->pde->comm, PETSC_ERR_SUP, "not yet"); }
