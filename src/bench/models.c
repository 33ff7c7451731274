/* The benchmark's networks: the keys that configure each type (-bench_channels, -bench_blocks,
   -bench_levels) and the analytic FLOP count of one training step per sample
   (docs/performance.md): 2 flops per multiply-add of every convolution of the forward pass,
   times 3 for forward + backward (the backward pass of a convolution is two convolutions of the
   same size: the data gradient W^T and the weight gradient). Activations, losses and vector
   updates are not counted. */
#include <pdenn/bench.h>

PetscErrorCode PdennBenchModelKeys(PdennBench b, PdennModelType type, char keys[], size_t len)
{
  PetscFunctionBeginUser;
  if (type == PDENN_MODEL_UNET || type == PDENN_MODEL_MG_UNET)
    PetscCall(PetscSNPrintf(keys, len, "-model_type %s -channels %" PetscInt_FMT " -levels %" PetscInt_FMT " -smoothing_steps %" PetscInt_FMT, PdennModelTypes[type], b->channels, b->levels, b->smoothing_steps));
  else
    PetscCall(PetscSNPrintf(keys, len, "-model_type %s -channels %" PetscInt_FMT " -blocks %" PetscInt_FMT, PdennModelTypes[type], b->channels, b->blocks));
  PetscFunctionReturn(0);
}

/* Multiply-adds of one forward pass of the U-nets (src/nn/unet.c) on levels of n_l = N/2^l
   points: lifting E and output Q^T (M kw N each), nu pre- and nu post-smoothers of M^2 kw n_l,
   and the strided R_l and transposed P_l between levels (M^2 kw n_l/2 each: one output, or one
   input, per coarse point). Sum_l n_l = S = N (2 - 2^(1-L)). */
static PetscReal UNetForwardMACs(PetscReal N, PetscReal M, PetscReal kw, PetscInt nu, PetscInt L)
{
  const PetscReal S = N * (2.0 - PetscPowReal(2.0, 1.0 - L)), coarsest = N * PetscPowReal(2.0, 1.0 - L);

  return 2.0 * M * kw * N + 2.0 * nu * M * M * kw * S + M * M * kw * (S - coarsest);
}

/* The same on N x N images: kernels of 9 points, level l of side n_l = (n_{l-1} - 1)/2 + 1
   (PdennDMDACreateCoarse), R_l and P_l one kernel per coarse point. */
static PetscReal UNetForwardMACs2d(PetscInt N, PetscReal M, PetscInt nu, PetscInt L)
{
  PetscReal S = 0.0, coarse = 0.0;

  for (PetscInt l = 0, n = N; l < L; l++, n = (n - 1) / 2 + 1) {
    S += (PetscReal)n * n;
    if (l > 0) coarse += (PetscReal)n * n;
  }
  return 2.0 * M * 9.0 * N * N + 2.0 * nu * M * M * 9.0 * S + 2.0 * M * M * 9.0 * coarse;
}

PetscErrorCode PdennBenchModelFlops(PdennBench b, PdennModelType type, PetscInt dim, PetscInt N, PetscReal *flops)
{
  const PetscReal M = (PetscReal)b->channels, kw = 3.0; /* kernel radius 1, the model default */

  PetscFunctionBeginUser;
  switch (type) {
  case PDENN_MODEL_SYM_RESNET: /* W: 1 -> M and W^T: M -> 1 per block */
  case PDENN_MODEL_RESNET:     /* W1: 1 -> M and W2: M -> 1 per block */
    *flops = 3.0 * 2.0 * (2.0 * M * PetscPowReal(kw, dim)) * PetscPowReal(N, dim) * b->blocks;
    break;
  case PDENN_MODEL_UNET:
  case PDENN_MODEL_MG_UNET: /* same layers; mg_unet ties their weights, not their work */
    *flops = 3.0 * 2.0 * (dim == 1 ? UNetForwardMACs((PetscReal)N, M, kw, b->smoothing_steps, b->levels) : UNetForwardMACs2d(N, M, b->smoothing_steps, b->levels));
    break;
  default: *flops = PDENN_BENCH_NA; break;
  }
  PetscFunctionReturn(0);
}
