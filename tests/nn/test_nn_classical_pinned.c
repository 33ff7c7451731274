/* Classically initialised networks (PdennModelInitClassical) against the schemes written out here
   on a plain array, not against pdenn's solvers: K the forward difference (0, -1, 1)/h or the
   second difference (1, -2, 1)/h^2 with the half-sample mirror (science §1), assembled densely,
   K^T its transpose, and the Perona-Malik flux Phi(s) = lambda^2 s / (lambda^2 + s^2):
   - sym_resnet, 8 blocks = 8 explicit steps u <- u - tau K^T Phi(K u);
   - fsi_resnet, 8 blocks in cycles of 4 = the FSI recurrence u^{k+1} = alpha_p (u^k - tau K^T
     Phi(K u^k)) + (1 - alpha_p) u^{k-1}, alpha_p = (4p+2)/(2p+3), p = k mod 4, u^{-1} = u^0 at
     each cycle start (docs/networks.md, science §3);
   - recurrent, 6 iterations v <- f - tau K^T Phi(K v) from v = f (science §4), tau = tau_max/4.
   Orders 1 and 2, h = 1 and 0.5, noise of amplitude 1 against lambda = 0.3 (the flux far from
   linear). Agreement to 1e-12 relative (max norm): the same arithmetic in another order. */
#include "nntest.h"

static const char help[] = "Classical networks against schemes written in the test.\n";

typedef struct {
  PetscInt  N;
  PetscReal lambda, *K, *z, *r; /* K dense N x N; work */
} Scheme;

/* K from its 3-point stencil with the half-sample mirror u[-1] = u[0], u[N] = u[N-1] */
static void SchemeSetUp(Scheme *s, PetscInt order, PetscReal h)
{
  const PetscReal  st1[3] = {0.0, -1.0 / h, 1.0 / h}, st2[3] = {1.0 / (h * h), -2.0 / (h * h), 1.0 / (h * h)};
  const PetscReal *st = order == 1 ? st1 : st2;
  const PetscInt   N  = s->N;

  for (PetscInt i = 0; i < N * N; i++) s->K[i] = 0.0;
  for (PetscInt i = 0; i < N; i++)
    for (PetscInt o = -1; o <= 1; o++) {
      const PetscInt p = i + o < 0 ? 0 : i + o >= N ? N - 1
                                                    : i + o;
      s->K[i * N + p] += st[o + 1];
    }
}

/* r = K^T Phi(K u) */
static void SchemeResidual(Scheme *s, const PetscReal u[], PetscReal r[])
{
  const PetscInt  N  = s->N;
  const PetscReal l2 = s->lambda * s->lambda;

  for (PetscInt i = 0; i < N; i++) {
    PetscReal ku = 0.0;
    for (PetscInt j = 0; j < N; j++) ku += s->K[i * N + j] * u[j];
    s->z[i] = l2 * ku / (l2 + ku * ku);
  }
  for (PetscInt j = 0; j < N; j++) {
    r[j] = 0.0;
    for (PetscInt i = 0; i < N; i++) r[j] += s->K[i * N + j] * s->z[i];
  }
}

/* The reference output of the model type on input f (overwritten by the output). */
static void SchemeReference(Scheme *s, PdennModelType type, PetscReal tau, PetscInt n_apply, PetscInt cycle, PetscReal f[], PetscReal prev[], PetscReal cur[])
{
  const PetscInt N = s->N;

  for (PetscInt i = 0; i < N; i++) cur[i] = f[i];
  for (PetscInt k = 0; k < n_apply; k++) {
    if (type == PDENN_MODEL_RECURRENT) { /* v <- f - tau K^T Phi(K v) */
      SchemeResidual(s, cur, s->r);
      for (PetscInt i = 0; i < N; i++) cur[i] = f[i] - tau * s->r[i];
    } else if (type == PDENN_MODEL_SYM_RESNET) {
      SchemeResidual(s, cur, s->r);
      for (PetscInt i = 0; i < N; i++) cur[i] -= tau * s->r[i];
    } else {
      const PetscInt  p     = k % cycle;
      const PetscReal alpha = (4.0 * p + 2.0) / (2.0 * p + 3.0);
      if (p == 0)
        for (PetscInt i = 0; i < N; i++) prev[i] = cur[i]; /* u^{-1} = u^0 */
      SchemeResidual(s, cur, s->r);
      for (PetscInt i = 0; i < N; i++) {
        const PetscReal next = alpha * (cur[i] - tau * s->r[i]) + (1.0 - alpha) * prev[i];
        prev[i]              = cur[i];
        cur[i]               = next;
      }
    }
  }
  for (PetscInt i = 0; i < N; i++) f[i] = cur[i];
}

/* A problem and a model from exactly these keys (a fresh options database). */
static PetscErrorCode Build(const char opts[], PdennDiffusion *pde, PdennModel *model)
{
  PetscOptions options;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertString(options, opts));
  PetscCall(PetscOptionsPush(options));
  PetscCall(PdennDiffusionCreate(PETSC_COMM_WORLD, pde));
  PetscCall(PdennDiffusionSetFromOptions(*pde));
  PetscCall(PdennDiffusionSetUp(*pde));
  PetscCall(PdennModelCreate(PETSC_COMM_WORLD, "c_", model));
  PetscCall(PdennModelSetFromOptions(*model));
  PetscCall(PdennModelSetUp(*model, (*pde)->N));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckCase(const char type[], PetscInt order, PetscReal h, PetscReal tau_fraction)
{
  const PetscInt N = 48, cycle = 4;
  PdennDiffusion pde;
  PdennModel     model;
  PdennModelType mt;
  Scheme         s = {N, 0.3, NULL, NULL, NULL};
  PetscReal      tau_max, tau, *y, *f, *prev, *cur, err = 0.0, scale = 0.0;
  PetscInt       n;
  DM             da;
  Vec            x, out;
  char           opts[512];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-N %d -h %g -order %d -flux perona_malik -lambda %g -c_model_type %s -c_blocks 8 -c_cycle_length %d -c_iterations 6 -c_channels 2 -c_kernel_radius 1 -c_activation tanh", (int)N, (double)h, (int)order, (double)s.lambda, type, (int)cycle));
  PetscCall(Build(opts, &pde, &model));
  PetscCall(PdennDiffusionTauMax(pde, &tau_max));
  tau = tau_fraction * tau_max;
  PetscCall(PdennModelInitClassical(model, pde, tau));
  PetscCall(PdennModelGetType(model, &mt));
  PetscCall(PdennModelGetDM(model, &da));
  PetscCall(DMCreateGlobalVector(da, &x));
  PetscCall(VecDuplicate(x, &out));
  PetscCall(NNTestFill(x, 21 + order, 1.0, 0.0));
  PetscCall(PdennModelForward(model, x, out));
  PetscCall(NNTestGather(out, &y, &n));
  PetscCall(NNTestGather(x, &f, &n));
  PetscCall(PetscMalloc5(N * N, &s.K, N, &s.z, N, &s.r, N, &prev, N, &cur));
  SchemeSetUp(&s, order, h);
  SchemeReference(&s, mt, tau, mt == PDENN_MODEL_RECURRENT ? 6 : 8, cycle, f, prev, cur);
  for (PetscInt i = 0; i < N; i++) {
    err   = PetscMax(err, PetscAbsReal(y[i] - f[i]));
    scale = PetscMax(scale, PetscAbsReal(f[i]));
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-10s order %d, h %.2f, tau = %.2f tau_max: max |network - scheme| / max |scheme| = %.2e\n", type, (int)order, (double)h, (double)tau_fraction, (double)(err / scale)));
  PetscCheck(err <= 1e-12 * scale, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s (order %d, h %g): the classical network differs from the scheme written in the test by %.3g relative", type, (int)order, (double)h, (double)(err / scale));
  PetscCall(PetscFree5(s.K, s.z, s.r, prev, cur));
  PetscCall(PetscFree(y));
  PetscCall(PetscFree(f));
  PetscCall(VecDestroy(&x));
  PetscCall(VecDestroy(&out));
  PetscCall(PdennModelDestroy(&model));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  for (PetscInt order = 1; order <= 2; order++)
    for (PetscInt hi = 0; hi < 2; hi++) {
      const PetscReal h = hi ? 0.5 : 1.0;
      PetscCall(CheckCase("sym_resnet", order, h, 1.0));
      PetscCall(CheckCase("fsi_resnet", order, h, 1.0));
      PetscCall(CheckCase("recurrent", order, h, 0.25));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "classical networks agree with the schemes written in the test\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  PetscCall(PdennInitialize(&argc, &argv, help));
  ierr = Run();
  return PdennFinalize(ierr);
}
