/* The fused isotropic explicit step out = alpha u - tau K^T Phi(K u) on 2D/3D DMDAs (docs/science.md,
   grid conventions): K the forward-difference gradient / h with the reflecting boundary, Phi(z) =
   g(|z|^2) z. One sweep over x-lines reading u in place and writing out; only a thin ring of ghost
   points goes through a scatter (no ghosted copy of u), so the step moves little more than the
   16 B per point of reading u and writing out (docs/performance.md). */
#include <pdenn/op.h>

/* Points of a line processed at a time: the chunk's gradient, |z|, g and fluxes (6 buffers of
   512 B) stay in L1 while they pass from one loop to the next. Measured at 4096^2 (2D, one rank,
   CPU time): 64 points 3.3 ns per point; 16-128 up to 10% slower, 256 15%, 512 20%, 2048 40%. */
#define PDENN_GRIDSTEP_CHUNK 64

struct _n_PdennGridStep {
  DM         da; /* borrowed */
  PetscInt   dim;
  PetscReal  ih;                     /* 1 / h */
  PetscBool  squared;                /* g from |z|^2 (PdennFluxDiffusivitySquared), not from |z| */
  PetscInt   xs, ys, zs, xm, ym, zm; /* owned box (2D: zs = 0, zm = 1) */
  PetscInt   zlo;                    /* first plane of lines: zs - 1 in 3D, zs in 2D */
  PetscInt   nz_ext;                 /* planes of the extended box: zm + 2 in 3D, 1 in 2D */
  PetscInt  *rowoff;                 /* ring offset of each extended row (y, z), x = xs-1 .. xe */
  Vec        ring, gring;            /* ring points of u and of a frozen g (sequential) */
  VecScatter scatter;                /* global vector -> ring */
  PetscReal *rowbuf;                 /* the rows' storage (row[0], row[1] swap places line by line) */
  PetscReal *row[4];                 /* rows (y, z), (y+1, z), (y, z+1) of u, and (y, z) of a frozen g: xm + 2 */
  PetscReal *gx, *gy, *gz, *s, *g;   /* chunk buffers: gradient, |z|, g; then fluxes in place */
  PetscReal *fx;                     /* F_x of the chunk, [0] the point before it: chunk + 1 */
  PetscReal *fy_line;                /* F_y of the line below, x = xs-1 .. xe-1, updated in place: xm + 1 */
  PetscReal *fz_plane;               /* F_z of the plane below, owned y, updated in place: ym (xm + 1) (3D) */
};

/* Extended row (y, z) -> its index; rows y = ys-1 .. ye, planes zlo .. zlo + nz_ext - 1. */
static inline PetscInt RowIndex(const struct _n_PdennGridStep *gs, PetscInt y, PetscInt z)
{
  return (z - gs->zlo) * (gs->ym + 2) + (y - gs->ys + 1);
}

static inline PetscBool RowOwned(const struct _n_PdennGridStep *gs, PetscInt y, PetscInt z)
{
  return (PetscBool)(y >= gs->ys && y < gs->ys + gs->ym && z >= gs->zs && z < gs->zs + gs->zm);
}

/* The ring: every point of the extended box [xs-1, xe] x [ys-1, ye] (x [zs-1, ze]) this rank does
   not own, as the local (ghosted) index of the point it takes its value from: itself, or for a
   physical ghost its mirror u(-1) = u(0), u(N) = u(N-1) (clamping at distance 1). */
static PetscErrorCode RingIndices(PdennGridStep gs, PetscInt *n, PetscInt **idx)
{
  PetscInt gxs, gys, gzs, gxm, gym, M[3], nrows = (gs->ym + 2) * gs->nz_ext, k = 0;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetGhostCorners(gs->da, &gxs, &gys, &gzs, &gxm, &gym, NULL));
  PetscCall(DMDAGetInfo(gs->da, NULL, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PetscMalloc1(nrows, &gs->rowoff));
  for (PetscInt r = 0; r < nrows; r++) {
    const PetscInt y = gs->ys - 1 + r % (gs->ym + 2), z = gs->zlo + r / (gs->ym + 2);
    gs->rowoff[r] = k;
    k += RowOwned(gs, y, z) ? 2 : gs->xm + 2;
  }
  PetscCall(PetscMalloc1(k, idx));
  *n = k;
  for (PetscInt r = 0; r < nrows; r++) {
    const PetscInt  y = gs->ys - 1 + r % (gs->ym + 2), z = gs->zlo + r / (gs->ym + 2);
    const PetscInt  yc = PetscClipInterval(y, 0, M[1] - 1), zc = gs->dim == 3 ? PetscClipInterval(z, 0, M[2] - 1) : 0;
    const PetscBool owned = RowOwned(gs, y, z);
    for (PetscInt j = 0; j < (owned ? 2 : gs->xm + 2); j++) {
      const PetscInt x = owned ? (j ? gs->xs + gs->xm : gs->xs - 1) : gs->xs - 1 + j, xc = PetscClipInterval(x, 0, M[0] - 1);
      (*idx)[gs->rowoff[r] + j] = (xc - gxs) + gxm * ((yc - gys) + gym * (zc - gzs));
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode RingSetUp(PdennGridStep gs)
{
  ISLocalToGlobalMapping ltog;
  PetscInt               n = 0, *idx = NULL;
  IS                     from;
  Vec                    u;

  PetscFunctionBeginUser;
  PetscCall(RingIndices(gs, &n, &idx));
  PetscCall(DMGetLocalToGlobalMapping(gs->da, &ltog));
  PetscCall(ISLocalToGlobalMappingApply(ltog, n, idx, idx));
  PetscCall(ISCreateGeneral(PETSC_COMM_SELF, n, idx, PETSC_OWN_POINTER, &from));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, &gs->ring));
  PetscCall(VecDuplicate(gs->ring, &gs->gring));
  PetscCall(DMGetGlobalVector(gs->da, &u));
  PetscCall(VecScatterCreate(u, from, gs->ring, NULL, &gs->scatter));
  PetscCall(DMRestoreGlobalVector(gs->da, &u));
  PetscCall(ISDestroy(&from));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridStepCreate(DM da, PetscReal h, PdennGridStep *gs)
{
  PdennGridStep   s;
  PetscInt        dof, sw, line, plane;
  DMDAStencilType st;
  MPI_Comm        comm = PetscObjectComm((PetscObject)da);

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&s));
  s->da = da;
  s->ih = 1.0 / h;
  PetscCall(DMDAGetInfo(da, &s->dim, NULL, NULL, NULL, NULL, NULL, NULL, &dof, &sw, NULL, NULL, NULL, &st));
  PetscCheck(s->dim == 2 || s->dim == 3, comm, PETSC_ERR_ARG_WRONG, "PdennGridStep: DMDA of dimension %" PetscInt_FMT "; expected 2 or 3", s->dim);
  PetscCheck(dof == 1 && sw >= 1 && st == DMDA_STENCIL_BOX, comm, PETSC_ERR_ARG_WRONG, "PdennGridStep: DMDA with dof %" PetscInt_FMT ", stencil width %" PetscInt_FMT "; expected dof 1 and a box stencil of width >= 1 (PdennDMDACreate)", dof, sw);
  PetscCheck(h > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "PdennGridStep: cell width h = %g; expected h > 0", (double)h);
  PetscCall(DMDAGetCorners(da, &s->xs, &s->ys, &s->zs, &s->xm, &s->ym, &s->zm));
  s->zlo    = s->dim == 3 ? s->zs - 1 : s->zs;
  s->nz_ext = s->dim == 3 ? s->zm + 2 : 1;
  PetscCall(RingSetUp(s));
  line  = s->xm + 2;
  plane = s->dim == 3 ? s->ym * line : 0;
  PetscCall(PetscMalloc4(4 * line, &s->rowbuf, 6 * PDENN_GRIDSTEP_CHUNK + 1, &s->gx, line, &s->fy_line, plane, &s->fz_plane));
  for (PetscInt k = 0; k < 4; k++) s->row[k] = s->rowbuf + k * line;
  s->gy = s->gx + PDENN_GRIDSTEP_CHUNK;
  s->gz = s->gx + 2 * PDENN_GRIDSTEP_CHUNK;
  s->s  = s->gx + 3 * PDENN_GRIDSTEP_CHUNK;
  s->g  = s->gx + 4 * PDENN_GRIDSTEP_CHUNK;
  s->fx = s->gx + 5 * PDENN_GRIDSTEP_CHUNK;
  *gs   = s;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridStepSetDiffusivitySquared(PdennGridStep gs, PetscBool squared)
{
  PetscFunctionBeginUser;
  gs->squared = squared;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridStepDestroy(PdennGridStep *gs)
{
  PetscFunctionBeginUser;
  if (!*gs) PetscFunctionReturn(0);
  PetscCall(VecScatterDestroy(&(*gs)->scatter));
  PetscCall(VecDestroy(&(*gs)->ring));
  PetscCall(VecDestroy(&(*gs)->gring));
  PetscCall(PetscFree((*gs)->rowoff));
  PetscCall(PetscFree4((*gs)->rowbuf, (*gs)->gx, (*gs)->fy_line, (*gs)->fz_plane));
  PetscCall(PetscFree(*gs));
  PetscFunctionReturn(0);
}

/* row[0 .. xm+1] = values at x = xs-1 .. xe of row (y, z): owned ones in place from `owned`, the
   others from the ring */
static void FillRow(const struct _n_PdennGridStep *gs, const PetscReal *owned, const PetscReal *ring, PetscInt y, PetscInt z, PetscReal *row)
{
  const PetscReal *r = ring + gs->rowoff[RowIndex(gs, y, z)];

  if (!RowOwned(gs, y, z)) {
    PetscArraycpy(row, r, gs->xm + 2);
    return;
  }
  row[0] = r[0];
  PetscArraycpy(row + 1, owned + ((z - gs->zs) * gs->ym + (y - gs->ys)) * gs->xm, gs->xm);
  row[gs->xm + 1] = r[1];
}

/* Gradient and s2 = |z|^2 on n points: c the row itself (n + 1 values, x + 1 read), up_y the row
   y + 1 and, in 3D, up_z the row z + 1 (NULL in 2D). */
static void Gradient(PetscInt n, PetscReal ih, const PetscReal *restrict c, const PetscReal *restrict up_y, const PetscReal *restrict up_z, PetscReal *restrict gx, PetscReal *restrict gy, PetscReal *restrict gz, PetscReal *restrict s2)
{
  if (up_z)
    for (PetscInt i = 0; i < n; i++) {
      gx[i] = (c[i + 1] - c[i]) * ih;
      gy[i] = (up_y[i] - c[i]) * ih;
      gz[i] = (up_z[i] - c[i]) * ih;
      s2[i] = gx[i] * gx[i] + gy[i] * gy[i] + gz[i] * gz[i];
    }
  else
    for (PetscInt i = 0; i < n; i++) {
      gx[i] = (c[i + 1] - c[i]) * ih;
      gy[i] = (up_y[i] - c[i]) * ih;
      s2[i] = gx[i] * gx[i] + gy[i] * gy[i];
    }
}

/* F_x = g z_x into fx[1 + i] (fx[0] is the point before the chunk) */
static void FluxX(PetscInt n, const PetscReal *restrict g, const PetscReal *restrict gx, PetscReal *restrict fx)
{
  for (PetscInt i = 0; i < n; i++) fx[i + 1] = g[i] * gx[i];
}

/* At points i = i0 .. n-1 of a chunk: F_y = g z_y, F_z = g z_z and, if out != NULL (an owned line;
   out[-1] is point 0), out[i - 1] = alpha u[i] - tau/h sum_c (F_c(p - e_c) - F_c(p)) with fx[i],
   fx[i + 1] the x-fluxes of points i - 1 and i; fy_below, fz_below hold the fluxes of the line and
   the plane below and receive this line's (fz_below NULL: 2D, or not needed). */
static void Update(PetscInt i0, PetscInt n, PetscReal alpha, PetscReal taui, const PetscReal *restrict u, const PetscReal *restrict g, const PetscReal *restrict fx, const PetscReal *restrict gy, const PetscReal *restrict gz, PetscReal *restrict fy_below, PetscReal *restrict fz_below, PetscReal *restrict out)
{
  if (out && fz_below)
    for (PetscInt i = i0; i < n; i++) {
      const PetscReal fy = g[i] * gy[i], fz = g[i] * gz[i];
      out[i - 1]  = alpha * u[i] - taui * ((fx[i] - fx[i + 1]) + (fy_below[i] - fy) + (fz_below[i] - fz));
      fy_below[i] = fy;
      fz_below[i] = fz;
    }
  else if (out)
    for (PetscInt i = i0; i < n; i++) {
      const PetscReal fy = g[i] * gy[i];
      out[i - 1]         = alpha * u[i] - taui * ((fx[i] - fx[i + 1]) + (fy_below[i] - fy));
      fy_below[i]        = fy;
    }
  else {
    for (PetscInt i = i0; i < n; i++) fy_below[i] = g[i] * gy[i];
    if (fz_below)
      for (PetscInt i = i0; i < n; i++) fz_below[i] = g[i] * gz[i];
  }
}

typedef struct {
  const PetscReal *u, *ur, *g, *gr; /* owned arrays and rings of u and of the frozen g (or NULL) */
  PetscReal       *out;
  PdennFlux        flux;
  PetscReal        alpha, taui;
} SweepArgs;

/* Points j0 .. j0+n-1 of line (y, z) (j = x - xs + 1): gradient, g and fluxes, then, if out != NULL
   (an owned line, out at point 0), the update; the fluxes then replace those of the line and the
   plane below (fz_plane NULL: not needed, below the box in y or 2D). */
static PetscErrorCode Chunk(PdennGridStep gs, const SweepArgs *a, PetscInt j0, PetscInt n, PetscReal *fz_plane, PetscReal *out)
{
  PetscReal *gz = gs->dim == 3 ? gs->gz : NULL, *g = a->g ? gs->row[3] + j0 : gs->g;

  PetscFunctionBeginUser;
  Gradient(n, gs->ih, gs->row[0] + j0, gs->row[1] + j0, gz ? gs->row[2] + j0 : NULL, gs->gx, gs->gy, gz, gs->s);
  if (!a->g && gs->squared)
    PetscCall(PdennFluxDiffusivitySquared(a->flux, n, gs->s, gs->g));
  else if (!a->g) {
    for (PetscInt i = 0; i < n; i++) gs->s[i] = PetscSqrtReal(gs->s[i]); /* vectorised: -fno-math-errno */
    PetscCall(PdennFluxDiffusivity(a->flux, n, gs->s, gs->g));
  }
  FluxX(n, g, gs->gx, gs->fx);
  Update(j0 ? 0 : 1, n, a->alpha, a->taui, gs->row[0] + j0, g, gs->fx, gs->gy, gz, gs->fy_line + j0, fz_plane ? fz_plane + j0 : NULL, out ? out + j0 : NULL);
  gs->fx[0] = gs->fx[n]; /* the next chunk's point before */
  PetscFunctionReturn(0);
}

/* Line (y, z): fluxes at x = xs-1 .. xe-1, each from its full gradient vector, and on an owned line
   the update. row[0] holds row (y, z) on entry. */
static PetscErrorCode Line(PdennGridStep gs, const SweepArgs *a, PetscInt y, PetscInt z)
{
  const PetscInt n        = gs->xm + 1;
  PetscReal     *fz_plane = gs->dim == 3 && y >= gs->ys ? gs->fz_plane + (y - gs->ys) * n : NULL;
  PetscReal     *out      = RowOwned(gs, y, z) ? a->out + ((z - gs->zs) * gs->ym + (y - gs->ys)) * gs->xm : NULL;

  PetscFunctionBeginUser;
  FillRow(gs, a->u, a->ur, y + 1, z, gs->row[1]);
  if (gs->dim == 3) FillRow(gs, a->u, a->ur, y, z + 1, gs->row[2]);
  if (a->g) FillRow(gs, a->g, a->gr, y, z, gs->row[3]);
  for (PetscInt j0 = 0; j0 < n; j0 += PDENN_GRIDSTEP_CHUNK) PetscCall(Chunk(gs, a, j0, PetscMin(PDENN_GRIDSTEP_CHUNK, n - j0), fz_plane, out));
  PetscFunctionReturn(0);
}

static PetscErrorCode Sweep(PdennGridStep gs, const SweepArgs *a)
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < 2; k++) gs->row[k] = gs->rowbuf + k * (gs->xm + 2);
  for (PetscInt z = gs->zlo; z < gs->zs + gs->zm; z++) {
    /* below the box in z only the z-fluxes of owned lines are needed */
    const PetscInt y0 = z < gs->zs ? gs->ys : gs->ys - 1;
    FillRow(gs, a->u, a->ur, y0, z, gs->row[0]);
    for (PetscInt y = y0; y < gs->ys + gs->ym; y++) {
      PetscReal *t = gs->row[0];
      PetscCall(Line(gs, a, y, z));
      gs->row[0] = gs->row[1]; /* row y + 1 is the next line's own row */
      gs->row[1] = t;
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridStepApply(PdennGridStep gs, PdennFlux flux, Vec gfrozen, PetscReal alpha, PetscReal tau, Vec u, Vec out)
{
  SweepArgs a = {.flux = flux, .alpha = alpha, .taui = tau * gs->ih};

  PetscFunctionBeginUser;
  PetscCall(VecScatterBegin(gs->scatter, u, gs->ring, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(gs->scatter, u, gs->ring, INSERT_VALUES, SCATTER_FORWARD));
  if (gfrozen) {
    PetscCall(VecScatterBegin(gs->scatter, gfrozen, gs->gring, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecScatterEnd(gs->scatter, gfrozen, gs->gring, INSERT_VALUES, SCATTER_FORWARD));
    PetscCall(VecGetArrayRead(gfrozen, &a.g));
    PetscCall(VecGetArrayRead(gs->gring, &a.gr));
  }
  PetscCall(VecGetArrayRead(gs->ring, &a.ur));
  /* out may be u: every row is read (into row buffers) before its out row is written */
  if (out == u)
    PetscCall(VecGetArray(out, &a.out));
  else {
    PetscCall(VecGetArrayRead(u, &a.u));
    PetscCall(VecGetArrayWrite(out, &a.out));
  }
  if (out == u) a.u = a.out;
  PetscCall(Sweep(gs, &a));
  if (out == u)
    PetscCall(VecRestoreArray(out, &a.out));
  else {
    PetscCall(VecRestoreArrayRead(u, &a.u));
    PetscCall(VecRestoreArrayWrite(out, &a.out));
  }
  PetscCall(VecRestoreArrayRead(gs->ring, &a.ur));
  if (gfrozen) {
    PetscCall(VecRestoreArrayRead(gfrozen, &a.g));
    PetscCall(VecRestoreArrayRead(gs->gring, &a.gr));
  }
  PetscFunctionReturn(0);
}
