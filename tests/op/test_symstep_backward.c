/* The one-pass backward of the symmetric step (PdennSymStepBackward, src/op/symstep.c) against
   the unfused composition it replaced in the symmetric blocks, built here from op.h's primitives:
   s = -tau dy, q = phi'(z) (W s), dw = grad<W s, phi(z)> + grad<q, W u> (summed over ranks),
   du = skip dy + W^T q. Cases: 1 -> 1 (reflecting, blocks of 5 points), 1 -> 3 radius 2 (zero
   boundary, blocks of 3), 2 -> 3 (reflecting, blocks of 4), 1 -> 8 at the default block size
   over 1031 points (several blocks per rank), each with skip 1 and skip 0, at any rank count.
   Both sides use the same kernels; the weight gradient is summed block by block in the one-pass
   version, so the tolerance is 1e-13 relative to the largest value. */
#include <pdenn/pdenn.h>
#include "pdenn_test.h"

#define TOL 1e-13

/* q = phi'(z) (W s) with s = -tau dy; dw += grad<W s, a> + grad<q, W u> on this rank */
static PetscErrorCode ReferenceQ(PdennSymStep *st, PetscReal tau, Vec u, Vec a, Vec d, Vec dy, Vec q, PetscReal dw[])
{
  Vec              s, loc;
  PetscReal       *la, *qa;
  const PetscReal *aa, *da;
  PetscInt         n, m;
  PetscBool        at_left, at_right;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(dy, &s));
  PetscCall(VecAXPBY(s, -tau, 0.0, dy));
  PetscCall(DMGetLocalVector(st->da_u, &loc));
  PetscCall(PdennDMDAGetGhostedArray(st->da_u, s, loc, st->conv.bc, &la, &n, &at_left, &at_right));
  PetscCall(VecGetArray(q, &qa));
  PetscCall(PdennConv1dForward(&st->conv, n, la, qa));
  PetscCall(VecGetArrayRead(a, &aa));
  PetscCall(PdennConv1dWeightGrad(&st->conv, n, la, aa, dw, NULL));
  PetscCall(VecRestoreArrayRead(a, &aa));
  PetscCall(VecRestoreArray(loc, NULL));
  PetscCall(VecGetLocalSize(q, &m));
  PetscCall(VecGetArrayRead(d, &da));
  for (PetscInt i = 0; i < m; i++) qa[i] *= da[i];
  PetscCall(VecRestoreArrayRead(d, &da));
  PetscCall(PdennDMDAGetGhostedArray(st->da_u, u, loc, st->conv.bc, &la, &n, &at_left, &at_right));
  PetscCall(PdennConv1dWeightGrad(&st->conv, n, la, qa, dw, NULL));
  PetscCall(VecRestoreArray(loc, NULL));
  PetscCall(VecRestoreArray(q, &qa));
  PetscCall(DMRestoreLocalVector(st->da_u, &loc));
  PetscCall(VecDestroy(&s));
  PetscFunctionReturn(0);
}

/* du = skip dy + W^T q */
static PetscErrorCode ReferenceDu(PdennSymStep *st, Vec q, Vec dy, PetscReal skip, Vec du)
{
  Vec        loc;
  PetscReal *la, *xa;
  PetscInt   n;
  PetscBool  at_left, at_right;

  PetscFunctionBeginUser;
  PetscCall(DMGetLocalVector(st->da_z, &loc));
  PetscCall(PdennDMDAGetGhostedArray(st->da_z, q, loc, PDENN_BC_ZERO, &la, &n, &at_left, &at_right));
  PetscCall(VecGetArray(du, &xa));
  PetscCall(PdennConv1dAdjoint(&st->conv, n, at_left, at_right, la, xa));
  PetscCall(VecRestoreArray(du, &xa));
  PetscCall(VecRestoreArray(loc, NULL));
  PetscCall(DMRestoreLocalVector(st->da_z, &loc));
  if (skip != 0.0) PetscCall(VecAXPY(du, skip, dy));
  PetscFunctionReturn(0);
}

typedef struct {
  Vec u, dy, out, a, d, r, q, du, du_ref;
} Vectors;

static PetscErrorCode VectorsCreate(PdennSymStep *st, Vectors *v)
{
  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(st->da_u, &v->u));
  PetscCall(VecDuplicate(v->u, &v->dy));
  PetscCall(VecDuplicate(v->u, &v->out));
  PetscCall(VecDuplicate(v->u, &v->r));
  PetscCall(VecDuplicate(v->u, &v->du));
  PetscCall(VecDuplicate(v->u, &v->du_ref));
  PetscCall(DMCreateGlobalVector(st->da_z, &v->a));
  PetscCall(VecDuplicate(v->a, &v->d));
  PetscCall(VecDuplicate(v->a, &v->q));
  PetscCall(PdennTestFillSignal(st->da_u, v->u, 0.71, 0.3));
  PetscCall(PdennTestFillSignal(st->da_u, v->dy, 0.23, 0.3));
  PetscFunctionReturn(0);
}

static PetscErrorCode VectorsDestroy(Vectors *v)
{
  Vec *all[] = {&v->u, &v->dy, &v->out, &v->a, &v->d, &v->r, &v->q, &v->du, &v->du_ref};

  PetscFunctionBeginUser;
  for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) PetscCall(VecDestroy(all[k]));
  PetscFunctionReturn(0);
}

/* du and dw (summed over ranks) of the one-pass backward against the reference */
static PetscErrorCode Compare(PdennSymStep *st, PetscReal skip, const char name[], PetscReal *worst)
{
  const PetscReal  tau = 0.37;
  const PetscInt   nw  = st->conv.c_out * st->conv.c_in * (2 * st->conv.radius + 1);
  Vectors          v;
  PetscReal        dw[64] = {0}, dw_ref[64] = {0}, d[2];
  MPI_Comm         comm;
  PdennSymStepTape tape;

  PetscFunctionBeginUser;
  PetscCall(VectorsCreate(st, &v));
  tape = (PdennSymStepTape){NULL, v.a, v.d, v.r};
  PetscCall(PdennSymStepApplySave(st, tau, v.u, v.out, &tape));
  PetscCall(PdennSymStepBackward(st, tau, v.u, &tape, v.dy, skip, v.du, dw));
  PetscCall(ReferenceQ(st, tau, v.u, v.a, v.d, v.dy, v.q, dw_ref));
  PetscCall(ReferenceDu(st, v.q, v.dy, skip, v.du_ref));
  PetscCall(PetscObjectGetComm((PetscObject)v.u, &comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, dw, nw, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, dw_ref, nw, MPIU_REAL, MPIU_SUM, comm));
  PetscCall(VecAXPY(v.du, -1.0, v.du_ref));
  PetscCall(VecNorm(v.du, NORM_INFINITY, &d[0]));
  PetscCall(VecNorm(v.du_ref, NORM_INFINITY, &d[1]));
  d[0] /= PetscMax(d[1], 1.0);
  d[1] = PdennTestArrayRelDiff(nw, dw, dw_ref);
  for (PetscInt k = 0; k < 2; k++) {
    PetscCheck(d[k] <= TOL, comm, PETSC_ERR_PLIB, "%s, skip %g: %s of the one-pass backward differs from the unfused one by %g > %g", name, (double)skip, k ? "dw" : "du", (double)d[k], (double)TOL);
    *worst = PetscMax(*worst, d[k]);
  }
  PetscCall(VectorsDestroy(&v));
  PetscFunctionReturn(0);
}

typedef struct {
  PetscInt      N, c_in, c_out, radius;
  PdennBoundary bc;
  PetscInt      chunk; /* 0: the default */
} Case;

static PetscErrorCode RunCase(const Case *k, PetscReal *worst)
{
  const PetscInt kw   = 2 * k->radius + 1;
  PdennFlux      flux = {k->c_in == 1 && k->c_out == 1 ? PDENN_FLUX_PERONA_MALIK : PDENN_FLUX_TANH, 0.3};
  PetscReal      w[64];
  PdennConv1d    conv;
  PdennSymStep   st;
  DM             da_u, da_z;
  char           name[128];

  PetscFunctionBeginUser;
  PetscCheck(k->c_out * k->c_in * kw <= 64, PETSC_COMM_WORLD, PETSC_ERR_ARG_SIZ, "case too large for the weight array");
  for (PetscInt i = 0; i < k->c_out * k->c_in * kw; i++) w[i] = PetscSinReal(1.3 * i + 0.4) + (i % kw == k->radius ? 0.5 : 0.0);
  conv = (PdennConv1d){k->c_in, k->c_out, k->radius, k->bc, w, NULL};
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, k->N, k->c_in, k->radius, &da_u));
  PetscCall(PdennDMDACreate1d(PETSC_COMM_WORLD, k->N, k->c_out, k->radius, &da_z));
  PetscCall(PdennSymStepSetUp(&st, da_u, da_z, conv, PdennFluxActivation, &flux));
  if (k->chunk) st.chunk = k->chunk;
  PetscCall(PetscSNPrintf(name, sizeof(name), "N %" PetscInt_FMT ", %" PetscInt_FMT " -> %" PetscInt_FMT " radius %" PetscInt_FMT ", %s, block %" PetscInt_FMT, k->N, k->c_in, k->c_out, k->radius, PdennBoundaryTypes[k->bc], st.chunk));
  PetscCall(Compare(&st, 1.0, name, worst));
  PetscCall(Compare(&st, 0.0, name, worst));
  PetscCall(PdennSymStepDestroy(&st));
  PetscCall(DMDestroy(&da_u));
  PetscCall(DMDestroy(&da_z));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  const Case cases[] = {
      {103, 1, 1, 1, PDENN_BC_REFLECT, 5},
      {103, 1, 3, 2, PDENN_BC_ZERO, 3},
      {103, 2, 3, 1, PDENN_BC_REFLECT, 4},
      {1031, 1, 8, 1, PDENN_BC_REFLECT, 0},
  };
  PetscReal worst = 0.0;

  PetscFunctionBeginUser;
  PetscCall(PetscInitialize(&argc, &argv, NULL, "One-pass backward of the symmetric step against the unfused computation"));
  for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) PetscCall(RunCase(&cases[k], &worst));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "largest relative difference %g (tolerance %g)\n", (double)worst, (double)TOL));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "symstep backward checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
