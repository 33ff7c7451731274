/* The implicit matrices of the d-dimensional problem (docs/science.md, "Images and volumes"):
   A = I + tau K^T J K on the DMDA, with J per point either a scalar weight w (the semi-implicit
   matrix, w = g(|K u|^2), or J = w I) or the d x d Newton block J = g I + c z z^T of the isotropic
   flux. K's rows at a point are written out with the mirrored columns folded back exactly as the
   ghosts are mirrored, so A is the matrix of the operator that PdennGridOpStep applies. */
#include <pdenn/op.h>

/* The rows of K at point p (nz rows) over the columns col[0 .. *nc) (stencil points):
   kr[row * 7 + j] is K's entry for column j. */
static void KRows(const PdennGridOp *op, const PetscInt p[3], MatStencil col[7], PetscReal kr[], PetscInt *nc)
{
  const PetscReal hinv = 1.0 / op->h;

  *nc = 1;
  col[0].i = p[0], col[0].j = p[1], col[0].k = p[2], col[0].c = 0;
  PetscArrayzero(kr, 7 * op->nz);
  if (op->order == 2) kr[0] = -2.0 * op->dim * hinv * hinv;
  for (PetscInt c = 0; c < op->dim; c++)
    for (PetscInt side = op->order == 1 ? 1 : -1; side <= 1; side += 2) { /* order 1 looks ahead only */
      PetscInt q[3] = {p[0], p[1], p[2]};

      q[c] += side;
      if (q[c] < 0 || q[c] >= op->M[c]) { /* mirrored onto p itself; an order-1 row is then zero */
        if (op->order == 2) kr[0] += hinv * hinv;
        continue;
      }
      col[*nc].i = q[0], col[*nc].j = q[1], col[*nc].k = q[2], col[*nc].c = 0;
      if (op->order == 1) {
        kr[c * 7]       = -hinv;
        kr[c * 7 + *nc] = hinv;
      } else kr[*nc] = hinv * hinv;
      (*nc)++;
    }
}

/* block[a][b] = tau sum_{k,l} kr[k][a] J[k][l] kr[l][b] + (a == b == 0) */
static void PointBlock(const PdennGridOp *op, PetscReal tau, const PetscReal *J, PetscInt wdof, const PetscReal kr[], PetscInt nc, PetscReal block[])
{
  for (PetscInt a = 0; a < nc; a++)
    for (PetscInt b = 0; b < nc; b++) {
      PetscReal v = 0.0;
      for (PetscInt k = 0; k < op->nz; k++)
        for (PetscInt l = 0; l < op->nz; l++) {
          const PetscReal jkl = wdof == 1 ? (k == l ? J[0] : 0.0) : J[k * op->nz + l];
          v += kr[k * 7 + a] * jkl * kr[l * 7 + b];
        }
      block[a * nc + b] = tau * v + (a == 0 && b == 0 ? 1.0 : 0.0);
    }
}

PetscErrorCode PdennGridOpImplicitMatrix(PdennGridOp *op, PetscReal tau, Vec w, PetscInt wdof, Mat A)
{
  const PetscReal *wa;
  PetscInt         s[3], m[3], o = 0;

  PetscFunctionBeginUser;
  PetscCheck(wdof == 1 || wdof == op->nz * op->nz, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "weights of %" PetscInt_FMT " values per point; expected 1 or %" PetscInt_FMT, wdof, op->nz * op->nz);
  PetscCall(MatZeroEntries(A));
  PetscCall(DMDAGetCorners(op->da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  if (op->dim == 2) s[2] = 0, m[2] = 1;
  PetscCall(VecGetArrayRead(w, &wa));
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++)
      for (PetscInt x = s[0]; x < s[0] + m[0]; x++, o++) {
        const PetscInt p[3] = {x, y, z};
        MatStencil     col[7];
        PetscReal      kr[7 * 3], block[49];
        PetscInt       nc;

        KRows(op, p, col, kr, &nc);
        PointBlock(op, tau, wa + o * wdof, wdof, kr, nc, block);
        PetscCall(MatSetValuesStencil(A, nc, col, nc, col, block, ADD_VALUES));
      }
  PetscCall(VecRestoreArrayRead(w, &wa));
  PetscCall(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/* J at every owned point for the Newton matrix: the derivative of Phi(z) = g(|z|^2) z,
   g I + ((Phi'(|z|) - g) / |z|^2) z z^T (= 2 g'(|z|^2) z z^T; the rank-one part vanishes at z = 0);
   one component: Phi'(z). */
PetscErrorCode PdennGridOpFluxJacobian(PdennGridOp *op, PdennFlux flux, Vec v, Vec J)
{
  const PetscReal *za;
  PetscReal       *ja, *g, *dphi, *phi;
  PetscInt         n;
  const PetscInt   nz = op->nz;

  PetscFunctionBeginUser;
  PetscCall(PdennGridOpForward(op, v, op->z));
  PetscCall(VecGetLocalSize(v, &n));
  PetscCall(PetscMalloc3(n, &g, n, &dphi, n, &phi));
  PetscCall(VecGetArrayRead(op->z, &za));
  PetscCall(VecGetArray(J, &ja));
  PetscCall(PdennGridGroupDiffusivity(op, flux, n, za, g)); /* as the step computes it */
  PdennGridGroupNorms(n, nz, za, op->s);
  PetscCall(PdennFluxApply(flux, n, op->s, phi, dphi));
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal s2 = op->s[i] * op->s[i], c1 = s2 > 0.0 ? (dphi[i] - g[i]) / s2 : 0.0;

    for (PetscInt a = 0; a < nz; a++)
      for (PetscInt b = 0; b < nz; b++) ja[(i * nz + a) * nz + b] = nz == 1 ? dphi[i] : (a == b ? g[i] : 0.0) + c1 * za[i * nz + a] * za[i * nz + b];
  }
  PetscCall(VecRestoreArray(J, &ja));
  PetscCall(VecRestoreArrayRead(op->z, &za));
  PetscCall(PetscFree3(g, dphi, phi));
  PetscFunctionReturn(0);
}
