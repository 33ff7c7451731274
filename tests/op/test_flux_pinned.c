/* Every flux of src/op/flux.c pinned against its closed form, written here from docs/theory.md
   (science §1), not taken from pdenn: Phi(s) = g(s^2) s and Phi'(s), and the diffusivity
   g = Phi(s)/s of PdennFluxDiffusivity, for linear, Perona-Malik g = 1/(1 + s^2/lambda^2),
   exponential Perona-Malik g = exp(-s^2/(2 lambda^2)), Charbonnier g = 1/sqrt(1 + s^2/lambda^2),
   Weickert g = 1 - exp(-3.31488 lambda^8/s^8) (g(0) = 1), relu and tanh, at negative, zero,
   near-lambda and large s, for lambda in {0.05, 0.3, 0.7, 2.5, 40} (never 1, where lambda and
   lambda^2 coincide). Also the trainable table activation phi(s) = g(|s|) s (docs/networks.md)
   on a hand-set table. Tolerance: 1e-14 relative to the larger of the value and its natural scale
   (|s| for Phi, 1 for Phi' and g), because the closed forms below are arranged differently from
   flux.c's and each arrangement rounds on its own: 1 - exp(-q) loses relative accuracy where
   g ~ q, and Weickert's Phi' = g - 8 q e^-q cancels near s = lambda. */
#include <pdenn/nn.h>

#define N_LAMBDA 5
#define N_REL 14
#define N_ABS 9
#define WEICKERT_C 3.31488

static const PetscReal lambdas[N_LAMBDA] = {0.05, 0.3, 0.7, 2.5, 40.0};
/* s as multiples of lambda (around the maximum of the nonmonotone fluxes) and absolute values */
static const PetscReal s_rel[N_REL] = {-7.0, -1.0, -0.5, 0.0, 1e-3, 0.25, 0.9, 0.999, 1.0, 1.001, 1.1, 1.7320508075688772, 3.0, 12.0};
static const PetscReal s_abs[N_ABS] = {-1e3, -2.0, -1e-6, 1e-9, 0.1, 0.77, 5.0, 33.0, 1e4};

/* The closed forms: Phi(s), Phi'(s) and g(s^2) of the type at (s, lambda). */
static void ClosedForm(PdennFluxType type, PetscReal lambda, PetscReal s, PetscReal *phi, PetscReal *dphi, PetscReal *g)
{
  const PetscReal l2 = lambda * lambda, s2 = s * s;

  switch (type) {
  case PDENN_FLUX_LINEAR:
    *g = 1.0, *phi = s, *dphi = 1.0;
    break;
  case PDENN_FLUX_PERONA_MALIK: /* lambda^2 s / (lambda^2 + s^2); derivative by the quotient rule */
    *g    = l2 / (l2 + s2);
    *phi  = l2 * s / (l2 + s2);
    *dphi = l2 * (l2 - s2) / ((l2 + s2) * (l2 + s2));
    break;
  case PDENN_FLUX_EXP_PERONA_MALIK:
    *g    = exp(-s2 / (2.0 * l2));
    *phi  = s * *g;
    *dphi = (l2 - s2) / l2 * *g;
    break;
  case PDENN_FLUX_CHARBONNIER: /* lambda s / sqrt(lambda^2 + s^2), derivative lambda^3 / (lambda^2 + s^2)^(3/2) */
    *g    = lambda / sqrt(l2 + s2);
    *phi  = lambda * s / sqrt(l2 + s2);
    *dphi = l2 * lambda / pow(l2 + s2, 1.5);
    break;
  case PDENN_FLUX_WEICKERT: { /* q = C (lambda/s)^8; d/ds (1 - e^-q) = -8 q e^-q / s */
    const PetscReal q = s == 0.0 ? INFINITY : WEICKERT_C * pow(lambda / fabs(s), 8.0), e = exp(-q);
    *g    = -expm1(-q);
    *phi  = s * *g;
    *dphi = *g - (q == INFINITY ? 0.0 : 8.0 * q * e);
  } break;
  case PDENN_FLUX_RELU:
    *phi = s > 0.0 ? s : 0.0, *dphi = s > 0.0 ? 1.0 : 0.0, *g = s > 0.0 ? 1.0 : 0.0;
    break;
  case PDENN_FLUX_TANH: { /* 1/cosh^2, not 1 - tanh^2: an independent arrangement */
    const PetscReal c = cosh(s);
    *phi              = tanh(s);
    *dphi             = fabs(s) > 300.0 ? 0.0 : 1.0 / (c * c);
    *g                = s != 0.0 ? tanh(s) / s : 1.0;
  } break;
  default:
    *phi = *dphi = *g = NAN;
  }
}

static PetscErrorCode CheckValue(const char what[], PdennFluxType t, PetscReal lambda, PetscReal s, PetscReal got, PetscReal want, PetscReal scale)
{
  const PetscReal tol = 1e-14 * PetscMax(PetscAbsReal(want), scale);

  PetscFunctionBeginUser;
  PetscCheck(PetscAbsReal(got - want) <= tol, PETSC_COMM_SELF, PETSC_ERR_PLIB, "flux %s, lambda %g: %s(%.17g) = %.17g, closed form %.17g (difference %.3g > %.3g)", PdennFluxTypes[t], (double)lambda, what, (double)s, (double)got, (double)want, (double)PetscAbsReal(got - want), (double)tol);
  PetscFunctionReturn(0);
}

/* All s of one lambda through PdennFluxApply and PdennFluxDiffusivity in one call each */
static PetscErrorCode CheckFlux(PdennFluxType t, PetscReal lambda, PetscInt *n_checked)
{
  const PdennFlux flux = {t, lambda};
  PetscReal       s[N_REL + N_ABS], phi[N_REL + N_ABS], dphi[N_REL + N_ABS], g[N_REL + N_ABS];
  const PetscInt  n = N_REL + N_ABS;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < N_REL; i++) s[i] = s_rel[i] * lambda;
  for (PetscInt i = 0; i < N_ABS; i++) s[N_REL + i] = s_abs[i];
  PetscCall(PdennFluxApply(flux, n, s, phi, dphi));
  PetscCall(PdennFluxDiffusivity(flux, n, s, g));
  for (PetscInt i = 0; i < n; i++) {
    PetscReal rphi, rdphi, rg;
    ClosedForm(t, lambda, s[i], &rphi, &rdphi, &rg);
    PetscCall(CheckValue("Phi", t, lambda, s[i], phi[i], rphi, PetscAbsReal(s[i])));
    PetscCall(CheckValue("g", t, lambda, s[i], g[i], rg, 1.0));
    if (t == PDENN_FLUX_RELU && s[i] == 0.0) { /* the kink: any value of the subdifferential */
      PetscCheck(dphi[i] >= 0.0 && dphi[i] <= 1.0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "relu: Phi'(0) = %g is not in [0, 1]", (double)dphi[i]);
    } else
      PetscCall(CheckValue("Phi'", t, lambda, s[i], dphi[i], rdphi, 1.0));
    (*n_checked)++;
  }
  PetscFunctionReturn(0);
}

/* Trainable activation, table g_j at s_j = j s_max/(n-1), here s_max = 2, nodes (0.9, 0.2, 0.6,
   0.1, 0.4): phi(s) = g(|s|) s with g linear between nodes and g_4 beyond s_max; phi'(s) =
   g(|s|) + g'(|s|) |s| with the right-hand slope at the nodes. */
static PetscErrorCode CheckTable(PetscInt *n_checked)
{
  const PetscReal g_nodes[5] = {0.9, 0.2, 0.6, 0.1, 0.4}, dx = 0.5;
  const PetscReal s[9] = {0.0, 0.2, -0.2, 0.5, 0.8, -1.3, 1.75, 2.0, -9.0};
  PdennActivation act  = {PDENN_ACTIVATION_TRAINABLE, {PDENN_FLUX_LINEAR, 1.0}, 5, 2.0, 1.0, g_nodes};
  PetscReal       phi[9], dphi[9];

  PetscFunctionBeginUser;
  PetscCall(PdennActivationApply(&act, 9, s, phi, dphi));
  for (PetscInt i = 0; i < 9; i++) {
    const PetscReal a = PetscAbsReal(s[i]);
    PetscReal       g, slope;
    if (a >= 2.0)
      g = g_nodes[4], slope = 0.0;
    else {
      const PetscInt j = (PetscInt)PetscFloorReal(a / dx);
      slope            = (g_nodes[j + 1] - g_nodes[j]) / dx;
      g                = g_nodes[j] + slope * (a - j * dx);
    }
    PetscCall(CheckValue("table phi", PDENN_FLUX_LINEAR, 0.0, s[i], phi[i], g * s[i], PetscAbsReal(s[i])));
    PetscCall(CheckValue("table phi'", PDENN_FLUX_LINEAR, 0.0, s[i], dphi[i], g + slope * a, 1.0));
    (*n_checked)++;
  }
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscInt n_checked = 0;

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Fluxes pinned against their closed forms"));
  for (PetscInt t = 0; t < PDENN_FLUX_NTYPES; t++)
    for (PetscInt l = 0; l < N_LAMBDA; l++) PetscCall(CheckFlux((PdennFluxType)t, lambdas[l], &n_checked));
  PetscCall(CheckTable(&n_checked));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "flux closed forms: %" PetscInt_FMT " points agree\n", n_checked));
  PetscCall(PetscFinalize());
  return 0;
}
