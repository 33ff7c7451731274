/* Dense references for the stability tests, written from the formulas and independent of pdenn's
   operator code: a 1 -> M channel convolution W on N points assembled as a dense matrix with the
   boundary rule of op.h (half-sample mirror u[-1-k] = u[k], u[N+k] = u[N-1-k], or zero outside),
   its Gram matrix W^T W, and a Jacobi eigen-decomposition, so that ||W||_2^2 and the
   input that realises it (the top eigenvector) are exact to rounding. Small N only (O(N^3)). */
#pragma once
#include <pdenn/pdenn.h>

/* G = W^T W (N x N, row-major = column-major: symmetric) of out[i][co] = sum_o w[co][o+r] u[i+o]
   with w = [c_out][2r+1] (one input channel). */
static inline PetscErrorCode PdennDenseGram(PetscInt c_out, PetscInt r, PdennBoundary bc, const PetscReal w[], PetscInt N, PetscReal G[])
{
  PetscReal *row;

  PetscFunctionBeginUser;
  PetscCall(PetscCalloc1(N, &row));
  PetscCall(PetscArrayzero(G, N * N));
  for (PetscInt co = 0; co < c_out; co++)
    for (PetscInt i = 0; i < N; i++) {
      PetscCall(PetscArrayzero(row, N));
      for (PetscInt o = -r; o <= r; o++) {
        PetscInt p = i + o;
        if (p < 0 || p >= N) {
          if (bc == PDENN_BC_ZERO) continue;
          p = p < 0 ? -1 - p : 2 * N - 1 - p;
        }
        row[p] += w[co * (2 * r + 1) + o + r];
      }
      for (PetscInt a = 0; a < N; a++)
        for (PetscInt b = 0; row[a] != 0.0 && b < N; b++) G[a * N + b] += row[a] * row[b];
    }
  PetscCall(PetscFree(row));
  PetscFunctionReturn(0);
}

/* Largest eigenvalue of the symmetric N x N matrix G and a unit eigenvector (G is kept), by
   cyclic Jacobi rotations (Golub & Van Loan §8.5): sweeps until the off-diagonal part is below
   1e-30 of the whole, so the eigenvalues are exact to rounding. */
static inline PetscErrorCode PdennDenseTopEig(PetscInt N, const PetscReal G[], PetscReal *lambda_max, PetscReal v[])
{
  PetscReal *A, *V, off = 1.0, total = 0.0;
  PetscInt   top = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc2(N * N, &A, N * N, &V));
  PetscCall(PetscArraycpy(A, G, N * N));
  for (PetscInt i = 0; i < N * N; i++) V[i] = i % (N + 1) == 0 ? 1.0 : 0.0, total += A[i] * A[i];
  for (PetscInt sweep = 0; sweep < 100 && off > 1e-30 * total; sweep++) {
    off = 0.0;
    for (PetscInt p = 0; p < N; p++)
      for (PetscInt q = p + 1; q < N; q++) {
        const PetscReal apq = A[p * N + q];
        PetscReal       theta, t, c, s;
        if (apq == 0.0) continue;
        off += 2.0 * apq * apq;
        theta = (A[q * N + q] - A[p * N + p]) / (2.0 * apq);
        t     = (theta >= 0.0 ? 1.0 : -1.0) / (PetscAbsReal(theta) + PetscSqrtReal(theta * theta + 1.0));
        c = 1.0 / PetscSqrtReal(t * t + 1.0), s = t * c;
        for (PetscInt k = 0; k < N; k++) { /* A <- A J (columns p, q), V <- V J */
          const PetscReal akp = A[k * N + p], akq = A[k * N + q], vkp = V[k * N + p], vkq = V[k * N + q];
          A[k * N + p] = c * akp - s * akq, A[k * N + q] = s * akp + c * akq;
          V[k * N + p] = c * vkp - s * vkq, V[k * N + q] = s * vkp + c * vkq;
        }
        for (PetscInt k = 0; k < N; k++) { /* A <- J^T A (rows p, q) */
          const PetscReal apk = A[p * N + k], aqk = A[q * N + k];
          A[p * N + k] = c * apk - s * aqk, A[q * N + k] = s * apk + c * aqk;
        }
      }
  }
  PetscCheck(off <= 1e-30 * total, PETSC_COMM_SELF, PETSC_ERR_CONV_FAILED, "Jacobi eigen-decomposition did not converge: off-diagonal %g of %g", (double)off, (double)total);
  for (PetscInt i = 1; i < N; i++)
    if (A[i * N + i] > A[top * N + top]) top = i;
  *lambda_max = A[top * N + top];
  for (PetscInt i = 0; i < N; i++) v[i] = V[i * N + top];
  PetscCall(PetscFree2(A, V));
  PetscFunctionReturn(0);
}

/* ||W||_2^2 and the top right singular vector of the convolution described above. */
static inline PetscErrorCode PdennDenseConvNorm2(PetscInt c_out, PetscInt r, PdennBoundary bc, const PetscReal w[], PetscInt N, PetscReal *norm2, PetscReal v[])
{
  PetscReal *G;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(N * N, &G));
  PetscCall(PdennDenseGram(c_out, r, bc, w, N, G));
  PetscCall(PdennDenseTopEig(N, G, norm2, v));
  PetscCall(PetscFree(G));
  PetscFunctionReturn(0);
}

/* x[i] = scale * all[i] for the points i this rank owns (a dof-1 vector on a 1D layout). */
static inline PetscErrorCode PdennDenseToVec(const PetscReal all[], PetscReal scale, Vec x)
{
  PetscInt   lo, hi;
  PetscReal *a;

  PetscFunctionBeginUser;
  PetscCall(VecGetOwnershipRange(x, &lo, &hi));
  PetscCall(VecGetArray(x, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = scale * all[i];
  PetscCall(VecRestoreArray(x, &a));
  PetscFunctionReturn(0);
}
