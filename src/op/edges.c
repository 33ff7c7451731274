/* Ghosts of the rank's two edges only: the convolution kernels read ghosts only within r points
   of the rank's ends, so the owned points can be read in place from the global vector and only
   2r points each side go through small buffers (neighbours' points by MPI, physical ghosts
   filled as in PdennConv1dFillGhosts) -- no copy of the whole vector as DMGlobalToLocal makes. */
#include <pdenn/op.h>

/* tag of the neighbour exchange of the r edge points */
#define PDENN_EDGES_TAG 7194

PetscErrorCode PdennEdgeHaloCreate(DM da, PetscInt r, PdennEdgeHalo *h, PetscBool *usable)
{
  PetscInt    xs, sw;
  PetscMPIInt ok;
  MPI_Comm    comm;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(h, sizeof(*h)));
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &h->c, &sw, NULL, NULL, NULL, NULL));
  PetscCheck(sw >= r, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA ghost width %" PetscInt_FMT " is below the kernel radius %" PetscInt_FMT, sw, r);
  PetscCall(PdennDMDAGetOwnership(da, &xs, &h->n, &h->at_left, &h->at_right));
  h->r  = r;
  h->da = da;
  ok    = (PetscMPIInt)(r > 0 && h->n >= 2 * r); /* every rank must take the same path */
  PetscCall(PetscObjectGetComm((PetscObject)da, &comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ok, 1, MPI_INT, MPI_MIN, comm));
  *usable = (PetscBool)ok;
  if (ok) PetscCall(PetscMalloc2(4 * r * h->c, &h->left, 4 * r * h->c, &h->right));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennEdgeHaloDestroy(PdennEdgeHalo *h)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree2(h->left, h->right));
  PetscFunctionReturn(0);
}

/* left buffer: points [-r, 3r), right buffer: [n - 3r, n + r); the block pointers below point at
   points 0 and n - 2r, each valid on [-r, 3r) relative to itself */
PetscErrorCode PdennEdgeHaloFill(PdennEdgeHalo *h, const PetscReal *owned, PdennBoundary bc)
{
  const PetscInt r = h->r, c = h->c, n = h->n, m = r * c;
  PetscReal     *a = h->left + m, *b = h->right + m; /* points 0 and n - 2r */
  MPI_Comm       comm;
  PetscMPIInt    rank, left, right, cnt;

  PetscFunctionBeginUser;
  PetscCall(PetscArraycpy(a, owned, 2 * m));
  PetscCall(PetscArraycpy(b, owned + (n - 2 * r) * c, 2 * m));
  PetscCall(PetscObjectGetComm((PetscObject)h->da, &comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMPIIntCast(m, &cnt));
  left  = h->at_left ? MPI_PROC_NULL : rank - 1; /* a 1D DMDA orders its ranks left to right */
  right = h->at_right ? MPI_PROC_NULL : rank + 1;
  PetscCallMPI(MPI_Sendrecv(a, cnt, MPIU_REAL, left, PDENN_EDGES_TAG, b + 2 * m, cnt, MPIU_REAL, right, PDENN_EDGES_TAG, comm, MPI_STATUS_IGNORE));
  PetscCallMPI(MPI_Sendrecv(b + m, cnt, MPIU_REAL, right, PDENN_EDGES_TAG, a - m, cnt, MPIU_REAL, left, PDENN_EDGES_TAG, comm, MPI_STATUS_IGNORE));
  PetscCall(PdennConv1dFillGhosts(bc, 2 * r, r, c, h->at_left, PETSC_FALSE, a));
  PetscCall(PdennConv1dFillGhosts(bc, 2 * r, r, c, PETSC_FALSE, h->at_right, b));
  PetscFunctionReturn(0);
}

void PdennEdgeHaloPieces(const PdennEdgeHalo *h, const PetscReal *owned, PdennEdgePiece p[3], PetscInt *np)
{
  const PetscInt r = h->r, c = h->c, n = h->n;
  PetscInt       k = 0;

  p[k++] = (PdennEdgePiece){h->left + r * c, 0, r, h->at_left, PETSC_FALSE};
  if (n > 2 * r) p[k++] = (PdennEdgePiece){owned + r * c, r, n - 2 * r, PETSC_FALSE, PETSC_FALSE};
  p[k++] = (PdennEdgePiece){h->right + 2 * r * c, n - r, r, PETSC_FALSE, h->at_right};
  *np    = k;
}
