/* The one-pass symmetric step (src/op/symstep.c) against the unfused computation it replaced,
   composed here from op.h's primitives: ghost exchange of u, z = W u, phi(z), ghost exchange of
   phi(z) with zero physical ghosts, W^T, out = u - tau r. Checked: out (into another vector and in
   place), the tape (z, phi(z), phi'(z), r; and without z) and the residual, for reflecting and zero boundaries, 1 -> 1 (the
   classical K with the Perona-Malik flux), 1 -> 3 (radius 2) and 2 -> 3 (radius 1, bias)
   convolutions, blocks of the default size and of a few points (many blocks per rank, a short
   last block joined to the one before), and an activation that depends on the point index (FED's
   frozen diffusivity), which the step must hand all owned points at once. Tolerance: both sides
   evaluate every point with the same kernels in the same order, so the results agree to rounding
   of the FMA contraction at most: 1e-14 relative to the largest value. */
#include <pdenn/pdenn.h>
#include "pdenn_test.h"

#define TOL 1e-14

/* phi_i(z) = g_i z with g depending on the global point: a non-pointwise activation */
typedef struct {
  PetscInt   xs, c;
  PetscReal *g; /* per owned value */
} PointDependent;

static PetscErrorCode PointDependentApply(void *ctx, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[])
{
  PointDependent *p = (PointDependent *)ctx;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    const PetscReal g = p->g[i];
    phi[i]            = g * z[i];
    if (dphi) dphi[i] = g;
  }
  PetscFunctionReturn(0);
}

/* The unfused step: r = W^T phi(W u), z = W u, a = phi(z), d = phi'(z) from the primitives,
   out = u - tau r. */
static PetscErrorCode Reference(PdennSymStep *s, PetscReal tau, Vec u, Vec out, Vec z, Vec a, Vec d, Vec r)
{
  Vec        u_loc, z_loc;
  PetscReal *ua, *za, *aa, *da, *ra;
  PetscInt   n, m;
  PetscBool  at_left, at_right;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(s->da_u, &u_loc));
  PetscCall(DMGetLocalVector(s->da_z, &z_loc));
  PetscCall(PdennDMDAGetGhostedArray(s->da_u, u, u_loc, s->conv.bc, &ua, &n, &at_left, &at_right));
  PetscCall(VecGetArray(z, &za));
  PetscCall(PdennConv1dForward(&s->conv, n, ua, za));
  PetscCall(VecGetLocalSize(z, &m));
  PetscCall(VecGetArray(a, &aa));
  PetscCall(VecGetArray(d, &da));
  PetscCall(s->act(s->act_ctx, m, za, aa, da));
  PetscCall(VecRestoreArray(d, &da));
  PetscCall(VecRestoreArray(a, &aa));
  PetscCall(VecRestoreArray(z, &za));
  PetscCall(VecRestoreArray(u_loc, NULL));
  PetscCall(PdennDMDAGetGhostedArray(s->da_z, a, z_loc, PDENN_BC_ZERO, &aa, &n, &at_left, &at_right));
  PetscCall(VecGetArray(r, &ra));
  PetscCall(PdennConv1dAdjoint(&s->conv, n, at_left, at_right, aa, ra));
  PetscCall(VecRestoreArray(r, &ra));
  PetscCall(VecRestoreArray(z_loc, NULL));
  PetscCall(VecWAXPY(out, -tau, r, u));
  PetscCall(DMRestoreLocalVector(s->da_z, &z_loc));
  PetscCall(DMRestoreLocalVector(s->da_u, &u_loc));
  PetscFunctionReturn(0);
}

/* Every output of the one-pass step against the reference; *worst gets the largest difference. */
static PetscErrorCode Compare(PdennSymStep *s, const char name[], PetscReal *worst)
{
  const PetscReal tau = 0.37;
  Vec             u, out, z, a, dphi, r, out_ref, z_ref, a_ref, d_ref, r_ref, in_place;
  PetscReal       d[10];

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(s->da_u, &u));
  PetscCall(VecDuplicate(u, &out));
  PetscCall(VecDuplicate(u, &r));
  PetscCall(VecDuplicate(u, &out_ref));
  PetscCall(VecDuplicate(u, &r_ref));
  PetscCall(VecDuplicate(u, &in_place));
  PetscCall(DMCreateGlobalVector(s->da_z, &z));
  PetscCall(VecDuplicate(z, &z_ref));
  PetscCall(VecDuplicate(z, &a));
  PetscCall(VecDuplicate(z, &a_ref));
  PetscCall(VecDuplicate(z, &dphi));
  PetscCall(VecDuplicate(z, &d_ref));
  PetscCall(PdennTestFillSignal(s->da_u, u, 0.71, 0.3));
  PetscCall(Reference(s, tau, u, out_ref, z_ref, a_ref, d_ref, r_ref));
  {
    const PdennSymStepTape tape = {z, a, dphi, r};
    PetscCall(PdennSymStepApplySave(s, tau, u, out, &tape));
  }
  PetscCall(PdennTestRelDiff(a, a_ref, NORM_INFINITY, 1.0, &d[5]));
  PetscCall(PdennTestRelDiff(dphi, d_ref, NORM_INFINITY, 1.0, &d[6]));
  PetscCall(PdennTestRelDiff(out, out_ref, NORM_INFINITY, 1.0, &d[0]));
  PetscCall(PdennTestRelDiff(z, z_ref, NORM_INFINITY, 1.0, &d[1]));
  PetscCall(PdennTestRelDiff(r, r_ref, NORM_INFINITY, 1.0, &d[2]));
  PetscCall(PdennSymStepResidual(s, u, r, NULL));
  PetscCall(PdennTestRelDiff(r, r_ref, NORM_INFINITY, 1.0, &d[3]));
  PetscCall(VecCopy(u, in_place));
  PetscCall(PdennSymStepApply(s, tau, in_place, in_place, NULL));
  PetscCall(PdennTestRelDiff(in_place, out_ref, NORM_INFINITY, 1.0, &d[4]));
  { /* the training tape of a fixed activation: phi, phi' and r without z (written in place) */
    const PdennSymStepTape tape = {NULL, a, dphi, r};
    PetscCall(VecSet(a, 0.0));
    PetscCall(VecSet(dphi, 0.0));
    PetscCall(VecSet(out, 0.0));
    PetscCall(PdennSymStepApplySave(s, tau, u, out, &tape));
  }
  PetscCall(PdennTestRelDiff(out, out_ref, NORM_INFINITY, 1.0, &d[7]));
  PetscCall(PdennTestRelDiff(a, a_ref, NORM_INFINITY, 1.0, &d[8]));
  PetscCall(PdennTestRelDiff(dphi, d_ref, NORM_INFINITY, 1.0, &d[9]));
  for (PetscInt k = 0; k < 10; k++) {
    PetscCheck(d[k] <= TOL, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: output %" PetscInt_FMT " (out, tape z, tape r, residual, in place, tape phi, tape phi'; out, phi, phi' of a tape without z) differs from the unfused step by %g > %g", name, k, (double)d[k], (double)TOL);
    *worst = PetscMax(*worst, d[k]);
  }
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&out));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&out_ref));
  PetscCall(VecDestroy(&r_ref));
  PetscCall(VecDestroy(&in_place));
  PetscCall(VecDestroy(&z));
  PetscCall(VecDestroy(&z_ref));
  PetscCall(VecDestroy(&a));
  PetscCall(VecDestroy(&a_ref));
  PetscCall(VecDestroy(&dphi));
  PetscCall(VecDestroy(&d_ref));
  PetscFunctionReturn(0);
}

typedef struct {
  PetscInt      c_in, c_out, radius;
  PdennBoundary bc;
  PetscBool     bias, point_dependent;
  PetscInt      chunk; /* 0: the default */
} Case;

static PetscErrorCode RunCase(const Case *k, PetscReal *worst)
{
  const PetscInt N = 103, kw = 2 * k->radius + 1;
  PdennFlux      flux = {k->c_in == 1 && k->c_out == 1 ? PDENN_FLUX_PERONA_MALIK : PDENN_FLUX_TANH, 0.3};
  PetscReal      w[3 * 2 * 5], b[3];
  PointDependent pd;
  PdennConv1d    conv;
  PdennSymStep   s;
  DM             da_u, da_z;
  PetscInt       xm;
  char           name[128];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < k->c_out * k->c_in * kw; i++) w[i] = PetscSinReal(1.3 * i + 0.4) + (i % kw == k->radius ? 0.5 : 0.0);
  for (PetscInt c = 0; c < k->c_out; c++) b[c] = 0.1 * (c + 1);
  conv = (PdennConv1d){k->c_in, k->c_out, k->radius, k->bc, w, k->bias ? b : NULL};
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, k->c_in, k->radius, &da_u));
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, N, k->c_out, k->radius, &da_z));
  PetscCall(PdennDMDAGetOwnership(da_z, &pd.xs, &xm, NULL, NULL));
  pd.c = k->c_out;
  PetscCall(PetscMalloc1(xm * k->c_out, &pd.g));
  for (PetscInt i = 0; i < xm * k->c_out; i++) pd.g[i] = 0.5 + 0.4 * PetscSinReal(0.9 * (pd.xs * k->c_out + i));
  if (k->point_dependent)
    PetscCall(PdennSymStepSetUp(&s, da_u, da_z, conv, PointDependentApply, &pd));
  else
    PetscCall(PdennSymStepSetUp(&s, da_u, da_z, conv, PdennFluxActivation, &flux));
  if (k->chunk) s.chunk = k->chunk;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%" PetscInt_FMT " -> %" PetscInt_FMT " radius %" PetscInt_FMT ", %s, %s%s, block %" PetscInt_FMT, k->c_in, k->c_out, k->radius, PdennBoundaryTypes[k->bc], k->point_dependent ? "point-dependent activation" : PdennFluxTypes[flux.type], k->bias ? ", bias" : "", s.chunk));
  PetscCall(Compare(&s, name, worst));
  PetscCall(PdennSymStepDestroy(&s));
  PetscCall(PetscFree(pd.g));
  PetscCall(DMDestroy(&da_u));
  PetscCall(DMDestroy(&da_z));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const Case cases[] = {
      {1, 1, 1, PDENN_BC_REFLECT, PETSC_FALSE, PETSC_FALSE, 0},
      {1, 1, 1, PDENN_BC_REFLECT, PETSC_FALSE, PETSC_FALSE, 5},
      {1, 1, 1, PDENN_BC_ZERO, PETSC_FALSE, PETSC_FALSE, 5},
      {1, 3, 2, PDENN_BC_REFLECT, PETSC_FALSE, PETSC_FALSE, 3},
      {1, 3, 2, PDENN_BC_ZERO, PETSC_FALSE, PETSC_FALSE, 3},
      {2, 3, 1, PDENN_BC_REFLECT, PETSC_TRUE, PETSC_FALSE, 4},
      {2, 3, 1, PDENN_BC_ZERO, PETSC_TRUE, PETSC_FALSE, 0},
      {1, 1, 1, PDENN_BC_REFLECT, PETSC_FALSE, PETSC_TRUE, 5},
      {1, 3, 2, PDENN_BC_ZERO, PETSC_FALSE, PETSC_TRUE, 3},
  };
  PetscReal worst = 0.0;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, "One-pass symmetric step against the unfused computation"));
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) PetscCall(RunCase(&cases[k], &worst));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "largest relative difference %g (tolerance %g)\n", (double)worst, (double)TOL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "symstep checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
