/* Rank-independent pseudo-random numbers for weight initialisation: a counter-based hash
   (SplitMix64 finaliser) of (seed, stream, index), so theta is identical on every rank and
   every rank count without communication. */
#include <pdenn/nn.h>
#include <stdint.h>

static uint64_t SplitMix64(uint64_t x)
{
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

PetscReal PdennRandomUniform(PetscInt seed, PetscInt stream, PetscInt index)
{
  uint64_t h = SplitMix64(SplitMix64(SplitMix64((uint64_t)seed) ^ (uint64_t)stream) ^ (uint64_t)index);

  return (PetscReal)(h >> 11) * (2.0 / 9007199254740992.0) - 1.0; /* 53 bits -> [-1, 1) */
}
