/* The coarse grid of the stride-2 convolution in d = 2, 3 (docs/networks.md, "Layers in d
   dimensions"): coarse point P sits on fine point 2P, (M - 1)/2 + 1 points per axis, and each rank
   owns the coarse points of its fine box, so the restriction's stencil stays in its ghost region. */
#include <pdenn/op.h>

/* Coarse ownership along one axis: fine [s, e) -> coarse [ceil(s/2), ceil(e/2)), into lc if not
   NULL; returns the fewest coarse points a rank gets. Every rank computes every rank's share, so a
   check on it is collective without a reduction. */
static PetscInt CoarseRanges(PetscInt p, const PetscInt lf[], PetscInt lc[])
{
  PetscInt s = 0, fewest = PETSC_MAX_INT;

  for (PetscInt k = 0; k < p; k++) {
    const PetscInt e = s + lf[k], n = (e + 1) / 2 - (s + 1) / 2;
    if (lc) lc[k] = n;
    fewest = PetscMin(fewest, n);
    s      = e;
  }
  return fewest;
}

PetscErrorCode PdennDMDACreateCoarse(DM fine, PetscInt dof, PetscInt radius, DM *coarse)
{
  static const char *const name[3] = {"x", "y", "z"};
  const DMBoundaryType     g       = DM_BOUNDARY_GHOSTED;
  MPI_Comm                 comm;
  PetscInt                 dim, M[3], Mc[3] = {1, 1, 1}, p[3] = {1, 1, 1}, *lc[3] = {NULL, NULL, NULL};
  const PetscInt          *lf[3];

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)fine, &comm));
  PetscCall(DMDAGetInfo(fine, &dim, &M[0], &M[1], &M[2], &p[0], &p[1], &p[2], NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dim == 2 || dim == 3, comm, PETSC_ERR_ARG_WRONG, "coarse grids of the d-dimensional convolution: the fine DMDA has dimension %" PetscInt_FMT "; expected 2 or 3", dim);
  PetscCall(DMDAGetOwnershipRanges(fine, &lf[0], &lf[1], &lf[2]));
  for (PetscInt a = 0; a < dim; a++) {
    const PetscInt fewest = CoarseRanges(p[a], lf[a], NULL);
    PetscCheck(fewest >= PetscMax(radius, 1), comm, PDENN_ERR_INPUT, "grid of %" PetscInt_FMT " points along %s over %" PetscInt_FMT " ranks (-da_processors_%s): coarsened by 2 a rank owns %" PetscInt_FMT " points, fewer than the stencil radius %" PetscInt_FMT "; expected at least %" PetscInt_FMT " coarse points per rank: a larger grid or fewer ranks along %s", M[a], name[a], p[a], name[a], fewest, radius, PetscMax(radius, 1), name[a]);
  }
  for (PetscInt a = 0; a < dim; a++) {
    Mc[a] = (M[a] - 1) / 2 + 1;
    PetscCall(PetscMalloc1(p[a], &lc[a]));
    CoarseRanges(p[a], lf[a], lc[a]);
  }
  if (dim == 2)
    PetscCall(DMDACreate2d(comm, g, g, DMDA_STENCIL_BOX, Mc[0], Mc[1], p[0], p[1], dof, radius, lc[0], lc[1], coarse));
  else
    PetscCall(DMDACreate3d(comm, g, g, g, DMDA_STENCIL_BOX, Mc[0], Mc[1], Mc[2], p[0], p[1], p[2], dof, radius, lc[0], lc[1], lc[2], coarse));
  PetscCall(DMSetUp(*coarse));
  for (PetscInt a = 0; a < dim; a++) PetscCall(PetscFree(lc[a]));
  PetscFunctionReturn(0);
}
