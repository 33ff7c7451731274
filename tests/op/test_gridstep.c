/* The fused 2D/3D explicit step (src/op/gridstep.c) against a naive loop over natural indices
   written from the formulas of docs/science.md (forward differences with K u = 0 where p + e_c
   leaves the grid, F_c = 0 outside the grid; no ghosts, no mirror), for every flux, alpha 0 and 1
   and a frozen diffusivity, with g from |z| (PdennFluxDiffusivity) and from |z|^2
   (PdennGridStepSetDiffusivitySquared): agreement to 1e-14 relative to the largest value (both sides round
   the same formulas in a different order: h divided vs multiplied, FMA contraction). The parallel
   result, gathered in natural order, must equal the same step on one rank bitwise, in place or not.
   Keys: -dim 2|3, -Nx -Ny -Nz, and -da_processors_x/y/z for the decomposition. */
#include <pdenn/pdenn.h>
#include "pdenn_test.h"

#define TOL 1e-14

typedef struct {
  PetscInt  dim, M[3], n;
  PetscReal h, tau;
} Grid;

/* deterministic rough values of the natural index k (the same at every rank count) */
static PetscReal Value(PetscInt k, PetscReal shift)
{
  const PetscReal noise = PetscSinReal(12.9898 * (PetscReal)k + shift) * 43758.5453;
  return PetscSinReal(0.05 * (PetscReal)k) + 0.3 * (noise - PetscFloorReal(noise));
}

/* u, and a frozen g in (0.2, 1), as natural-order arrays */
static void FillNatural(const Grid *G, PetscReal u[], PetscReal g[])
{
  for (PetscInt k = 0; k < G->n; k++) {
    u[k] = Value(k, 0.0);
    g[k] = 0.2 + 0.8 * PetscAbsReal(PetscSinReal(0.37 * (PetscReal)k));
  }
}

static PetscErrorCode Reference(const Grid *G, PdennFlux flux, const PetscReal gf[], PetscReal alpha, const PetscReal u[], PetscReal out[])
{
  const PetscInt stride[3] = {1, G->M[0], G->M[0] * G->M[1]};
  PetscReal     *F;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1(3 * G->n, &F));
  for (PetscInt k = 0; k < G->n; k++) {
    PetscReal z[3] = {0, 0, 0}, s = 0, g;
    for (PetscInt c = 0; c < G->dim; c++) {
      const PetscInt xc = (k / stride[c]) % G->M[c];
      z[c]              = xc + 1 < G->M[c] ? (u[k + stride[c]] - u[k]) / G->h : 0.0;
      s += z[c] * z[c];
    }
    s = PetscSqrtReal(s);
    if (gf)
      g = gf[k];
    else
      PetscCall(PdennFluxDiffusivity(flux, 1, &s, &g));
    for (PetscInt c = 0; c < 3; c++) F[3 * k + c] = g * z[c];
  }
  for (PetscInt k = 0; k < G->n; k++) {
    PetscReal r = 0;
    for (PetscInt c = 0; c < G->dim; c++) {
      const PetscInt xc = (k / stride[c]) % G->M[c];
      r += ((xc > 0 ? F[3 * (k - stride[c]) + c] : 0.0) - F[3 * k + c]) / G->h;
    }
    out[k] = alpha * u[k] - G->tau * r;
  }
  PetscCall(PetscFree(F));
  PetscFunctionReturn(0);
}

/* natural-order array <-> global vector of da (every rank holds the whole array) */
static PetscErrorCode NaturalToGlobal(DM da, const PetscReal a[], Vec v)
{
  PetscInt   xs, ys, zs, xm, ym, zm, M, N, k = 0;
  PetscReal *va;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, &M, &N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &xs, &ys, &zs, &xm, &ym, &zm));
  PetscCall(VecGetArray(v, &va));
  for (PetscInt z = zs; z < zs + zm; z++)
    for (PetscInt y = ys; y < ys + ym; y++)
      for (PetscInt x = xs; x < xs + xm; x++) va[k++] = a[x + M * (y + N * z)];
  PetscCall(VecRestoreArray(v, &va));
  PetscFunctionReturn(0);
}

/* the step on da from natural arrays u, g; *res: the result gathered in natural order on rank 0;
   in place and into another vector must agree bitwise */
static PetscErrorCode Step(DM da, const Grid *G, PdennFlux flux, PetscBool frozen, PetscBool squared, PetscReal alpha, const PetscReal u[], const PetscReal g[], Vec *res)
{
  PdennGridStep gs;
  Vec           uv, gv, ov, all_inplace;
  PetscBool     same;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(da, &uv));
  PetscCall(VecDuplicate(uv, &gv));
  PetscCall(VecDuplicate(uv, &ov));
  PetscCall(NaturalToGlobal(da, u, uv));
  PetscCall(NaturalToGlobal(da, g, gv));
  PetscCall(PdennGridStepCreate(da, G->h, &gs));
  PetscCall(PdennGridStepSetDiffusivitySquared(gs, squared));
  PetscCall(PdennGridStepApply(gs, flux, frozen ? gv : NULL, alpha, G->tau, uv, ov));
  PetscCall(PdennGridStepApply(gs, flux, frozen ? gv : NULL, alpha, G->tau, uv, uv));
  PetscCall(PdennDMDAGatherNatural(ov, PETSC_FALSE, res));
  PetscCall(PdennDMDAGatherNatural(uv, PETSC_FALSE, &all_inplace));
  PetscCall(VecEqual(*res, all_inplace, &same)); /* VecEqual compares bitwise */
  PetscCheck(same, PetscObjectComm((PetscObject)da), PETSC_ERR_PLIB, "in-place step differs from the out-of-place one");
  PetscCall(VecDestroy(&all_inplace));
  PetscCall(PdennGridStepDestroy(&gs));
  PetscCall(VecDestroy(&uv));
  PetscCall(VecDestroy(&gv));
  PetscCall(VecDestroy(&ov));
  PetscFunctionReturn(0);
}

/* the same grid on rank 0 alone (no -da_processors_* read: one rank) */
static PetscErrorCode SerialDA(const Grid *G, DM *da)
{
  const DMBoundaryType b = DM_BOUNDARY_GHOSTED;

  PetscFunctionBeginUser;
  if (G->dim == 2)
    PetscCall(DMDACreate2d(PETSC_COMM_SELF, b, b, DMDA_STENCIL_BOX, G->M[0], G->M[1], 1, 1, 1, 1, NULL, NULL, da));
  else
    PetscCall(DMDACreate3d(PETSC_COMM_SELF, b, b, b, DMDA_STENCIL_BOX, G->M[0], G->M[1], G->M[2], 1, 1, 1, 1, 1, NULL, NULL, NULL, da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(0);
}

/* one case: parallel result vs the one-rank step (bitwise) and vs the naive reference (TOL) */
static PetscErrorCode RunCase(DM da, const Grid *G, PdennFlux flux, PetscBool frozen, PetscBool squared, PetscReal alpha, const PetscReal u[], const PetscReal g[], PetscReal *worst)
{
  PetscMPIInt rank;
  Vec         par, ser = NULL;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(Step(da, G, flux, frozen, squared, alpha, u, g, &par));
  if (rank == 0) {
    DM               sda;
    const PetscReal *pa, *sa;
    PetscReal       *ref, d;
    PetscCall(SerialDA(G, &sda));
    PetscCall(Step(sda, G, flux, frozen, squared, alpha, u, g, &ser));
    PetscCall(VecGetArrayRead(par, &pa));
    PetscCall(VecGetArrayRead(ser, &sa));
    for (PetscInt k = 0; k < G->n; k++) PetscCheck(pa[k] == sa[k], PETSC_COMM_SELF, PETSC_ERR_PLIB, "flux %s%s%s alpha %g: point %" PetscInt_FMT ": %.17g at this decomposition, %.17g on one rank", PdennFluxTypes[flux.type], frozen ? " (frozen g)" : "", squared ? " (g from |z|^2)" : "", (double)alpha, k, (double)pa[k], (double)sa[k]);
    PetscCall(PetscMalloc1(G->n, &ref));
    PetscCall(Reference(G, flux, frozen ? g : NULL, alpha, u, ref));
    d = PdennTestArrayRelDiff(G->n, pa, ref);
    PetscCheck(d <= TOL, PETSC_COMM_SELF, PETSC_ERR_PLIB, "flux %s%s%s alpha %g: relative difference %g to the naive reference, tolerance %g", PdennFluxTypes[flux.type], frozen ? " (frozen g)" : "", squared ? " (g from |z|^2)" : "", (double)alpha, (double)d, (double)TOL);
    *worst = PetscMax(*worst, d);
    PetscCall(VecRestoreArrayRead(par, &pa));
    PetscCall(VecRestoreArrayRead(ser, &sa));
    PetscCall(PetscFree(ref));
    PetscCall(VecDestroy(&ser));
    PetscCall(DMDestroy(&sda));
  }
  PetscCall(VecDestroy(&par));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  Grid       G = {2, {37, 23, 1}, 0, 0.7, 0.0};
  DM         da;
  PetscReal *u, *g, worst = 0.0;
  PetscInt   cases = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-dim", &G.dim, NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Nx", &G.M[0], NULL));
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-Ny", &G.M[1], NULL));
  if (G.dim == 3) PetscCall(PetscOptionsGetInt(NULL, NULL, "-Nz", &G.M[2], NULL));
  G.n   = G.M[0] * G.M[1] * G.M[2];
  G.tau = 0.9 * G.h * G.h / (2 * G.dim); /* tau_max of order 1 (the value does not matter here) */
  PetscCall(PdennDMDACreate(PETSC_COMM_WORLD, G.dim, G.M, 1, 1, &da));
  PetscCall(PetscMalloc2(G.n, &u, G.n, &g));
  FillNatural(&G, u, g);
  for (PetscInt t = 0; t < PDENN_FLUX_NTYPES + 1; t++) {
    /* lambda near the gradients' size, so every flux is in its nonlinear range */
    const PdennFlux flux = {t < PDENN_FLUX_NTYPES ? (PdennFluxType)t : PDENN_FLUX_LINEAR, 0.3};
    for (PetscInt sq = 0; sq < 2; sq++)
      for (PetscInt a = 0; a < 2; a++, cases++) PetscCall(RunCase(da, &G, flux, (PetscBool)(t == PDENN_FLUX_NTYPES), (PetscBool)sq, (PetscReal)a, u, g, &worst));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%" PetscInt_FMT "D grid %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT ": largest relative difference to the naive reference %g (tolerance %g)\n", G.dim, G.M[0], G.M[1], G.M[2], (double)worst, (double)TOL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "gridstep checks passed: %" PetscInt_FMT " cases bitwise equal to one rank\n", cases));
  PetscCall(PetscFree2(u, g));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PetscInitialize(&argc, &argv, NULL, "The fused 2D/3D explicit step against a naive reference and across decompositions"));
  PetscCall(Run());
  PetscCall(PetscFinalize());
  return 0;
}
