/* Rank-independent pseudo-random numbers for weight initialisation: a counter-based hash
   (SplitMix64 finaliser) of (seed, stream, index), so theta is identical on every rank and
   every rank count without communication. */
#include <pdenn/nn.h>
#include <stdint.h>

PetscReal PdennRandomUniform(PetscInt seed, PetscInt stream, PetscInt index)
{
  uint64_t h = PdennHash64(PdennHash64(PdennHash64((uint64_t)seed) ^ (uint64_t)stream) ^ (uint64_t)index);

  return (PetscReal)(h >> 11) * (2.0 / 9007199254740992.0) - 1.0; /* 53 bits -> [-1, 1) */
}
