/* Fluxes Phi(s) = g(s^2) s of docs/science.md §1 and their derivatives (used by backward passes and the
   Newton Jacobian). All diffusivities satisfy 0 <= g <= 1, so the sector bound L is 1. */
#include <pdenn/op.h>
#include <string.h>

const char *const PdennFluxTypes[] = {"linear", "perona_malik", "exp_perona_malik", "charbonnier", "weickert", "relu", "tanh"};

/* tanh over an array. With glibc's libmvec every value, the tail included (zero-padded), goes
   through the same vector routine (within 1 ulp of libm's), so a value's result does not depend on
   where it sits in the array: blocked and whole-range evaluations agree bitwise. */
#if defined(PDENN_HAVE_MVEC_TANH) && (defined(__AVX512F__) || defined(__AVX2__))
#if defined(__AVX512F__)
#define PDENN_TANH_WIDTH 8 /* libmvec's AVX-512 variant: measured 1.8x the AVX2 one */
typedef double PdennVTanh __attribute__((vector_size(64)));
PdennVTanh     _ZGVeN8v_tanh(PdennVTanh);
#define PdennVectorTanh _ZGVeN8v_tanh
#else
#define PDENN_TANH_WIDTH 4
typedef double PdennVTanh __attribute__((vector_size(32)));
PdennVTanh     _ZGVdN4v_tanh(PdennVTanh);
#define PdennVectorTanh _ZGVdN4v_tanh
#endif

static void TanhArray(PetscInt n, const PetscReal s[], PetscReal phi[])
{
  PetscInt   i = 0;
  PdennVTanh v;

  for (; i + PDENN_TANH_WIDTH <= n; i += PDENN_TANH_WIDTH) {
    memcpy(&v, s + i, sizeof(v));
    v = PdennVectorTanh(v);
    memcpy(phi + i, &v, sizeof(v));
  }
  if (i == n) return;
  memset(&v, 0, sizeof(v));
  memcpy(&v, s + i, (size_t)(n - i) * sizeof(PetscReal));
  v = PdennVectorTanh(v);
  memcpy(phi + i, &v, (size_t)(n - i) * sizeof(PetscReal));
}
#else
static void TanhArray(PetscInt n, const PetscReal s[], PetscReal phi[])
{
  for (PetscInt i = 0; i < n; i++) phi[i] = PetscTanhReal(s[i]);
}
#endif

/* Weickert's constant C_m for m = 4: makes the flux maximal at s = lambda. */
#define PDENN_WEICKERT_C 3.31488

static void FluxWeickert(PetscReal lambda, PetscInt n, const PetscReal s[], PetscReal phi[], PetscReal dphi[])
{
  for (PetscInt i = 0; i < n; i++) {
    PetscReal x = s[i] / lambda, x8 = x * x * x * x, q, e;
    x8 *= x8;
    /* below x^8 ~ C/700 the exponential underflows: g = 1 and g' = 0 exactly in double */
    q        = x8 > PDENN_WEICKERT_C / 700.0 ? PDENN_WEICKERT_C / x8 : 0.0;
    e        = q > 0.0 ? PetscExpReal(-q) : 0.0;
    phi[i]   = s[i] * (1.0 - e);
    if (dphi) dphi[i] = 1.0 - e - 8.0 * q * e;
  }
}

PetscErrorCode PdennFluxApply(PdennFlux flux, PetscInt n, const PetscReal s[], PetscReal phi[], PetscReal dphi[])
{
  const PetscReal il2 = 1.0 / (flux.lambda * flux.lambda);

  PetscFunctionBeginUser;
  switch (flux.type) {
  case PDENN_FLUX_LINEAR:
    for (PetscInt i = 0; i < n; i++) phi[i] = s[i];
    if (dphi) for (PetscInt i = 0; i < n; i++) dphi[i] = 1.0;
    break;
  case PDENN_FLUX_PERONA_MALIK:
    for (PetscInt i = 0; i < n; i++) {
      PetscReal q = s[i] * s[i] * il2, g = 1.0 / (1.0 + q);
      phi[i] = s[i] * g;
      if (dphi) dphi[i] = (1.0 - q) * g * g;
    }
    break;
  case PDENN_FLUX_EXP_PERONA_MALIK:
    for (PetscInt i = 0; i < n; i++) {
      PetscReal q = s[i] * s[i] * il2, g = PetscExpReal(-0.5 * q);
      phi[i] = s[i] * g;
      if (dphi) dphi[i] = (1.0 - q) * g;
    }
    break;
  case PDENN_FLUX_CHARBONNIER:
    for (PetscInt i = 0; i < n; i++) {
      PetscReal g = 1.0 / PetscSqrtReal(1.0 + s[i] * s[i] * il2);
      phi[i] = s[i] * g;
      if (dphi) dphi[i] = g * g * g;
    }
    break;
  case PDENN_FLUX_WEICKERT:
    FluxWeickert(flux.lambda, n, s, phi, dphi);
    break;
  case PDENN_FLUX_RELU:
    for (PetscInt i = 0; i < n; i++) {
      phi[i] = s[i] > 0.0 ? s[i] : 0.0;
      if (dphi) dphi[i] = s[i] > 0.0 ? 1.0 : 0.0;
    }
    break;
  case PDENN_FLUX_TANH:
    TanhArray(n, s, phi);
    if (dphi)
      for (PetscInt i = 0; i < n; i++) dphi[i] = 1.0 - phi[i] * phi[i];
    break;
  default:
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "unknown flux type %d", (int)flux.type);
  }
  PetscFunctionReturn(0);
}

/* g = Phi(s)/s in place of Phi(s); at s = 0 the limit Phi'(0), which is 1 for every flux here (0 for relu) */
static void DiffusivityFromFlux(PdennFlux flux, PetscInt n, const PetscReal s[], PetscReal g[])
{
  for (PetscInt i = 0; i < n; i++) g[i] = s[i] != 0.0 ? g[i] / s[i] : (flux.type == PDENN_FLUX_RELU ? 0.0 : 1.0);
}

PetscErrorCode PdennFluxDiffusivity(PdennFlux flux, PetscInt n, const PetscReal s[], PetscReal g[])
{
  PetscFunctionBeginUser;
  PetscCall(PdennFluxApply(flux, n, s, g, NULL));
  DiffusivityFromFlux(flux, n, s, g);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennFluxDiffusivityDerivative(PdennFlux flux, PetscInt n, const PetscReal s[], PetscReal g[], PetscReal dphi[])
{
  PetscFunctionBeginUser;
  PetscCall(PdennFluxApply(flux, n, s, g, dphi));
  DiffusivityFromFlux(flux, n, s, g);
  PetscFunctionReturn(0);
}

/* Weickert's g = 1 - exp(-C / x^8) with x^8 = (s^2 / lambda^2)^4, as FluxWeickert (g = 1 exactly
   where the exponential underflows) */
static void DiffusivityWeickert(PetscReal lambda, PetscInt n, const PetscReal s2[], PetscReal g[])
{
  const PetscReal il2 = 1.0 / (lambda * lambda);

  for (PetscInt i = 0; i < n; i++) {
    PetscReal x2 = s2[i] * il2, x8 = x2 * x2, q;
    x8 *= x8;
    q    = x8 > PDENN_WEICKERT_C / 700.0 ? PDENN_WEICKERT_C / x8 : 0.0;
    g[i] = q > 0.0 ? 1.0 - PetscExpReal(-q) : 1.0;
  }
}

PetscErrorCode PdennFluxDiffusivitySquared(PdennFlux flux, PetscInt n, const PetscReal s2[], PetscReal g[])
{
  const PetscReal il2 = 1.0 / (flux.lambda * flux.lambda);

  PetscFunctionBeginUser;
  switch (flux.type) {
  case PDENN_FLUX_LINEAR:
    for (PetscInt i = 0; i < n; i++) g[i] = 1.0;
    break;
  case PDENN_FLUX_PERONA_MALIK:
    for (PetscInt i = 0; i < n; i++) g[i] = 1.0 / (1.0 + s2[i] * il2);
    break;
  case PDENN_FLUX_EXP_PERONA_MALIK:
    for (PetscInt i = 0; i < n; i++) g[i] = PetscExpReal(-0.5 * s2[i] * il2);
    break;
  case PDENN_FLUX_CHARBONNIER:
    for (PetscInt i = 0; i < n; i++) g[i] = 1.0 / PetscSqrtReal(1.0 + s2[i] * il2);
    break;
  case PDENN_FLUX_WEICKERT:
    DiffusivityWeickert(flux.lambda, n, s2, g);
    break;
  case PDENN_FLUX_RELU: /* Phi(s) = s for s = |z| > 0 */
    for (PetscInt i = 0; i < n; i++) g[i] = s2[i] > 0.0 ? 1.0 : 0.0;
    break;
  default: /* tanh(s)/s needs s itself: in blocks through PdennFluxDiffusivity (s and g apart) */
    for (PetscInt i0 = 0; i0 < n; i0 += 64) {
      PetscReal      s[64];
      const PetscInt m = PetscMin(64, n - i0);
      for (PetscInt i = 0; i < m; i++) s[i] = PetscSqrtReal(s2[i0 + i]);
      PetscCall(PdennFluxDiffusivity(flux, m, s, g + i0));
    }
  }
  PetscFunctionReturn(0);
}

PetscReal PdennFluxSectorBound(PdennFlux flux)
{
  (void)flux;
  return 1.0;
}

PetscErrorCode PdennFluxActivation(void *flux, PetscInt n, const PetscReal z[], PetscReal phi[], PetscReal dphi[])
{
  PetscFunctionBeginUser;
  PetscCall(PdennFluxApply(*(PdennFlux *)flux, n, z, phi, dphi));
  PetscFunctionReturn(0);
}
