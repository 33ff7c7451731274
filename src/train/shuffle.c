/* Seeded sample order and the split of a mini-batch among batch groups. The order of an epoch
   is a Fisher-Yates shuffle driven by SplitMix64 seeded from (seed, epoch): every rank computes
   the same permutation whatever the rank count, and a resumed run needs only (seed, epoch). */
#include <pdenn/train.h>
#include <stdint.h>

/* the SplitMix64 generator: hash the counter, then advance it */
static inline uint64_t SplitMix64(uint64_t *state)
{
  const uint64_t r = PdennHash64(*state);

  *state += 0x9e3779b97f4a7c15ULL;
  return r;
}

/* uniform in [0, bound) without modulo bias (rejection of the incomplete last range) */
static inline uint64_t Below(uint64_t *state, uint64_t bound)
{
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t       r;

  do r = SplitMix64(state);
  while (r >= limit);
  return r % bound;
}

PetscErrorCode PdennShuffle(PetscInt seed, PetscInt epoch, PetscInt n, PetscInt perm[])
{
  /* distinct, well-mixed streams for every (seed, epoch) pair */
  uint64_t mix   = (uint64_t)seed * 0xd1b54a32d192ed03ULL ^ (uint64_t)epoch;
  uint64_t state = SplitMix64(&mix);

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) perm[i] = i;
  for (PetscInt i = n - 1; i > 0; i--) {
    const PetscInt j = (PetscInt)Below(&state, (uint64_t)i + 1), swap = perm[i];
    perm[i] = perm[j];
    perm[j] = swap;
  }
  PetscFunctionReturn(0);
}

void PdennBatchShare(PetscInt count, PetscInt group, PetscInt ngroups, PetscInt *lo, PetscInt *hi)
{
  *lo = (count * group) / ngroups;
  *hi = (count * (group + 1)) / ngroups;
}
