/* images.png of an image experiment: for each of the first (at most 4) test images, one row of
   the ground truth, the input and every method's output (grey values: the test targets' range
   [min, max] -> black .. white), and below it a row of error maps |output - ground truth|
   (0 -> black, the largest error shown -> white). Cells are separated by 2 white pixels. Drawn
   on rank 0 through PdennImageWritePNG, so it needs no Python. */
#include "comparepriv.h"

#define GRID_SAMPLES 4
#define GRID_GAP 2

typedef struct {
  PetscInt   W, H, GW; /* cell and picture width, cell height */
  PetscReal *pix;      /* the picture in [0, 1], natural order */
} Grid;

/* Cell (row r, column c) from values v of one image mapped by (v - lo) / (hi - lo). */
static void PutCell(Grid *g, PetscInt r, PetscInt c, const PetscReal v[], PetscReal lo, PetscReal hi, PetscBool absolute)
{
  const PetscInt x0 = GRID_GAP + c * (g->W + GRID_GAP), y0 = GRID_GAP + r * (g->H + GRID_GAP);

  for (PetscInt y = 0; y < g->H; y++)
    for (PetscInt x = 0; x < g->W; x++) {
      const PetscReal a                   = absolute ? PetscAbsReal(v[x + g->W * y]) : v[x + g->W * y];
      g->pix[(x0 + x) + g->GW * (y0 + y)] = (a - lo) / (hi - lo);
    }
}

/* The largest |output - target| over the cells shown. */
static PetscReal MaxError(PdennCompare cmp, PetscInt S)
{
  PetscReal e = 0.0;

  for (PetscInt i = 0; i < cmp->nmethods; i++)
    for (PetscInt j = 0; j < S * cmp->N; j++) e = PetscMax(e, PetscAbsReal(cmp->methods[i].output[j] - cmp->test_target[j]));
  return e;
}

static PetscErrorCode Draw(PdennCompare cmp, const char path[])
{
  const PetscInt S = PetscMin(cmp->ntest, GRID_SAMPLES), C = 1 + cmp->nmethods, N = cmp->N;
  PetscInt       M[3];
  Grid           g;
  PetscReal     *err, emax = MaxError(cmp, S), lo = cmp->target_min, hi = cmp->target_max > lo ? cmp->target_max : lo + 1.0;
  DM             da;
  Vec            v;

  PetscFunctionBeginUser;
  g.W = cmp->pde->M[0], g.H = cmp->pde->M[1];
  M[0] = g.GW = C * g.W + (C + 1) * GRID_GAP;
  M[1]        = 2 * S * g.H + (2 * S + 1) * GRID_GAP;
  M[2]        = 1;
  PetscCall(PdennDMDACreate(PETSC_COMM_SELF, 2, M, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &v));
  PetscCall(VecSet(v, 1.0));
  PetscCall(VecGetArray(v, &g.pix)); /* one rank: the global order is the natural one */
  PetscCall(PetscMalloc1(N, &err));
  if (!(emax > 0.0)) emax = 1.0;
  for (PetscInt k = 0; k < S; k++) {
    PutCell(&g, 2 * k, 0, cmp->test_target + k * N, lo, hi, PETSC_FALSE);
    for (PetscInt i = 0; i < cmp->nmethods; i++) {
      const PetscReal *out = cmp->methods[i].output + k * N;
      PutCell(&g, 2 * k, 1 + i, out, lo, hi, PETSC_FALSE);
      for (PetscInt j = 0; j < N; j++) err[j] = out[j] - cmp->test_target[k * N + j];
      PutCell(&g, 2 * k + 1, 1 + i, err, 0.0, emax, PETSC_TRUE);
    }
  }
  PetscCall(PetscFree(err));
  PetscCall(VecRestoreArray(v, &g.pix));
  PetscCall(PdennImageWritePNG(v, "-compare_plots", path, 0.0, 1.0));
  PetscCall(VecDestroy(&v));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareWriteImageGrid(PdennCompare cmp)
{
  char           path[PETSC_MAX_PATH_LEN];
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  if (cmp->pde->dim != 2) PetscFunctionReturn(0);
  PetscCall(PdennComparePath(cmp, "images.png", path, sizeof(path)));
  if (!cmp->rank) ierr = Draw(cmp, path);
  PetscCallMPI(MPI_Bcast(&ierr, 1, MPI_INT, 0, cmp->comm));
  PetscCheck(!ierr, cmp->comm, PDENN_ERR_INPUT, "key -compare_output_dir: cannot write '%s'; expected a writable directory", path);
  PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: wrote %s (test images: ground truth | input | methods; error maps below)\n", path));
  PetscFunctionReturn(0);
}
