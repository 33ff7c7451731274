/* Fluxes of docs/science.md §1 (src/op/flux.c): Phi' against central differences (relative 1e-7:
   truncation O(eps^2) with eps = 1e-5 and rounding O(1e-16/eps)), the sector condition
   0 <= Phi(s)/s <= 1, and nonmonotonicity where the paper says so (Phi decreasing beyond lambda). */
#include <pdenn/pdenn.h>

int main(int argc, char **argv)
{
  const PetscInt n = 401;
  PetscReal      s[401], phi[401], dphi[401], sp[401], sm[401], fp[401], fm[401], g[401];

  PetscCall(PetscInitialize(&argc, &argv, NULL, "Flux checks"));
  for (PetscInt i = 0; i < n; i++) s[i] = -4.0 + 8.0 * i / (n - 1) + 1e-3; /* avoid s = 0 exactly (relu kink) */
  for (PetscInt t = 0; t < PDENN_FLUX_NTYPES; t++) {
    PdennFlux f = {(PdennFluxType)t, 0.7};
    PetscCall(PdennFluxApply(f, n, s, phi, dphi));
    PetscCall(PdennFluxDiffusivity(f, n, s, g));
    for (PetscInt i = 0; i < n; i++) {
      sp[i] = s[i] + 1e-5;
      sm[i] = s[i] - 1e-5;
    }
    PetscCall(PdennFluxApply(f, n, sp, fp, NULL));
    PetscCall(PdennFluxApply(f, n, sm, fm, NULL));
    for (PetscInt i = 0; i < n; i++) {
      PetscReal fd = (fp[i] - fm[i]) / 2e-5;
      PetscCheck(PetscAbsReal(fd - dphi[i]) <= 1e-7 * (1 + PetscAbsReal(dphi[i])), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "flux %s: Phi'(%g) = %.12g, FD %.12g", PdennFluxTypes[t], (double)s[i], (double)dphi[i], (double)fd);
      PetscCheck(g[i] >= 0.0 && g[i] <= PdennFluxSectorBound(f) + 1e-15, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "flux %s leaves the sector at s = %g: g = %g", PdennFluxTypes[t], (double)s[i], (double)g[i]);
    }
    if (t == PDENN_FLUX_PERONA_MALIK || t == PDENN_FLUX_EXP_PERONA_MALIK || t == PDENN_FLUX_WEICKERT) {
      PetscReal x[1] = {3.0}, d[1], ph[1];
      PetscCall(PdennFluxApply(f, 1, x, ph, d));
      PetscCheck(d[0] < 0.0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "flux %s should be decreasing at s = 3 lambda-ish, Phi' = %g", PdennFluxTypes[t], (double)d[0]);
    }
  }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "flux checks passed\n"));
  PetscCall(PetscFinalize());
  return 0;
}
