/* Figures of merit of a method's test outputs (docs/science.md §6): error against the task's ground
   truth, and the Euclidean gain ||output|| / ||input|| whose maximum shows stability (§2: <= 1
   for the stable schemes and the symmetric networks on EVERY input, hence also on the stress
   inputs that lie far outside the training data). Computed on rank 0 from the assembled rows in
   a fixed order, so the numbers do not depend on the rank count. */
#include "comparepriv.h"

PetscErrorCode PdennCompareErrorsCompute(PetscInt n, PetscInt N, const PetscReal output[], const PetscReal target[], const PetscReal input[], PetscReal peak, PdennCompareErrors *e)
{
  PetscReal sum_mse = 0.0;

  PetscFunctionBeginUser;
  PetscCheck(n > 0 && N > 0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "no samples (%" PetscInt_FMT " x %" PetscInt_FMT ")", n, N);
  e->max_gain = 0.0;
  for (PetscInt k = 0; k < n; k++) {
    const PetscReal *y = output + k * N, *x = input + k * N;
    PetscReal        se = 0.0, ny = 0.0, nx = 0.0;
    for (PetscInt i = 0; i < N; i++) {
      ny += y[i] * y[i];
      nx += x[i] * x[i];
    }
    if (target) {
      const PetscReal *t = target + k * N;
      for (PetscInt i = 0; i < N; i++) se += (y[i] - t[i]) * (y[i] - t[i]);
    }
    sum_mse += se / N;
    /* a zero input has a zero output for every method here; count its gain as 1 */
    e->max_gain = PetscMax(e->max_gain, nx > 0.0 ? PetscSqrtReal(ny / nx) : 1.0);
  }
  e->mse = sum_mse / n;
  /* an exact output has no finite PSNR: reported as not applicable */
  e->psnr = e->mse > 0.0 ? 10.0 * PetscLog10Real(peak * peak / e->mse) : NAN;
  PetscFunctionReturn(0);
}

/* Images: the mean over the test images of SSIM(output, target), L = the PSNR peak. */
static PetscErrorCode MeanSSIM(PdennCompare cmp, PdennCompareMethod *m)
{
  PetscReal sum = 0.0, s;

  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < cmp->ntest; k++) {
    PetscCall(PdennCompareSSIM(cmp->pde->M[0], cmp->pde->M[1], cmp->test_target + k * cmp->N, m->output + k * cmp->N, cmp->peak, &s));
    sum += s;
  }
  m->ssim = sum / cmp->ntest;
  PetscFunctionReturn(0);
}

/* Assembles the outputs on rank 0 (each rank has added its owned points) and computes the
   errors; stress_output (the stress inputs' outputs, partial like output) gives the stress gain. */
PetscErrorCode PdennCompareMethodFinish(PdennCompare cmp, PdennCompareMethod *m, const PetscReal stress_output[])
{
  PetscReal     *stress = NULL;
  const PetscInt n      = cmp->ntest * cmp->N;

  PetscFunctionBeginUser;
  PetscCall(PdennRowsReduce(cmp->comm, n, m->output));
  if (stress_output) {
    PetscCall(PetscMalloc1(n, &stress));
    PetscCall(PetscArraycpy(stress, stress_output, n));
    PetscCall(PdennRowsReduce(cmp->comm, n, stress));
  }
  m->ssim = NAN;
  if (!cmp->rank) {
    PetscCall(PdennCompareErrorsCompute(cmp->ntest, cmp->N, m->output, cmp->test_target, cmp->test_input, cmp->peak, &m->test));
    if (cmp->pde->dim == 2) PetscCall(MeanSSIM(cmp, m));
    if (stress) PetscCall(PdennCompareErrorsCompute(cmp->ntest, cmp->N, stress, NULL, cmp->stress_input, cmp->peak, &m->stress));
  }
  /* every rank prints and reports the same figures */
  PetscCallMPI(MPI_Bcast(&m->test, 3, MPIU_REAL, 0, cmp->comm));
  PetscCallMPI(MPI_Bcast(&m->stress, 3, MPIU_REAL, 0, cmp->comm));
  PetscCallMPI(MPI_Bcast(&m->ssim, 1, MPIU_REAL, 0, cmp->comm));
  if (!stress) m->stress.max_gain = NAN;
  PetscCall(PetscFree(stress));
  m->done = PETSC_TRUE;
  PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: %-10s %-9s test MSE %.4e  PSNR %6.2f dB  max gain %.6f  %.3e s/sample\n", m->name, PdennMethodKinds[m->kind], (double)m->test.mse, (double)m->test.psnr, (double)m->test.max_gain, (double)m->seconds_per_sample));
  if (cmp->pde->dim == 2) PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: %-10s SSIM %.6f (mean over the test images, against the target)\n", m->name, (double)m->ssim));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareMethodFree(PdennCompareMethod *m)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSolverDestroy(&m->solver));
  PetscCall(PdennTrainerDestroy(&m->trainer));
  PetscCall(PdennOptionsScopeDestroy(&m->scope));
  PetscCall(PetscFree(m->output));
  PetscCall(PetscFree(m->train_loss));
  PetscCall(PetscFree(m->val_loss));
  PetscCall(PetscFree(m->step_loss));
  for (PetscInt c = 0; c < m->n_curves; c++) PetscCall(PetscFree2(m->curves[c].s, m->curves[c].phi));
  PetscCall(PetscFree(m->curves));
  for (PetscInt g = 0; g < m->n_groups; g++) PetscCall(PetscFree(m->group_names[g]));
  PetscCall(PetscFree3(m->group_names, m->group_offset, m->group_size));
  PetscCall(PetscFree(m->theta));
  PetscFunctionReturn(0);
}
