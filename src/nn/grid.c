/* Signal grids of the networks: one DMDA per level (N/2^l points) with aligned ownership, so the
   U-net's strided convolutions (stride 2) are rank-local up to the usual ghost exchange. The
   coarsest level is split evenly and every finer level owns exactly twice as many points. */
#include <pdenn/nn.h>

static PetscErrorCode CoarsestSplit(MPI_Comm comm, PetscInt N, PetscInt levels, PetscInt radius, PetscInt **lx)
{
  PetscMPIInt size;
  PetscInt    n_coarse;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(N % (1 << (levels - 1)) == 0, comm, PDENN_ERR_INPUT, "key -N: %" PetscInt_FMT " points cannot be halved %" PetscInt_FMT " times (model levels); expected a multiple of %d", N, levels - 1, 1 << (levels - 1));
  n_coarse = N >> (levels - 1);
  PetscCheck(n_coarse >= (PetscInt)size * radius, comm, PDENN_ERR_INPUT, "key -N: the coarsest of %" PetscInt_FMT " levels has %" PetscInt_FMT " points, fewer than %d ranks times the kernel radius %" PetscInt_FMT "; use a larger N, fewer levels or fewer ranks", levels, n_coarse, size, radius);
  PetscCall(PetscMalloc1(size, lx));
  for (PetscMPIInt p = 0; p < size; p++) (*lx)[p] = n_coarse / size + ((n_coarse % size) > p); /* PETSc's default split */
  PetscFunctionReturn(0);
}

PetscErrorCode PdennNNGridCreate(MPI_Comm comm, PetscInt N, PetscInt levels, PetscInt radius, PetscInt channels, DM da1[], DM daM[])
{
  PetscMPIInt size;
  PetscInt   *lx;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(CoarsestSplit(comm, N, levels, radius, &lx));
  for (PetscInt l = levels - 1; l >= 0; l--) {
    if (l < levels - 1)
      for (PetscMPIInt p = 0; p < size; p++) lx[p] *= 2;
    if (da1) {
      PetscCall(DMDACreate1d(comm, DM_BOUNDARY_GHOSTED, N >> l, 1, radius, lx, &da1[l]));
      PetscCall(DMSetUp(da1[l]));
    }
    if (daM) {
      PetscCall(DMDACreate1d(comm, DM_BOUNDARY_GHOSTED, N >> l, channels, radius, lx, &daM[l]));
      PetscCall(DMSetUp(daM[l]));
    }
  }
  PetscCall(PetscFree(lx));
  PetscFunctionReturn(0);
}

/* Every coarser level halves every axis, (M - 1)/2 + 1 points (PdennDMDACreateCoarse), and needs
   at least max(radius, 1) points per rank along it: checked on the sizes before any coarse grid
   exists, so the error names the keys; the exact per-rank split is PdennDMDACreateCoarse's check. */
static PetscErrorCode CheckLevelsNd(DM fine, PetscInt levels, PetscInt radius)
{
  MPI_Comm comm;
  PetscInt dim, M[3], p[3];

  PetscFunctionBeginUser;
  PetscCall(PetscObjectGetComm((PetscObject)fine, &comm));
  PetscCall(DMDAGetInfo(fine, &dim, &M[0], &M[1], &M[2], &p[0], &p[1], &p[2], NULL, NULL, NULL, NULL, NULL, NULL));
  for (PetscInt a = 0; a < dim; a++) {
    const char axis = "xyz"[a];
    PetscInt   m    = M[a];
    for (PetscInt l = 1; l < levels; l++) {
      PetscCheck(m >= 2, comm, PDENN_ERR_INPUT, "keys -N%c, -levels: %" PetscInt_FMT " points along %c cannot be halved %" PetscInt_FMT " times (model levels %" PetscInt_FMT "): level %" PetscInt_FMT " has 1 point; expected fewer levels or a larger grid", axis, M[a], axis, levels - 1, levels, l - 1);
      m = (m - 1) / 2 + 1;
      PetscCheck(m >= p[a] * PetscMax(radius, 1), comm, PDENN_ERR_INPUT, "keys -N%c, -levels: %" PetscInt_FMT " points along %c halved %" PetscInt_FMT " times give %" PetscInt_FMT " points on level %" PetscInt_FMT " (of levels 0..%" PetscInt_FMT "), fewer than %" PetscInt_FMT " ranks along %c (-da_processors_%c) times the kernel radius %" PetscInt_FMT "; expected fewer levels, a larger grid or fewer ranks", axis, M[a], axis, l, m, l, levels - 1, p[a], axis, axis, PetscMax(radius, 1));
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennNNGridCreateNd(MPI_Comm comm, PetscInt dim, const PetscInt M[3], PetscInt levels, PetscInt radius, PetscInt channels, DM da1[], DM daM[])
{
  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate(comm, dim, M, 1, radius, &da1[0]));
  PetscCall(CheckLevelsNd(da1[0], levels, radius));
  PetscCall(PdennDMDACreate(comm, dim, M, channels, radius, &daM[0]));
  for (PetscInt l = 1; l < levels; l++) {
    PetscCall(PdennDMDACreateCoarse(da1[l - 1], 1, radius, &da1[l]));
    PetscCall(PdennDMDACreateCoarse(daM[l - 1], channels, radius, &daM[l]));
  }
  PetscFunctionReturn(0);
}
