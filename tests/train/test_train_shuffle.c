/* Seeded shuffling and the split of mini-batches among batch groups: a permutation every time,
   reproducible from (seed, epoch), different across epochs and seeds, and identical on every
   rank (the training results must not depend on the rank count). */
#include <pdenn/core.h>
#include <pdenn/train.h>

#define NS 100

static PetscErrorCode CheckPermutation(const PetscInt perm[], PetscInt n)
{
  PetscBool seen[NS] = {PETSC_FALSE};

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) {
    PetscCheck(perm[i] >= 0 && perm[i] < n && !seen[perm[i]], PETSC_COMM_SELF, PETSC_ERR_PLIB, "not a permutation at %" PetscInt_FMT, i);
    seen[perm[i]] = PETSC_TRUE;
  }
  PetscFunctionReturn(0);
}

static PetscInt Differences(const PetscInt a[], const PetscInt b[], PetscInt n)
{
  PetscInt d = 0;
  for (PetscInt i = 0; i < n; i++) d += a[i] != b[i];
  return d;
}

static PetscErrorCode TestShuffle(void)
{
  PetscInt a[NS], b[NS], c[NS], d[NS], root[NS], identity[NS];

  PetscFunctionBeginUser;
  PetscCall(PdennShuffle(7, 3, NS, a));
  PetscCall(PdennShuffle(7, 3, NS, b));
  PetscCall(PdennShuffle(7, 4, NS, c));
  PetscCall(PdennShuffle(8, 3, NS, d));
  PetscCall(CheckPermutation(a, NS));
  PetscCall(CheckPermutation(c, NS));
  PetscCheck(Differences(a, b, NS) == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "same seed and epoch gave different orders");
  /* a fixed point count near 1 is expected for random permutations; > 80 differing means mixed */
  PetscCheck(Differences(a, c, NS) > 80 && Differences(a, d, NS) > 80, PETSC_COMM_SELF, PETSC_ERR_PLIB, "epochs or seeds give nearly the same order");
  for (PetscInt i = 0; i < NS; i++) identity[i] = i;
  PetscCheck(Differences(a, identity, NS) > 80, PETSC_COMM_SELF, PETSC_ERR_PLIB, "order is nearly the identity");
  /* every rank computes rank 0's order */
  PetscCall(PetscArraycpy(root, a, NS));
  PetscCallMPI(MPI_Bcast(root, NS, MPIU_INT, 0, PETSC_COMM_WORLD));
  PetscCheck(Differences(a, root, NS) == 0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "ranks disagree on the order");
  PetscFunctionReturn(0);
}

/* the shares of G groups tile [0, count) in order, sizes differ by at most one */
static PetscErrorCode TestBatchShare(void)
{
  PetscFunctionBeginUser;
  for (PetscInt G = 1; G <= 5; G++) {
    for (PetscInt count = 0; count <= 11; count++) {
      PetscInt next = 0, lo, hi;
      for (PetscInt g = 0; g < G; g++) {
        PdennBatchShare(count, g, G, &lo, &hi);
        PetscCheck(lo == next && hi >= lo && (hi - lo) * G >= count - G + 1 && (hi - lo) * G <= count + G - 1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "share of group %" PetscInt_FMT "/%" PetscInt_FMT " of %" PetscInt_FMT ": [%" PetscInt_FMT ", %" PetscInt_FMT ")", g, G, count, lo, hi);
        next = hi;
      }
      PetscCheck(next == count, PETSC_COMM_SELF, PETSC_ERR_PLIB, "shares of %" PetscInt_FMT " among %" PetscInt_FMT " end at %" PetscInt_FMT, count, G, next);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PetscFunctionBeginUser;
  PetscCall(TestShuffle());
  PetscCall(TestBatchShare());
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "shuffle and batch shares: OK\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
