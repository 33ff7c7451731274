/* The structural similarity index (Wang, Bovik, Sheikh, Simoncelli 2004) of two images, as
   skimage.metrics.structural_similarity computes it by default (docs/results.md, "SSIM"):
   7 x 7 uniform windows, sample (co)variances (normalised by 49 / 48), K1 = 0.01, K2 = 0.03,
   C1 = (K1 L)^2, C2 = (K2 L)^2 with L the data range, and the mean of the SSIM map over the
   pixels whose window lies inside the image (a 3-pixel border left out). */
#include "comparepriv.h"

#define SSIM_R 3 /* window radius: 7 x 7 */

/* Window means of x, y, x^2, y^2 and x y at the pixel (cx, cy). */
static void WindowMeans(PetscInt W, const PetscReal x[], const PetscReal y[], PetscInt cx, PetscInt cy, PetscReal mu[5])
{
  const PetscReal np = (2 * SSIM_R + 1) * (2 * SSIM_R + 1);

  for (int j = 0; j < 5; j++) mu[j] = 0.0;
  for (PetscInt oy = -SSIM_R; oy <= SSIM_R; oy++)
    for (PetscInt ox = -SSIM_R; ox <= SSIM_R; ox++) {
      const PetscInt  i = (cx + ox) + W * (cy + oy);
      const PetscReal a = x[i], b = y[i];
      mu[0] += a;
      mu[1] += b;
      mu[2] += a * a;
      mu[3] += b * b;
      mu[4] += a * b;
    }
  for (int j = 0; j < 5; j++) mu[j] /= np;
}

PetscErrorCode PdennCompareSSIM(PetscInt W, PetscInt H, const PetscReal x[], const PetscReal y[], PetscReal L, PetscReal *ssim)
{
  const PetscReal np = (2 * SSIM_R + 1) * (2 * SSIM_R + 1), cov_norm = np / (np - 1.0);
  const PetscReal C1 = (0.01 * L) * (0.01 * L), C2 = (0.03 * L) * (0.03 * L);
  PetscReal       sum = 0.0;

  PetscFunctionBeginUser;
  PetscCheck(W > 2 * SSIM_R && H > 2 * SSIM_R, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "SSIM: image of %" PetscInt_FMT " x %" PetscInt_FMT " (W x H) is smaller than its 7 x 7 window", W, H);
  PetscCheck(L > 0.0, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "SSIM: data range %g; expected > 0", (double)L);
  for (PetscInt cy = SSIM_R; cy < H - SSIM_R; cy++)
    for (PetscInt cx = SSIM_R; cx < W - SSIM_R; cx++) {
      PetscReal mu[5];
      WindowMeans(W, x, y, cx, cy, mu);
      const PetscReal vx = cov_norm * (mu[2] - mu[0] * mu[0]), vy = cov_norm * (mu[3] - mu[1] * mu[1]), vxy = cov_norm * (mu[4] - mu[0] * mu[1]);
      sum += (2.0 * mu[0] * mu[1] + C1) * (2.0 * vxy + C2) / ((mu[0] * mu[0] + mu[1] * mu[1] + C1) * (vx + vy + C2));
    }
  *ssim = sum / ((W - 2 * SSIM_R) * (H - 2 * SSIM_R));
  PetscFunctionReturn(0);
}
