/* HDF5 signal sets (src/io/h5signals.c) in parallel: a written set reads back bitwise equal to
   freshly generated signals (float64 on disk: no rounding is allowed), one sample at a time, as
   a batch and through the generic reader; its attributes give back the generator parameters.
   Then the refusals: no overwrite without force (the old file stays, no .tmp is left), a grid
   of another N, a sample out of range, a missing dataset — each a PDENN_ERR_INPUT. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>
#include <unistd.h>

static PetscErrorCode CheckEqual(Vec a, Vec b, const char what[], PetscInt k)
{
  PetscBool equal;

  PetscFunctionBeginUser;
  PetscCall(VecEqual(a, b, &equal));
  PetscCheck(equal, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s sample %" PetscInt_FMT " read back differs from the generated one", what, k);
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckParams(const PdennSignalParams *p, const PdennSignalParams *q)
{
  PetscFunctionBeginUser;
  PetscCheck(p->type == q->type && p->N == q->N && p->samples == q->samples && p->pieces == q->pieces && p->sigma == q->sigma && p->seed == q->seed, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "attributes read back differ from the parameters written");
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckRoundTrip(MPI_Comm comm, const char path[], const PdennSignalParams *p, DM da)
{
  PdennSignalSet    set;
  PdennSignalParams q;
  Vec               clean, noisy, r, *batch;

  PetscFunctionBeginUser;
  PetscCall(DMCreateGlobalVector(da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  PetscCall(VecDuplicate(clean, &r));
  PetscCall(VecDuplicateVecs(clean, 3, &batch));
  PetscCall(PdennSignalSetOpen(comm, "-input", path, &set));
  PetscCall(PdennSignalSetGetParams(set, &q));
  PetscCall(CheckParams(p, &q));
  PetscCall(PdennSignalSetReadSamples(set, "noisy", 1, 3, batch));
  for (PetscInt k = 0; k < p->samples; k++) {
    PetscCall(PdennSignalFill(p, k, clean, noisy));
    PetscCall(PdennSignalSetRead(set, "clean", k, r));
    PetscCall(CheckEqual(clean, r, "clean", k));
    PetscCall(PdennSignalSetRead(set, "noisy", k, r));
    PetscCall(CheckEqual(noisy, r, "noisy", k));
    if (k >= 1 && k <= 3) PetscCall(CheckEqual(noisy, batch[k - 1], "batch noisy", k));
    PetscCall(PdennH5ReadSignal(comm, "-reference", path, "clean", k, r));
    PetscCall(CheckEqual(clean, r, "generic read of clean", k));
  }
  PetscCall(PdennSignalSetClose(&set));
  PetscCall(VecDestroyVecs(3, &batch));
  PetscCall(VecDestroy(&r));
  PetscCall(VecDestroy(&noisy));
  PetscCall(VecDestroy(&clean));
  PetscFunctionReturn(0);
}

/* Calls that must fail with a user error; PETSc's return handler keeps them quiet. */
static PetscErrorCode CheckRefusals(MPI_Comm comm, const char path[], const PdennSignalParams *p)
{
  char           tmp[PETSC_MAX_PATH_LEN];
  DM             da_other;
  Vec            v;
  PetscErrorCode ierr[4];

  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate1d(comm, p->N - 1, 1, 1, &da_other));
  PetscCall(DMCreateGlobalVector(da_other, &v));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr[0] = PdennSignalSetWrite(comm, "-signals_output", path, p, PETSC_FALSE);
  ierr[1] = PdennH5ReadSignal(comm, "-input", path, "noisy", 0, v);
  ierr[2] = PdennH5ReadSignal(comm, "-input", path, "u", 0, v);
  PetscCall(PetscPopErrorHandler());
  PetscCall(VecDestroy(&v));
  PetscCall(DMDestroy(&da_other));
  PetscCall(PdennDMDACreate1d(comm, p->N, 1, 1, &da_other));
  PetscCall(DMCreateGlobalVector(da_other, &v));
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr[3] = PdennH5ReadSignal(comm, "-input", path, "noisy", p->samples, v);
  PetscCall(PetscPopErrorHandler());
  for (int i = 0; i < 4; i++) PetscCheck(ierr[i] == PDENN_ERR_INPUT, comm, PETSC_ERR_PLIB, "refusal %d returned %d, expected PDENN_ERR_INPUT", i, (int)ierr[i]);
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.tmp", path));
  PetscCheck(access(tmp, F_OK) != 0, comm, PETSC_ERR_PLIB, "a refused write left %s behind", tmp);
  PetscCall(PdennH5ReadSignal(comm, "-input", path, "noisy", 0, v)); /* the old file is intact */
  PetscCall(VecDestroy(&v));
  PetscCall(DMDestroy(&da_other));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  MPI_Comm          comm = PETSC_COMM_WORLD;
  PdennSignalParams p;
  DM                da;
  PetscMPIInt       size;
  char              path[64], tmp[68];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  /* one file per rank count: the tests of different rank counts may run at the same time */
  PetscCall(PetscSNPrintf(path, sizeof(path), "io_h5_roundtrip_np%d.h5", size));
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.tmp", path));
  PetscCall(PdennSignalParamsDefault(&p));
  p.N       = 101; /* uneven split over ranks */
  p.samples = 5;
  p.pieces  = 3;
  p.type    = PDENN_SIGNAL_MIXED;
  PetscCall(PdennSignalSetWrite(comm, "-signals_output", path, &p, PETSC_TRUE));
  PetscCheck(access(tmp, F_OK) != 0, comm, PETSC_ERR_PLIB, "%s left behind", tmp);
  PetscCall(PdennDMDACreate1d(comm, p.N, 1, 1, &da));
  PetscCall(CheckRoundTrip(comm, path, &p, da));
  PetscCall(CheckRefusals(comm, path, &p));
  PetscCall(DMDestroy(&da));
  PetscCall(PetscPrintf(comm, "hdf5 signal set checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, "HDF5 signal set checks")) return 1;
  return PdennFinalize(Run());
}
