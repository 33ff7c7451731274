/* The symmetric step out = u - tau W^T phi(W u) of docs/science.md §2 on DMDAs. The explicit scheme
   (W = K, phi = the flux) and the symmetric residual block (learned W and phi) both call this,
   so the paper's correspondence holds in the code: one routine, two readings. One pass over the
   owned points in cache-sized blocks (op.h), built from op.h's convolution and adjoint kernels. */
#include <pdenn/op.h>

/* The block working set (phi(z) with its halo and W^T phi(z)) in doubles: a quarter of a 48 KiB
   L1, so the block stays in cache between its three uses (throughput: docs/performance.md §1). */
#define PDENN_SYMSTEP_BLOCK_DOUBLES 1536
/* tag of the neighbour exchange of phi(z) at the block edges */
#define PDENN_SYMSTEP_TAG 7193

PetscErrorCode PdennSymStepSetUp(PdennSymStep *step, DM da_u, DM da_z, PdennConv1d conv, PdennActivationFn act, void *act_ctx)
{
  PetscInt dof_u, dof_z, sw;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da_u, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_u, &sw, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetInfo(da_z, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof_z, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dof_u == conv.c_in && dof_z == conv.c_out, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA dofs (%" PetscInt_FMT ", %" PetscInt_FMT ") do not match the convolution's channels (%" PetscInt_FMT ", %" PetscInt_FMT ")", dof_u, dof_z, conv.c_in, conv.c_out);
  PetscCheck(sw >= conv.radius, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "DMDA ghost width %" PetscInt_FMT " is below the kernel radius %" PetscInt_FMT, sw, conv.radius);
  PetscCall(PetscMemzero(step, sizeof(*step)));
  step->da_u    = da_u;
  step->da_z    = da_z;
  step->conv    = conv;
  step->act     = act;
  step->act_ctx = act_ctx;
  step->chunk   = PetscMax(conv.radius, PDENN_SYMSTEP_BLOCK_DOUBLES / (conv.c_in + conv.c_out));
  PetscCall(DMCreateLocalVector(da_u, &step->u_loc));
  PetscCall(PetscMalloc1(4 * conv.radius * conv.c_out, &step->halo));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepDestroy(PdennSymStep *step)
{
  PetscFunctionBeginUser;
  PetscCall(VecDestroy(&step->u_loc));
  PetscCall(VecDestroy(&step->s_loc));
  PetscCall(PetscFree3(step->zbuf, step->dbuf, step->rbuf));
  PetscCall(PetscFree(step->halo));
  step->cap = 0;
  PetscFunctionReturn(0);
}

static PetscBool IsPointwise(const PdennSymStep *step)
{
  return (PetscBool)(step->act == PdennFluxActivation || (step->act_pointwise && step->act == step->act_pointwise));
}

/* room for blocks of `points` owned points (grown once; the size depends only on the layout) */
static PetscErrorCode EnsureCapacity(PdennSymStep *step, PetscInt points)
{
  const PetscInt r = step->conv.radius;

  PetscFunctionBeginUser;
  if (points <= step->cap) PetscFunctionReturn(0);
  PetscCall(PetscFree3(step->zbuf, step->dbuf, step->rbuf));
  PetscCall(PetscMalloc3((points + 2 * r) * step->conv.c_out, &step->zbuf, (points + 2 * r) * step->conv.c_out, &step->dbuf, points * step->conv.c_in, &step->rbuf));
  step->cap = points;
  PetscFunctionReturn(0);
}

/* One step's arrays: u on [-r, n+r) (ghosts filled), the outputs at the first owned point. */
typedef struct {
  const PetscReal *u;
  PetscReal       *out, *z_save, *a_save, *d_save, *r_save; /* the tape's arrays, or NULL */
  PetscInt         n;
  PetscBool        at_left, at_right, pointwise;
  PetscReal        skip, tau;     /* out = skip v - tau r, skip 0 or 1, v = skip_src */
  const PetscReal *skip_src;      /* u (forward) or dy (backward), at the first owned point */
  const PetscReal *scale;         /* backward: q = scale (W s) in place of phi(W u), or NULL */
  const PetscReal *wg_u, *wg_phi; /* backward: ghosted u and the tape's phi(z), for dw */
  PetscReal       *dw;            /* backward: weight gradient to accumulate, or NULL */
} SweepArgs;

/* z = phi(z) (with phi'(z) to dphi if not NULL) on `pts` points from the point lo, or in the
   backward sweep z = phi'(z) z with phi' from the tape (the same product as the unfused pass). */
static PetscErrorCode BlockAct(PdennSymStep *step, const SweepArgs *a, PetscInt lo, PetscInt pts, PetscReal *z, PetscReal *dphi)
{
  const PetscInt co = step->conv.c_out;

  PetscFunctionBeginUser;
  if (a->scale) {
    const PetscReal *d = a->scale + lo * co;
    for (PetscInt i = 0; i < pts * co; i++) z[i] *= d[i];
  } else
    PetscCall(step->act(step->act_ctx, pts * co, z, z, dphi));
  PetscFunctionReturn(0);
}

/* The tape is written in place when it keeps phi and phi' of a blocked sweep (the training
   forward pass): no copies through the block buffer, whose only other reader is the adjoint. */
static PetscBool TapeInPlace(const SweepArgs *a)
{
  return (PetscBool)(a->pointwise && a->a_save && a->d_save);
}

/* phi(W u) on [i0 - r, i1 + r) intersected with the owned points: into zb (zb[0] is point
   i0 - r) with W u, phi, phi' on [i0, i1) copied to the tape's arrays, or (TapeInPlace) straight
   into the tape at the points' own places; overlapping points get the same values again. */
static PetscErrorCode BlockFlux(PdennSymStep *step, const SweepArgs *a, PetscInt i0, PetscInt i1, PetscReal *zb)
{
  const PetscInt r = step->conv.radius, ci = step->conv.c_in, co = step->conv.c_out;
  const PetscInt lo = PetscMax(i0 - r, 0), hi = PetscMin(i1 + r, a->n), m = (i1 - i0) * co;
  PetscReal     *zw = zb + (lo - i0 + r) * co;

  PetscFunctionBeginUser;
  if (TapeInPlace(a)) {
    PetscReal *z = a->z_save ? a->z_save + lo * co : zw;
    PetscCall(PdennConv1dForward(&step->conv, hi - lo, a->u + lo * ci, z));
    PetscCall(step->act(step->act_ctx, (hi - lo) * co, z, a->a_save + lo * co, a->d_save + lo * co));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennConv1dForward(&step->conv, hi - lo, a->u + lo * ci, zw));
  if (a->z_save) PetscCall(PetscArraycpy(a->z_save + i0 * co, zb + r * co, m));
  PetscCall(BlockAct(step, a, lo, hi - lo, zw, a->d_save ? step->dbuf : NULL));
  if (a->a_save) PetscCall(PetscArraycpy(a->a_save + i0 * co, zb + r * co, m));
  if (a->d_save) PetscCall(PetscArraycpy(a->d_save + i0 * co, step->dbuf + (i0 - lo) * co, m));
  PetscFunctionReturn(0);
}

/* phi(z) on [i0 - r, i1 + r) for the adjoint, pointing at the point i0: the tape itself away
   from the rank's edges (TapeInPlace), else zb with the neighbours' halo at the edges. */
static PetscErrorCode BlockPhi(PdennSymStep *step, const SweepArgs *a, PetscInt i0, PetscInt i1, PetscReal *zb, const PetscReal **phi)
{
  const PetscInt   r = step->conv.radius, co = step->conv.c_out, n = a->n;
  const PetscReal *recv_l = step->halo + 2 * r * co, *recv_r = recv_l + r * co;

  PetscFunctionBeginUser;
  *phi = zb + r * co;
  if (TapeInPlace(a)) {
    const PetscInt lo = PetscMax(i0 - r, 0), hi = PetscMin(i1 + r, n);
    if (i0 >= r && i1 + r <= n) {
      *phi = a->a_save + i0 * co;
      PetscFunctionReturn(0);
    }
    PetscCall(PetscArraycpy(zb + (lo - i0 + r) * co, a->a_save + lo * co, (hi - lo) * co));
  }
  if (i0 < r) PetscCall(PetscArraycpy(zb, recv_l + i0 * co, (r - i0) * co));
  if (i1 + r > n) PetscCall(PetscArraycpy(zb + (n - i0 + r) * co, recv_r, (i1 + r - n) * co));
  PetscFunctionReturn(0);
}

/* phi(z) at my first and last r points for the neighbours; receive theirs into my halo (zero at
   the physical boundary: W^T reads zero outside the domain, op.h). */
static PetscErrorCode ExchangeHalo(PdennSymStep *step, const SweepArgs *a)
{
  const PetscInt r = step->conv.radius, ci = step->conv.c_in, co = step->conv.c_out, m = r * co;
  PetscReal     *send_l = step->halo, *send_r = send_l + m, *recv_l = send_r + m, *recv_r = recv_l + m;
  MPI_Comm       comm;
  PetscMPIInt    rank, left, right, cnt;

  PetscFunctionBeginUser;
  if (a->pointwise) {
    PetscCall(PdennConv1dForward(&step->conv, r, a->u, send_l));
    PetscCall(PdennConv1dForward(&step->conv, r, a->u + (a->n - r) * ci, send_r));
    if (a->scale) {
      PetscCall(BlockAct(step, a, 0, r, send_l, NULL));
      PetscCall(BlockAct(step, a, a->n - r, r, send_r, NULL));
    } else
      PetscCall(step->act(step->act_ctx, 2 * m, send_l, send_l, NULL));
  } else { /* the single block already holds phi(z) on all owned points */
    PetscCall(PetscArraycpy(send_l, step->zbuf + m, m));
    PetscCall(PetscArraycpy(send_r, step->zbuf + a->n * co, m));
  }
  PetscCall(PetscArrayzero(recv_l, 2 * m));
  PetscCall(PetscObjectGetComm((PetscObject)step->da_u, &comm));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMPIIntCast(m, &cnt));
  left  = a->at_left ? MPI_PROC_NULL : rank - 1; /* a 1D DMDA orders its ranks left to right */
  right = a->at_right ? MPI_PROC_NULL : rank + 1;
  PetscCallMPI(MPI_Sendrecv(send_l, cnt, MPIU_REAL, left, PDENN_SYMSTEP_TAG, recv_r, cnt, MPIU_REAL, right, PDENN_SYMSTEP_TAG, comm, MPI_STATUS_IGNORE));
  PetscCallMPI(MPI_Sendrecv(send_r, cnt, MPIU_REAL, right, PDENN_SYMSTEP_TAG, recv_l, cnt, MPIU_REAL, left, PDENN_SYMSTEP_TAG, comm, MPI_STATUS_IGNORE));
  PetscFunctionReturn(0);
}

/* out = skip u - tau r on one block (skip 0: the residual alone, even where u is not finite) */
static void BlockUpdate(PetscInt m, PetscReal skip, PetscReal tau, const PetscReal *restrict u, const PetscReal *restrict r, PetscReal *restrict out)
{
  if (skip == 0.0)
    for (PetscInt i = 0; i < m; i++) out[i] = -tau * r[i];
  else
    for (PetscInt i = 0; i < m; i++) out[i] = u[i] - tau * r[i];
}

/* Blocks of step->chunk points (a last block of fewer than r points joins the one before, so
   the boundary blocks can take the reflecting fold-back of op.h's adjoint). */
static PetscErrorCode Sweep(PdennSymStep *step, const SweepArgs *a)
{
  const PetscInt r = step->conv.radius, ci = step->conv.c_in, n = a->n;
  const PetscInt chunk = a->pointwise ? PetscMax(step->chunk, r) : n;
  PetscReal     *zb    = step->zbuf;

  PetscFunctionBeginUser;
  for (PetscInt i0 = 0, i1; i0 < n; i0 = i1) {
    PetscReal       *rb = a->r_save ? a->r_save + i0 * ci : step->rbuf;
    const PetscReal *phi;
    i1 = n - i0 - chunk < r ? n : i0 + chunk;
    if (a->pointwise) PetscCall(BlockFlux(step, a, i0, i1, zb));
    PetscCall(BlockPhi(step, a, i0, i1, zb, &phi));
    if (a->dw) { /* backward: <W s, phi(z)> and <q, W u> on the block, s = a->u, q = phi */
      PetscCall(PdennConv1dWeightGrad(&step->conv, i1 - i0, a->u + i0 * ci, a->wg_phi + i0 * step->conv.c_out, a->dw, NULL));
      PetscCall(PdennConv1dWeightGrad(&step->conv, i1 - i0, a->wg_u + i0 * ci, phi, a->dw, NULL));
    }
    PetscCall(PdennConv1dAdjoint(&step->conv, i1 - i0, (PetscBool)(a->at_left && i0 == 0), (PetscBool)(a->at_right && i1 == n), phi, rb));
    BlockUpdate((i1 - i0) * ci, a->skip, a->tau, a->skip_src + i0 * ci, rb, a->out + i0 * ci);
  }
  PetscFunctionReturn(0);
}

/* The tape's arrays (NULL for absent vectors); restored by TapeRestore. */
static PetscErrorCode TapeGet(const PdennSymStepTape *t, SweepArgs *a)
{
  PetscFunctionBeginUser;
  a->z_save = a->a_save = a->d_save = a->r_save = NULL;
  if (t->z) PetscCall(VecGetArrayWrite(t->z, &a->z_save));
  if (t->phi) PetscCall(VecGetArrayWrite(t->phi, &a->a_save));
  if (t->dphi) PetscCall(VecGetArrayWrite(t->dphi, &a->d_save));
  if (t->r) PetscCall(VecGetArrayWrite(t->r, &a->r_save));
  PetscFunctionReturn(0);
}

static PetscErrorCode TapeRestore(const PdennSymStepTape *t, SweepArgs *a)
{
  PetscFunctionBeginUser;
  if (t->z) PetscCall(VecRestoreArrayWrite(t->z, &a->z_save));
  if (t->phi) PetscCall(VecRestoreArrayWrite(t->phi, &a->a_save));
  if (t->dphi) PetscCall(VecRestoreArrayWrite(t->dphi, &a->d_save));
  if (t->r) PetscCall(VecRestoreArrayWrite(t->r, &a->r_save));
  PetscFunctionReturn(0);
}

/* out = skip u - tau W^T phi(W u) in one pass (see op.h), filling the tape */
static PetscErrorCode SymStepRun(PdennSymStep *step, PetscReal skip, PetscReal tau, Vec u, Vec out, const PdennSymStepTape *tape)
{
  PetscReal *ua;
  SweepArgs  a;

  PetscFunctionBeginUser;
  PetscCheck(!tape->r || (tape->r != out && tape->r != u), PETSC_COMM_SELF, PETSC_ERR_ARG_IDN, "the tape's r must differ from u and out");
  PetscCall(PdennDMDAGetGhostedArray(step->da_u, u, step->u_loc, step->conv.bc, &ua, &a.n, &a.at_left, &a.at_right));
  a.u        = ua;
  a.skip_src = ua;
  a.scale = a.wg_u = a.wg_phi = NULL;
  a.dw                        = NULL;
  a.pointwise                 = IsPointwise(step);
  a.skip                      = skip;
  a.tau                       = tau;
  PetscCall(EnsureCapacity(step, a.pointwise ? PetscMax(step->chunk, step->conv.radius) + step->conv.radius : a.n));
  PetscCall(VecGetArrayWrite(out, &a.out));
  PetscCall(TapeGet(tape, &a));
  if (!a.pointwise) PetscCall(BlockFlux(step, &a, 0, a.n, step->zbuf)); /* the activation sees all owned points at once */
  PetscCall(ExchangeHalo(step, &a));
  PetscCall(Sweep(step, &a));
  PetscCall(TapeRestore(tape, &a));
  PetscCall(VecRestoreArrayWrite(out, &a.out));
  PetscCall(VecRestoreArray(step->u_loc, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepResidual(PdennSymStep *step, Vec u, Vec r, Vec z_save)
{
  const PdennSymStepTape tape = {z_save, NULL, NULL, NULL};

  PetscFunctionBeginUser;
  PetscCall(SymStepRun(step, 0.0, -1.0, u, r, &tape)); /* -(-1) r is r exactly */
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepApply(PdennSymStep *step, PetscReal tau, Vec u, Vec out, Vec z_save)
{
  const PdennSymStepTape tape = {z_save, NULL, NULL, NULL};

  PetscFunctionBeginUser;
  PetscCall(SymStepRun(step, 1.0, tau, u, out, &tape));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepApplySave(PdennSymStep *step, PetscReal tau, Vec u, Vec out, const PdennSymStepTape *tape)
{
  PetscFunctionBeginUser;
  PetscCall(SymStepRun(step, 1.0, tau, u, out, tape));
  PetscFunctionReturn(0);
}

/* s = -tau dy with its ghosts (the reflection commutes with the scaling), u with its ghosts if
   the weight gradient is wanted; released by BackwardRestore. */
static PetscErrorCode BackwardGet(PdennSymStep *step, PetscReal tau, Vec u, Vec dy, PetscBool want_dw, SweepArgs *a)
{
  const PetscInt r = step->conv.radius, ci = step->conv.c_in;
  PetscReal     *sa, *ua                   = NULL;

  PetscFunctionBeginUser;
  if (!step->s_loc) PetscCall(VecDuplicate(step->u_loc, &step->s_loc));
  PetscCall(PdennDMDAGetGhostedArray(step->da_u, dy, step->s_loc, step->conv.bc, &sa, &a->n, &a->at_left, &a->at_right));
  for (PetscInt i = -r * ci; i < (a->n + r) * ci; i++) sa[i] = -tau * sa[i];
  if (want_dw) PetscCall(PdennDMDAGetGhostedArray(step->da_u, u, step->u_loc, step->conv.bc, &ua, &a->n, &a->at_left, &a->at_right));
  a->u    = sa;
  a->wg_u = ua;
  PetscCall(VecGetArrayRead(dy, &a->skip_src));
  PetscFunctionReturn(0);
}

static PetscErrorCode BackwardRestore(PdennSymStep *step, Vec dy, SweepArgs *a)
{
  PetscFunctionBeginUser;
  PetscCall(VecRestoreArrayRead(dy, &a->skip_src));
  if (a->wg_u) PetscCall(VecRestoreArray(step->u_loc, NULL));
  PetscCall(VecRestoreArray(step->s_loc, NULL));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSymStepBackward(PdennSymStep *step, PetscReal tau, Vec u, const PdennSymStepTape *tape, Vec dy, PetscReal skip, Vec du, PetscReal dw[])
{
  SweepArgs a;

  PetscFunctionBeginUser;
  PetscCheck(tape->phi && tape->dphi, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "the one-pass backward needs phi and phi' on the tape");
  PetscCheck(IsPointwise(step), PETSC_COMM_SELF, PETSC_ERR_SUP, "the one-pass backward needs a pointwise activation");
  PetscCheck(skip == 0.0 || skip == 1.0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "skip %g is not 0 or 1", (double)skip);
  PetscCheck(du != dy && du != u, PETSC_COMM_SELF, PETSC_ERR_ARG_IDN, "du must differ from dy and u");
  PetscCall(PetscMemzero(&a, sizeof(a)));
  PetscCall(BackwardGet(step, tau, u, dy, (PetscBool)(dw != NULL), &a));
  a.pointwise = PETSC_TRUE;
  a.skip      = skip;
  a.tau       = -1.0; /* du = skip dy + W^T q exactly */
  a.dw        = dw;
  PetscCall(VecGetArrayRead(tape->dphi, &a.scale));
  PetscCall(VecGetArrayRead(tape->phi, &a.wg_phi));
  PetscCall(VecGetArrayWrite(du, &a.out));
  PetscCall(EnsureCapacity(step, PetscMax(step->chunk, step->conv.radius) + step->conv.radius));
  PetscCall(ExchangeHalo(step, &a));
  PetscCall(Sweep(step, &a));
  PetscCall(VecRestoreArrayWrite(du, &a.out));
  PetscCall(VecRestoreArrayRead(tape->phi, &a.wg_phi));
  PetscCall(VecRestoreArrayRead(tape->dphi, &a.scale));
  PetscCall(BackwardRestore(step, dy, &a));
  PetscFunctionReturn(0);
}

/* A start vector that depends on the global index only, so every rank layout agrees. */
static PetscErrorCode PowerIterationStart(DM da, Vec x)
{
  PetscInt   xs, xm, dof;
  PetscReal *xa;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(PdennDMDAGetOwnership(da, &xs, &xm, NULL, NULL));
  PetscCall(VecGetArray(x, &xa));
  for (PetscInt i = 0; i < xm; i++)
    for (PetscInt c = 0; c < dof; c++) xa[i * dof + c] = PetscSinReal(1.7 * (xs + i) + 0.3 * c + 0.1) + 0.01 * c;
  PetscCall(VecRestoreArray(x, &xa));
  PetscFunctionReturn(0);
}

/* ||W||_2 via power iteration on W^T W with phi = identity: its iterations from a fixed,
   rank-independent start vector (so every layout gets the same estimate). */
PetscErrorCode PdennSymStepNormW(PdennSymStep *step, PetscInt its, PetscReal *norm)
{
  PdennActivationFn act      = step->act;
  PdennFlux         identity = {PDENN_FLUX_LINEAR, 1.0};
  void             *ctx      = step->act_ctx;
  Vec               x, y;
  PetscReal         nrm = 0.0;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(step->da_u, &x));
  PetscCall(VecDuplicate(x, &y));
  PetscCall(PowerIterationStart(step->da_u, x));
  step->act     = PdennFluxActivation;
  step->act_ctx = &identity;
  for (PetscInt k = 0; k < its; k++) {
    PetscCall(VecNormalize(x, NULL));
    PetscCall(PdennSymStepResidual(step, x, y, NULL));
    PetscCall(VecDot(x, y, &nrm)); /* Rayleigh quotient x^T W^T W x */
    PetscCall(VecCopy(y, x));
  }
  step->act     = act;
  step->act_ctx = ctx;
  *norm         = PetscSqrtReal(PetscMax(nrm, 0.0));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&y));
  PetscFunctionReturn(0);
}
