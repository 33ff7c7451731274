/* Compares pdenn files written at different rank counts: test_io_compare -files a.h5,b.h5,...
   Signal sets: every file must record the same generator parameters and hold bitwise the same
   doubles as the first in both datasets — the promise that a deck gives the same data whatever
   the rank count. With -dataset u -rtol r (run outputs): the 1D datasets must agree to
   ||a - b||_inf <= r ||a||_inf. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>

static PetscErrorCode CompareSets(MPI_Comm comm, const char first[], const char other[])
{
  const char       *names[2] = {"clean", "noisy"};
  PdennSignalSet    a, b;
  PdennSignalParams pa, pb;
  DM                da;
  Vec               va, vb;
  PetscBool         equal;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalSetOpen(comm, "argument", first, &a));
  PetscCall(PdennSignalSetOpen(comm, "argument", other, &b));
  PetscCall(PdennSignalSetGetParams(a, &pa));
  PetscCall(PdennSignalSetGetParams(b, &pb));
  PetscCheck(pa.type == pb.type && pa.N == pb.N && pa.samples == pb.samples && pa.pieces == pb.pieces && pa.sigma == pb.sigma && pa.seed == pb.seed, comm, PETSC_ERR_PLIB, "%s and %s record different generator parameters", first, other);
  PetscCall(PdennDMDACreate1d(comm, pa.N, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &va));
  PetscCall(VecDuplicate(va, &vb));
  for (PetscInt k = 0; k < pa.samples; k++) {
    for (int d = 0; d < 2; d++) {
      PetscCall(PdennSignalSetRead(a, names[d], k, va));
      PetscCall(PdennSignalSetRead(b, names[d], k, vb));
      PetscCall(VecEqual(va, vb, &equal));
      PetscCheck(equal, comm, PETSC_ERR_PLIB, "%s and %s differ in dataset %s, sample %" PetscInt_FMT, first, other, names[d], k);
    }
  }
  PetscCall(PetscPrintf(comm, "%s and %s: %" PetscInt_FMT " samples x 2 datasets bitwise equal\n", first, other, pa.samples));
  PetscCall(VecDestroy(&vb));
  PetscCall(VecDestroy(&va));
  PetscCall(DMDestroy(&da));
  PetscCall(PdennSignalSetClose(&b));
  PetscCall(PdennSignalSetClose(&a));
  PetscFunctionReturn(0);
}

static PetscErrorCode CompareDatasets(MPI_Comm comm, const char first[], const char other[], const char name[], PetscReal rtol)
{
  Vec       a, b;
  PetscInt  N = 0;
  PetscReal diff, size;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetInt(NULL, NULL, "-N", &N, NULL));
  PetscCheck(N > 0, comm, PETSC_ERR_ARG_WRONG, "give -N, the length of dataset %s", name);
  PetscCall(VecCreateMPI(comm, PETSC_DECIDE, N, &a));
  PetscCall(VecDuplicate(a, &b));
  PetscCall(PdennH5ReadSignal(comm, "argument", first, name, 0, a));
  PetscCall(PdennH5ReadSignal(comm, "argument", other, name, 0, b));
  PetscCall(VecNorm(a, NORM_INFINITY, &size));
  PetscCall(VecAXPY(b, -1.0, a));
  PetscCall(VecNorm(b, NORM_INFINITY, &diff));
  PetscCheck(diff <= rtol * size, comm, PETSC_ERR_PLIB, "%s and %s: dataset %s differs by %g (max |a| %g, rtol %g)", first, other, name, (double)diff, (double)size, (double)rtol);
  PetscCall(PetscPrintf(comm, "%s and %s: dataset %s agrees to %g (rtol %g)\n", first, other, name, (double)(size > 0 ? diff / size : diff), (double)rtol));
  PetscCall(VecDestroy(&b));
  PetscCall(VecDestroy(&a));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  char     *files[16], dataset[64] = "";
  PetscInt  n    = 16;
  PetscReal rtol = 0;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsGetStringArray(NULL, NULL, "-files", files, &n, NULL));
  PetscCall(PetscOptionsGetString(NULL, NULL, "-dataset", dataset, sizeof(dataset), NULL));
  PetscCall(PetscOptionsGetReal(NULL, NULL, "-rtol", &rtol, NULL));
  PetscCheck(n >= 2, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "usage: test_io_compare -files a.h5,b.h5[,...] [-dataset u -N n -rtol r]");
  for (PetscInt i = 1; i < n; i++) {
    if (dataset[0])
      PetscCall(CompareDatasets(PETSC_COMM_WORLD, files[0], files[i], dataset, rtol));
    else
      PetscCall(CompareSets(PETSC_COMM_WORLD, files[0], files[i]));
  }
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscFree(files[i]));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "files agree\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, "Compares pdenn files written at different rank counts")) return 1;
  return PdennFinalize(Run());
}
