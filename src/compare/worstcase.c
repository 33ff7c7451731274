/* Worst-case stability of a network (docs/results.md "Worst-case gains"; docs/science.md §2): the
   input x maximising the gain ||f(x)|| / ||x||, searched by projected gradient ascent of
   J(x) = ||f(x)||^2 / 2 on the sphere ||x|| = rho of each start. grad J = J_f(x)^T f(x) is the
   model's Backward with dL/dy = f(x). Random stress inputs (evaluate.c) only sample the gain;
   this searches for its maximum. */
#include "comparepriv.h"

#define WORST_STATIONARY 1e-10 /* stop: the tangent gradient below this fraction of the gradient */
#define WORST_MIN_STEP 1e-12   /* stop: a trial step shorter than this fraction of rho */

typedef struct {
  PdennModel model;
  Vec        y, yt, g, t, xt; /* f(x), f(trial), grad J, its tangent part, the trial input */
  PetscReal *dtheta;          /* Backward accumulates a parameter gradient: discarded */
  PetscInt   nparams;
  PetscReal  rho;
} Ascent;

PetscErrorCode PdennWorstCaseParamsDefault(PdennWorstCaseParams *p)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(p, sizeof(*p)));
  p->starts    = 4;
  p->iters     = 30;
  p->nscales   = 2;
  p->scales[0] = 1.0;
  p->scales[1] = 100.0;
  p->max_rows  = 16;
  PetscFunctionReturn(0);
}

PetscInt PdennWorstCaseNumStarts(const PdennWorstCaseParams *p, PetscInt nrows)
{
  return p->starts > 0 && p->iters > 0 ? PetscMin(nrows, p->max_rows) + p->starts * p->nscales : 0;
}

/* yv = f(x), *gain = ||f(x)|| / rho; the model's tape then holds x */
static PetscErrorCode Evaluate(Ascent *a, Vec x, Vec yv, PetscReal *gain)
{
  PetscReal ny;

  PetscFunctionBeginUser;
  PetscCall(PdennModelForward(a->model, x, yv));
  PetscCall(VecNorm(yv, NORM_2, &ny));
  *gain = ny / a->rho;
  PetscFunctionReturn(0);
}

/* g = J_f(x)^T f(x) (the tape must hold x), t = g - (<g, x> / rho^2) x */
static PetscErrorCode Tangent(Ascent *a, Vec x, PetscReal *nt, PetscReal *ng)
{
  PetscScalar gx;

  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(a->dtheta, a->nparams));
  PetscCall(PdennModelBackward(a->model, a->y, a->g, a->dtheta));
  PetscCall(VecDot(a->g, x, &gx));
  PetscCall(VecWAXPY(a->t, -gx / (a->rho * a->rho), x, a->g));
  PetscCall(VecNorm(a->t, NORM_2, nt));
  PetscCall(VecNorm(a->g, NORM_2, ng));
  PetscFunctionReturn(0);
}

/* Step rule: trial x' = rho (x + eta t) / ||x + eta t||, first eta moves x by 0.1 rho. A trial is
   accepted when the gain increases; eta then doubles (for a linear f a long step is a power
   iteration step, so the ascent speeds up to it), else eta is quartered and retried from x. */
static PetscErrorCode Ascend(Ascent *a, Vec x, PetscInt iters, PetscReal *best)
{
  PetscInt  evals = 1;
  PetscReal eta   = 0.0, nt, ng, trial, nxt;

  PetscFunctionBeginUser;
  PetscCall(Evaluate(a, x, a->y, best));
  while (evals < iters) {
    PetscBool accepted = PETSC_FALSE;
    PetscCall(Tangent(a, x, &nt, &ng));
    if (!(nt > WORST_STATIONARY * ng)) break; /* stationary (or a zero gradient) */
    if (eta == 0.0) eta = 0.1 * a->rho / nt;
    while (evals < iters && !accepted && eta * nt >= WORST_MIN_STEP * a->rho) {
      PetscCall(VecWAXPY(a->xt, eta, a->t, x));
      PetscCall(VecNorm(a->xt, NORM_2, &nxt));
      PetscCall(VecScale(a->xt, a->rho / nxt));
      PetscCall(Evaluate(a, a->xt, a->yt, &trial));
      evals++;
      accepted = (PetscBool)(trial > *best);
      eta *= accepted ? 2.0 : 0.25;
    }
    if (!accepted) break;
    *best = trial;
    PetscCall(VecCopy(a->xt, x));
    PetscCall(VecSwap(a->y, a->yt)); /* the tape holds x = the accepted trial */
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelWorstCaseAscent(PdennModel model, Vec x, PetscInt iters, PetscReal *gain)
{
  Ascent a;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&a, sizeof(a)));
  a.model = model;
  PetscCall(VecNorm(x, NORM_2, &a.rho));
  PetscCheck(a.rho > 0.0, PetscObjectComm((PetscObject)x), PETSC_ERR_ARG_WRONG, "worst-case search: the start input is zero; expected a nonzero input");
  PetscCheck(iters >= 1, PetscObjectComm((PetscObject)x), PETSC_ERR_ARG_OUTOFRANGE, "worst-case search: %" PetscInt_FMT " evaluations; expected >= 1", iters);
  PetscCall(PdennModelGetNumParameters(model, &a.nparams));
  PetscCall(PetscMalloc1(a.nparams, &a.dtheta));
  PetscCall(VecDuplicate(x, &a.y));
  PetscCall(VecDuplicate(x, &a.yt));
  PetscCall(VecDuplicate(x, &a.g));
  PetscCall(VecDuplicate(x, &a.t));
  PetscCall(VecDuplicate(x, &a.xt));
  PetscCall(Ascend(&a, x, iters, gain));
  PetscCall(VecDestroy(&a.y));
  PetscCall(VecDestroy(&a.yt));
  PetscCall(VecDestroy(&a.g));
  PetscCall(VecDestroy(&a.t));
  PetscCall(VecDestroy(&a.xt));
  PetscCall(PetscFree(a.dtheta));
  PetscFunctionReturn(0);
}

/* Start k: a given row at its norm, or uniform random values scaled to scales[j] data_norm.
 *norm = 0: a zero row, skipped. */
static PetscErrorCode StartInput(const PdennWorstCaseParams *p, PetscReal data_norm, PetscInt nrows_all, const PetscReal rows[], PetscInt k, PetscReal row[], PetscInt N, Vec x, PetscReal *norm)
{
  const PetscInt nrows = PetscMin(nrows_all, p->max_rows);

  PetscFunctionBeginUser;
  if (k < nrows)
    PetscCall(PdennRowsToVec(rows + k * N, x));
  else {
    const PetscInt j = k - nrows;
    for (PetscInt i = 0; i < N; i++) row[i] = PdennRandomUniform(p->seed, 9000 + j, i);
    PetscCall(PdennRowsToVec(row, x));
  }
  PetscCall(VecNorm(x, NORM_2, norm));
  if (k >= nrows && *norm > 0.0) {
    PetscCall(VecScale(x, p->scales[(k - nrows) / p->starts] * data_norm / *norm));
    PetscCall(VecNorm(x, NORM_2, norm));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennModelWorstCase(PdennModel model, const PdennWorstCaseParams *p, PetscReal data_norm, PetscInt nrows, const PetscReal rows[], PetscInt lo, PetscInt hi, PdennWorstCase *w)
{
  DM         da;
  Vec        x;
  PetscInt   N;
  PetscReal *row, norm, gain;

  PetscFunctionBeginUser;
  PetscCheck(p->nscales >= 1 && p->nscales <= PDENN_WORST_MAX_SCALES, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "worst-case search: %" PetscInt_FMT " scales; expected 1 to %d", p->nscales, PDENN_WORST_MAX_SCALES);
  PetscCheck(data_norm > 0.0 || p->starts == 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "worst-case search: data norm %g; expected > 0", (double)data_norm);
  w->gain       = 0.0;
  w->input_norm = 0.0;
  w->start      = -1;
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecGetSize(x, &N));
  PetscCall(PetscMalloc1(N, &row));
  for (PetscInt k = lo; k < hi; k++) {
    PetscCall(StartInput(p, data_norm, nrows, rows, k, row, N, x, &norm));
    if (norm == 0.0) continue;
    PetscCall(PdennModelWorstCaseAscent(model, x, p->iters, &gain));
    if (gain > w->gain) {
      w->gain       = gain;
      w->input_norm = norm;
      w->start      = k;
    }
  }
  PetscCall(PetscFree(row));
  PetscCall(VecDestroy(&x));
  PetscFunctionReturn(0);
}

/* ---- pdenn_compare: the worst_gain column of every trained network ------------------------- */
PetscErrorCode PdennCompareWorstCaseOptions(PetscOptionItems *PetscOptionsObject, PdennCompare cmp)
{
  PetscInt  n = PDENN_WORST_MAX_SCALES;
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PdennWorstCaseParamsDefault(&cmp->worst));
  PetscCall(PdennOptionsInt("-compare_worst_starts", "Worst-case gain of every network: random starts per scale of the gradient ascent on ||f(x)||/||x|| (besides the test inputs); 0: no search", cmp->worst.starts, 0, 100000, &cmp->worst.starts, NULL));
  PetscCall(PdennOptionsInt("-compare_worst_test_inputs", "Worst-case gain: at most this many of the test inputs (the first) also start an ascent", cmp->worst.max_rows, 0, 1000000, &cmp->worst.max_rows, NULL));
  PetscCall(PdennOptionsInt("-compare_worst_iters", "Worst-case gain: network evaluations per start; 0: no search", cmp->worst.iters, 0, 1000000, &cmp->worst.iters, NULL));
  PetscCall(PetscOptionsRealArray("-compare_worst_scales", "Worst-case gain: norms of the random starts as multiples of the test inputs' RMS norm (default 1,100; at most 8)", NULL, cmp->worst.scales, &n, &set));
  if (set) {
    PetscCheck(n >= 1, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key -compare_worst_scales: empty; expected a comma list of 1 to %d positive multiples, e.g. 1,100", PDENN_WORST_MAX_SCALES);
    for (PetscInt j = 0; j < n; j++) PetscCheck(cmp->worst.scales[j] > 0.0, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key -compare_worst_scales: entry %g; expected positive multiples, e.g. 1,100", (double)cmp->worst.scales[j]);
    cmp->worst.nscales = n;
  }
  PetscFunctionReturn(0);
}

/* RMS norm of the test inputs: the data's scale */
static PetscReal DataNorm(PdennCompare cmp)
{
  PetscReal sum = 0.0;

  for (PetscInt i = 0; i < cmp->ntest * cmp->N; i++) sum += cmp->test_input[i] * cmp->test_input[i];
  return PetscSqrtReal(sum / cmp->ntest);
}

/* Every batch group searches its share of the starts (as in evaluation); the best over all. */
PetscErrorCode PdennCompareWorstCaseRun(PdennCompare cmp, PdennCompareMethod *m)
{
  PdennModel     model;
  PdennWorstCase w;
  PetscInt       space_ranks, ngroups, lo, hi;
  PetscReal      data_norm = DataNorm(cmp), gain, norm;

  PetscFunctionBeginUser;
  m->worst_gain = m->worst_scale = NAN;
  if (!PdennWorstCaseNumStarts(&cmp->worst, cmp->ntest) || data_norm == 0.0) PetscFunctionReturn(0);
  PetscCall(PdennTrainerGetModel(m->trainer, &model));
  PetscCall(PdennTrainerGetLayout(m->trainer, &space_ranks, &ngroups));
  PdennBatchShare(PdennWorstCaseNumStarts(&cmp->worst, cmp->ntest), cmp->rank / space_ranks, ngroups, &lo, &hi);
  PetscCall(PdennModelWorstCase(model, &cmp->worst, data_norm, cmp->ntest, cmp->test_input, lo, hi, &w));
  PetscCallMPI(MPI_Allreduce(&w.gain, &gain, 1, MPIU_REAL, MPIU_MAX, cmp->comm));
  norm = w.gain == gain ? w.input_norm : -1.0; /* the input of the best gain (any, on a tie) */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &norm, 1, MPIU_REAL, MPIU_MAX, cmp->comm));
  m->worst_gain  = gain;
  m->worst_scale = norm / data_norm;
  PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: %-10s worst-case gain %.9f at an input of %.3g x the data's norm (%" PetscInt_FMT " starts, %" PetscInt_FMT " evaluations each)\n", m->name, (double)gain, (double)m->worst_scale, PdennWorstCaseNumStarts(&cmp->worst, cmp->ntest), cmp->worst.iters));
  PetscFunctionReturn(0);
}
