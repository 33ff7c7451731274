/* The operator K of the d-dimensional diffusion problem (docs/science.md, "Images and volumes") on
   a DMDA of dimension 2 or 3: the forward-difference gradient (d components, order 1) or the
   (2d+1)-point Laplacian (order 2) with the reflecting boundary, its exact adjoint, the isotropic
   flux Phi(z) = g(|z|^2) z on the gradient vector, and the step alpha u - tau K^T Phi(K u) that
   every explicit-type method and the residual of the implicit ones use. Ghosts come from
   DMGlobalToLocal; physical ghosts are filled here (mirror for u, zero or mirror for Phi). */
#include <pdenn/op.h>

/* Index arithmetic of a rank's owned box inside its ghosted box. */
static void GridBox(const PdennGridOp *op, PetscInt s[3], PetscInt m[3], PetscInt gs[3], PetscInt gm[3])
{
  PetscCallAbort(PETSC_COMM_SELF, DMDAGetCorners(op->da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  PetscCallAbort(PETSC_COMM_SELF, DMDAGetGhostCorners(op->da, &gs[0], &gs[1], &gs[2], &gm[0], &gm[1], &gm[2]));
  for (PetscInt a = op->dim; a < 3; a++) s[a] = gs[a] = 0, m[a] = gm[a] = 1;
}

static inline PetscInt Mirror(PetscInt x, PetscInt M)
{
  return x < 0 ? -1 - x : (x >= M ? 2 * M - 1 - x : x);
}

/* Physical ghosts of a ghosted local array with dof values per point: the half-sample mirror
   (u(-1-k) = u(k), u(M+k) = u(M-1-k) along each axis; corners mirror along every axis they leave)
   or zero. The mirrored points lie inside the grid, in this rank's ghosted box. */
static void FillGhostPoint(const PdennGridOp *op, const PetscInt gs[3], const PetscInt gm[3], PetscInt dof, PdennBoundary bc, PetscInt x, PetscInt y, PetscInt z, PetscReal *a)
{
  const PetscInt i = (x - gs[0]) + gm[0] * ((y - gs[1]) + gm[1] * (z - gs[2]));
  const PetscInt j = (Mirror(x, op->M[0]) - gs[0]) + gm[0] * ((Mirror(y, op->M[1]) - gs[1]) + gm[1] * (Mirror(z, op->M[2]) - gs[2]));

  for (PetscInt c = 0; c < dof; c++) a[i * dof + c] = bc == PDENN_BC_ZERO ? 0.0 : a[j * dof + c];
}

static void FillPhysicalGhosts(const PdennGridOp *op, PetscInt dof, PdennBoundary bc, PetscReal *a)
{
  PetscInt s[3], m[3], gs[3], gm[3];

  GridBox(op, s, m, gs, gm);
  for (PetscInt z = gs[2]; z < gs[2] + gm[2]; z++)
    for (PetscInt y = gs[1]; y < gs[1] + gm[1]; y++) {
      const PetscInt xe = gs[0] + gm[0];

      if (y < 0 || y >= op->M[1] || z < 0 || z >= op->M[2]) { /* a whole row outside the grid */
        for (PetscInt x = gs[0]; x < xe; x++) FillGhostPoint(op, gs, gm, dof, bc, x, y, z, a);
        continue;
      }
      for (PetscInt x = gs[0]; x < PetscMin(0, xe); x++) FillGhostPoint(op, gs, gm, dof, bc, x, y, z, a);
      for (PetscInt x = PetscMax(op->M[0], gs[0]); x < xe; x++) FillGhostPoint(op, gs, gm, dof, bc, x, y, z, a);
    }
}

PetscErrorCode PdennGridOpSetUp(PdennGridOp *op, DM da, PetscInt order, PetscReal h)
{
  PetscInt n;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(op, sizeof(*op)));
  PetscCall(PetscObjectReference((PetscObject)da));
  op->da    = da;
  op->order = order;
  op->h     = h;
  PetscCall(DMDAGetInfo(da, &op->dim, &op->M[0], &op->M[1], &op->M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  for (PetscInt a = op->dim; a < 3; a++) op->M[a] = 1;
  op->nz = order == 1 ? op->dim : 1;
  PetscCall(DMDACreateCompatibleDMDA(da, op->nz, &op->da_z));
  PetscCall(DMCreateLocalVector(da, &op->u_loc));
  PetscCall(DMCreateGlobalVector(op->da_z, &op->z));
  PetscCall(DMCreateLocalVector(op->da_z, &op->z_loc));
  PetscCall(VecGetLocalSize(op->z, &n));
  PetscCall(PetscMalloc2(n / op->nz, &op->s, n / op->nz, &op->g));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridOpDestroy(PdennGridOp *op)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&op->u_loc));
  PetscCall(VecDestroy(&op->z));
  PetscCall(VecDestroy(&op->z_loc));
  PetscCall(PetscFree2(op->s, op->g));
  PetscCall(DMDestroy(&op->da_z));
  PetscCall(DMDestroy(&op->da));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridOpGhosts(PdennGridOp *op, DM da, Vec g, Vec loc, PdennBoundary bc)
{
  PetscReal *a;
  PetscInt   dof;

  PetscFunctionBeginUser;
  PetscCall(DMGlobalToLocal(da, g, INSERT_VALUES, loc));
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(VecGetArray(loc, &a));
  FillPhysicalGhosts(op, dof, bc, a);
  PetscCall(VecRestoreArray(loc, &a));
  PetscFunctionReturn(0);
}

/* out[o] (owned point o, nz values) = (K v)(o) from the ghosted array v. */
static void ApplyK(const PdennGridOp *op, const PetscReal *v, PetscReal *out)
{
  PetscInt        s[3], m[3], gs[3], gm[3], st[3], o = 0;
  const PetscReal hinv = 1.0 / op->h, h2inv = hinv * hinv;

  GridBox(op, s, m, gs, gm);
  st[0] = 1, st[1] = gm[0], st[2] = gm[0] * gm[1];
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++) {
      const PetscReal *w = v + (s[0] - gs[0]) + gm[0] * ((y - gs[1]) + gm[1] * (z - gs[2]));

      for (PetscInt x = 0; x < m[0]; x++, o++) {
        if (op->order == 1) {
          for (PetscInt c = 0; c < op->dim; c++) out[o * op->dim + c] = (w[x + st[c]] - w[x]) * hinv;
        } else {
          PetscReal lap = 0.0;
          for (PetscInt c = 0; c < op->dim; c++) lap += w[x + st[c]] - 2.0 * w[x] + w[x - st[c]];
          out[o] = lap * h2inv;
        }
      }
    }
}

/* out = alpha u - tau (K^T F) from the ghosted F: order 1 with F zero outside (F_c(q) = 0 there);
   order 2 with F mirrored, where K is symmetric, so K^T F = K F by ApplyK itself (into op->g). */
static void ApplyKT(const PdennGridOp *op, const PetscReal *F, PetscReal alpha, PetscReal tau, const PetscReal *u, PetscReal *out)
{
  PetscInt        s[3], m[3], gs[3], gm[3], st[3], o = 0;
  const PetscReal hinv = 1.0 / op->h;

  GridBox(op, s, m, gs, gm);
  if (op->order == 2) {
    ApplyK(op, F, op->g);
    for (o = 0; o < m[0] * m[1] * m[2]; o++) out[o] = (alpha != 0.0 ? alpha * u[o] : 0.0) - tau * op->g[o];
    return;
  }
  st[0] = 1, st[1] = gm[0], st[2] = gm[0] * gm[1];
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++) {
      const PetscReal *f = F + op->nz * ((s[0] - gs[0]) + gm[0] * ((y - gs[1]) + gm[1] * (z - gs[2])));

      for (PetscInt x = 0; x < m[0]; x++, o++) {
        PetscReal r = 0.0;
        for (PetscInt c = 0; c < op->dim; c++) r += f[(x - st[c]) * op->nz + c] - f[x * op->nz + c];
        out[o] = (alpha != 0.0 ? alpha * u[o] : 0.0) - tau * (r * hinv);
      }
    }
}

PetscErrorCode PdennGridOpForward(PdennGridOp *op, Vec u, Vec z)
{
  const PetscReal *ua;
  PetscReal       *za;

  PetscFunctionBeginUser;
  PetscCall(PdennGridOpGhosts(op, op->da, u, op->u_loc, PDENN_BC_REFLECT));
  PetscCall(VecGetArrayRead(op->u_loc, &ua));
  PetscCall(VecGetArray(z, &za));
  ApplyK(op, ua, za);
  PetscCall(VecRestoreArray(z, &za));
  PetscCall(VecRestoreArrayRead(op->u_loc, &ua));
  PetscFunctionReturn(0);
}

static inline void GroupNormsG(const PetscInt nz, PetscInt n, const PetscReal *restrict z, PetscReal *restrict s)
{
  for (PetscInt i = 0; i < n; i++) {
    PetscReal q = 0.0;
    for (PetscInt c = 0; c < nz; c++) q += z[i * nz + c] * z[i * nz + c];
    s[i] = PetscSqrtReal(q);
  }
}

/* |z| per point (|z| = z itself for one component: the 1D convention, sign kept). nz = 2, 3 with
   a compile-time group size: the loops vectorise (this file is built with -fno-math-errno, which
   lets sqrt vectorise; sqrt is correctly rounded either way, so s is the same) */
void PdennGridGroupNorms(PetscInt n, PetscInt nz, const PetscReal *z, PetscReal *s)
{
  if (nz == 1)
    for (PetscInt i = 0; i < n; i++) s[i] = z[i];
  else if (nz == 2)
    GroupNormsG(2, n, z, s);
  else if (nz == 3)
    GroupNormsG(3, n, z, s);
  else
    GroupNormsG(nz, n, z, s);
}

/* g = g(|z|^2) per point: from |z|^2 directly for d components (PdennFluxDiffusivitySquared, as
   the fused step src/op/gridstep.c computes it), from z itself for one (the 1D routine).
   Uses op->s; g must not be z. */
PetscErrorCode PdennGridGroupDiffusivity(PdennGridOp *op, PdennFlux flux, PetscInt n, const PetscReal *z, PetscReal *g)
{
  PetscFunctionBeginUser;
  if (op->nz == 1) {
    PetscCall(PdennFluxDiffusivity(flux, n, z, g));
    PetscFunctionReturn(0);
  }
  for (PetscInt i = 0; i < n; i++) {
    PetscReal q = 0.0;
    for (PetscInt c = 0; c < op->nz; c++) q += z[i * op->nz + c] * z[i * op->nz + c];
    op->s[i] = q;
  }
  PetscCall(PdennFluxDiffusivitySquared(flux, n, op->s, g));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridOpDiffusivity(PdennGridOp *op, PdennFlux flux, Vec u, Vec g)
{
  const PetscReal *za;
  PetscReal       *ga;
  PetscInt         n;

  PetscFunctionBeginUser;
  PetscCall(PdennGridOpForward(op, u, op->z));
  PetscCall(VecGetLocalSize(g, &n));
  PetscCall(VecGetArrayRead(op->z, &za));
  PetscCall(VecGetArray(g, &ga));
  PetscCall(PdennGridGroupDiffusivity(op, flux, n, za, ga));
  PetscCall(VecRestoreArray(g, &ga));
  PetscCall(VecRestoreArrayRead(op->z, &za));
  PetscFunctionReturn(0);
}

/* z <- Phi(z) in place: g(|z|^2) z per point, g from the flux or the frozen gf (one value per point);
   one component: Phi itself (as in 1D). */
static PetscErrorCode GroupFlux(PdennGridOp *op, PdennFlux flux, const PetscReal *gf, PetscInt n, PetscReal *z)
{
  PetscReal *g = op->g;

  PetscFunctionBeginUser;
  if (!gf && op->nz == 1) {
    PetscCall(PdennFluxApply(flux, n, z, z, NULL));
    PetscFunctionReturn(0);
  }
  if (!gf) PetscCall(PdennGridGroupDiffusivity(op, flux, n, z, g));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < op->nz; c++) z[i * op->nz + c] *= gf ? gf[i] : g[i];
  PetscFunctionReturn(0);
}

PetscErrorCode PdennGridOpStep(PdennGridOp *op, PdennFlux flux, Vec gfrozen, PetscReal alpha, PetscReal tau, Vec u, Vec out)
{
  const PetscReal *ga = NULL, *fa, *ua = NULL;
  PetscReal       *za, *oa;
  PetscInt         n;

  PetscFunctionBeginUser;
  PetscCall(PdennGridOpForward(op, u, op->z));
  PetscCall(VecGetLocalSize(u, &n));
  PetscCall(VecGetArray(op->z, &za));
  if (gfrozen) PetscCall(VecGetArrayRead(gfrozen, &ga));
  PetscCall(GroupFlux(op, flux, ga, n, za));
  if (gfrozen) PetscCall(VecRestoreArrayRead(gfrozen, &ga));
  PetscCall(VecRestoreArray(op->z, &za));
  PetscCall(PdennGridOpGhosts(op, op->da_z, op->z, op->z_loc, op->order == 1 ? PDENN_BC_ZERO : PDENN_BC_REFLECT));
  PetscCall(VecGetArrayRead(op->z_loc, &fa));
  PetscCall(VecGetArray(out, &oa));
  if (out != u) PetscCall(VecGetArrayRead(u, &ua));
  ApplyKT(op, fa, alpha, tau, out != u ? ua : oa, oa); /* in place: each point reads u at itself only */
  if (out != u) PetscCall(VecRestoreArrayRead(u, &ua));
  PetscCall(VecRestoreArray(out, &oa));
  PetscCall(VecRestoreArrayRead(op->z_loc, &fa));
  PetscFunctionReturn(0);
}
