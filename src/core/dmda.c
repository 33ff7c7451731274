/* DMDAs for signals, images and volumes: ghosted physical boundaries so pdenn fills them itself
   (mirror for the reflecting boundary of docs/science.md §1, zero for zero-padded convolutions).
   Axes: x (width W, fastest), y (height H), z (depth D); natural index x + W (y + H z). */
#include <pdenn/core.h>

PetscErrorCode PdennDMDACreate1d(MPI_Comm comm, PetscInt N, PetscInt dof, PetscInt radius, DM *da)
{
  PetscMPIInt size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(N >= (PetscInt)size * PetscMax(radius, 1), comm, PDENN_ERR_INPUT, "key -N: %" PetscInt_FMT " grid points cannot be split over %d ranks with stencil radius %" PetscInt_FMT "; expected N >= ranks * radius", N, size, radius);
  PetscCall(DMDACreate1d(comm, DM_BOUNDARY_GHOSTED, N, dof, radius, NULL, da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(0);
}

/* Every rank must own at least `radius` points along each axis (and one point at all): the
   ghost exchange and the mirrored boundary read only the direct neighbour's points. Checked on
   the ownership ranges of a probe DMDA (stencil width 0, the same decomposition), because
   DMSetUp's own check fails on some ranks only and leaves the others waiting. */
static PetscErrorCode CheckBoxes(DM probe, PetscInt dim, const PetscInt M[3], PetscInt radius)
{
  static const char *const axis[3] = {"x", "y", "z"};
  const PetscInt          *l[3]    = {NULL, NULL, NULL};
  PetscInt                 p[3]    = {1, 1, 1};
  MPI_Comm                 comm    = PetscObjectComm((PetscObject)probe);

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(probe, NULL, NULL, NULL, NULL, &p[0], &p[1], &p[2], NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetOwnershipRanges(probe, &l[0], &l[1], &l[2]));
  for (PetscInt a = 0; a < dim; a++) {
    PetscInt ma = PETSC_MAX_INT;
    for (PetscInt r = 0; r < p[a]; r++) ma = PetscMin(ma, l[a][r]);
    PetscCheck(ma >= PetscMax(radius, 1), comm, PDENN_ERR_INPUT, "grid %" PetscInt_FMT " points along %s split over %" PetscInt_FMT " ranks (-da_processors_%s) leaves a rank %" PetscInt_FMT " points, fewer than the stencil radius %" PetscInt_FMT "; expected at least %" PetscInt_FMT " points per rank along each axis: fewer ranks, another -da_processors_x/y/z or a larger grid", M[a], axis[a], p[a], axis[a], ma, radius, PetscMax(radius, 1));
  }
  PetscFunctionReturn(0);
}

/* Refuses -da_processors_x/y/z that do not multiply to the rank count or exceed the grid, before
   DMSetUp would stop with a traceback. */
static PetscErrorCode CheckProcessors(MPI_Comm comm, PetscInt dim, const PetscInt M[3])
{
  static const char *const key[3] = {"-da_processors_x", "-da_processors_y", "-da_processors_z"};
  PetscInt                 p[3] = {1, 1, 1}, prod = 1;
  PetscBool                set[3] = {PETSC_FALSE, PETSC_FALSE, PETSC_FALSE}, all = PETSC_TRUE;
  PetscMPIInt              size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  for (PetscInt a = 0; a < dim; a++) {
    PetscCall(PetscOptionsGetInt(NULL, NULL, key[a], &p[a], &set[a]));
    PetscCheck(!set[a] || (p[a] >= 1 && p[a] <= M[a]), comm, PDENN_ERR_INPUT, "key %s: value %" PetscInt_FMT " is out of range; expected an integer in [1, %" PetscInt_FMT "] (the grid's points along that axis) whose product over the axes is the rank count %d", key[a], p[a], M[a], size);
    prod *= p[a];
    all = (PetscBool)(all && set[a]);
  }
  PetscCheck(!all || prod == size, comm, PDENN_ERR_INPUT, "keys -da_processors_x/y/z: the decomposition %" PetscInt_FMT " ranks does not fit the %d ranks of the run; expected their product to equal the rank count", prod, size);
  PetscCheck(prod <= size && size % prod == 0, comm, PDENN_ERR_INPUT, "keys -da_processors_x/y/z: %" PetscInt_FMT " ranks along the axes given do not divide the %d ranks of the run; expected a product that divides the rank count", prod, size);
  PetscFunctionReturn(0);
}

/* The DMDA with PETSc's decomposition (-da_processors_x/y/z honoured) or, given l, that one */
static PetscErrorCode CreateDA(MPI_Comm comm, PetscInt dim, const PetscInt M[3], PetscInt dof, PetscInt radius, const PetscInt p[3], const PetscInt *l[3], DM *da)
{
  const DMBoundaryType g = DM_BOUNDARY_GHOSTED;

  PetscFunctionBeginUser;
  if (dim == 2) PetscCall(DMDACreate2d(comm, g, g, DMDA_STENCIL_BOX, M[0], M[1], p[0], p[1], dof, radius, l[0], l[1], da));
  else PetscCall(DMDACreate3d(comm, g, g, g, DMDA_STENCIL_BOX, M[0], M[1], M[2], p[0], p[1], p[2], dof, radius, l[0], l[1], l[2], da));
  if (!l[0]) PetscCall(DMSetFromOptions(*da)); /* -da_processors_x/y/z */
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDMDACreate(MPI_Comm comm, PetscInt dim, const PetscInt M[3], PetscInt dof, PetscInt radius, DM *da)
{
  PetscInt        p[3] = {PETSC_DECIDE, PETSC_DECIDE, PETSC_DECIDE};
  const PetscInt *none[3] = {NULL, NULL, NULL}, *l[3];
  DM              probe;

  PetscFunctionBeginUser;
  if (dim == 1) {
    PetscCall(PdennDMDACreate1d(comm, M[0], dof, radius, da));
    PetscFunctionReturn(0);
  }
  PetscCheck(dim == 2 || dim == 3, comm, PDENN_ERR_INPUT, "key -dim: value %" PetscInt_FMT " is not supported; expected 1, 2 or 3", dim);
  PetscCall(CheckProcessors(comm, dim, M));
  PetscCall(CreateDA(comm, dim, M, 1, 0, p, none, &probe));
  PetscCall(CheckBoxes(probe, dim, M, radius));
  PetscCall(DMDAGetInfo(probe, NULL, NULL, NULL, NULL, &p[0], &p[1], &p[2], NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetOwnershipRanges(probe, &l[0], &l[1], &l[2]));
  PetscCall(CreateDA(comm, dim, M, dof, radius, p, l, da));
  PetscCall(DMDestroy(&probe));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDMDAGetOwnership(DM da, PetscInt *xs, PetscInt *xm, PetscBool *at_left, PetscBool *at_right)
{
  PetscInt s, m, M;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetCorners(da, &s, NULL, NULL, &m, NULL, NULL));
  PetscCall(DMDAGetInfo(da, NULL, &M, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (xs) *xs = s;
  if (xm) *xm = m;
  if (at_left) *at_left = (PetscBool)(s == 0);
  if (at_right) *at_right = (PetscBool)(s + m == M);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennDMDAGatherNatural(Vec v, PetscBool all_ranks, Vec *out)
{
  DM         da;
  Vec        nat;
  VecScatter sc;

  PetscFunctionBeginUser;
  PetscCall(VecGetDM(v, &da));
  PetscCall(DMDACreateNaturalVector(da, &nat));
  PetscCall(DMDAGlobalToNaturalBegin(da, v, INSERT_VALUES, nat));
  PetscCall(DMDAGlobalToNaturalEnd(da, v, INSERT_VALUES, nat));
  if (all_ranks) PetscCall(VecScatterCreateToAll(nat, &sc, out));
  else PetscCall(VecScatterCreateToZero(nat, &sc, out));
  PetscCall(VecScatterBegin(sc, nat, *out, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, nat, *out, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&nat));
  PetscFunctionReturn(0);
}
