/* Checkpoint files without a model: a write/read round trip restores every value bitwise (on 1
   and 2 ranks: rank 0 reads and broadcasts); a flipped byte in the weights, a truncated file, a
   text file, an HDF5 file that is no checkpoint and a missing file are refused with an input
   error naming the file; a failed write (into a missing directory, or over an existing
   checkpoint whose path.tmp cannot be created) leaves no path.tmp and the previous checkpoint
   intact. */
#include <pdenn/core.h>
#include <pdenn/train.h>
#include "ckpttest.h"
#include <hdf5.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static PetscReal theta[NP], m[NP], v[NP], step_loss[3] = {0.5, 0.25, 0.125}, train_loss[1] = {0.3}, val_loss[1] = {0.35};
static PetscInt  perm[NS] = {3, 1, 4, 0, 2};
static char      deck[]   = "-train_lr 0.01 -model_type sym_resnet";

static void Fill(PdennCheckpoint *ck, PdennCheckpointGroup groups[2])
{
  const CkptTestArrays a = {theta, m, v, step_loss, train_loss, val_loss, perm, deck};

  for (PetscInt i = 0; i < NP; i++) {
    theta[i] = 1.0 / (i + 3.0);
    m[i]     = -theta[i] / 7;
    v[i]     = theta[i] * theta[i];
  }
  CkptTestFill(ck, groups, 4, 2, 2, &a);
}

static PetscErrorCode CheckSame(const PdennCheckpoint *a, const PdennCheckpoint *b)
{
  PetscBool same = PETSC_TRUE;

  PetscFunctionBeginUser;
  same = same && !strcmp(a->model_type, b->model_type) && !strcmp(a->optimizer, b->optimizer) && !strcmp(a->deck, b->deck);
  same = same && a->N == b->N && a->nparams == b->nparams && a->ngroups == b->ngroups && a->opt_steps == b->opt_steps;
  same = same && a->epoch == b->epoch && a->step == b->step && a->batch == b->batch && a->seed == b->seed && a->nsamples == b->nsamples;
  same = same && a->space_ranks == b->space_ranks && a->nranks == b->nranks && b->opt_v;
  same = same && !memcmp(a->theta, b->theta, NP * sizeof(PetscReal)) && !memcmp(a->opt_m, b->opt_m, NP * sizeof(PetscReal)) && !memcmp(a->opt_v, b->opt_v, NP * sizeof(PetscReal));
  same = same && !memcmp(a->perm, b->perm, NS * sizeof(PetscInt)) && !memcmp(a->step_loss, b->step_loss, 3 * sizeof(PetscReal));
  same = same && a->train_loss[0] == b->train_loss[0] && a->val_loss[0] == b->val_loss[0];
  for (PetscInt g = 0; g < 2 && same; g++) same = !memcmp(&a->groups[g], &b->groups[g], sizeof(PdennCheckpointGroup));
  PetscCheck(same, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "checkpoint read back differs from what was written");
  PetscFunctionReturn(0);
}

/* Read must fail with PDENN_ERR_INPUT and a message holding the path and `expect` */
static PetscErrorCode ExpectRefused(const char path[], const char expect[])
{
  PdennCheckpoint ck;
  PetscErrorCode  status;

  PetscFunctionBeginUser;
  captured[0] = '\0';
  PetscCall(PetscPushErrorHandler(Capture, NULL));
  status = PdennCheckpointRead(PETSC_COMM_WORLD, "-checkpoint", path, &ck);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(status == PDENN_ERR_INPUT && strstr(captured, path) && strstr(captured, expect), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "reading %s: status %d, message '%s'; expected an input error naming the file and '%s'", path, (int)status, captured, expect);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "refused as expected: %s\n", captured));
  PetscFunctionReturn(0);
}

/* Rank 0 copies src to dst, flipping one byte of dataset `dset` or keeping only `keep` bytes */
static PetscErrorCode Damage(const char src[], const char dst[], const char dset[], long keep)
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!rank) {
    FILE         *in = fopen(src, "rb"), *out = fopen(dst, "wb");
    unsigned char buf[1 << 16];
    size_t        n  = fread(buf, 1, sizeof(buf), in);
    long          at = -1;
    PetscCheck(in && out && n < sizeof(buf), PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "copying %s", src);
    if (dset) {
      hid_t file = H5Fopen(src, H5F_ACC_RDONLY, H5P_DEFAULT), d = H5Dopen2(file, dset, H5P_DEFAULT);
      at = (long)H5Dget_offset(d);
      H5Dclose(d), H5Fclose(file);
      buf[at + 3] ^= 0x10; /* one bit of theta[0]'s mantissa */
    }
    fwrite(buf, 1, keep >= 0 ? (size_t)keep : n, out);
    fclose(in), fclose(out);
  }
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

/* Rank 0 makes two files that are no checkpoint: a text file and an empty HDF5 file */
static PetscErrorCode MakeNonCheckpoints(const char text[], const char h5[])
{
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if (!rank) {
    FILE *f    = fopen(text, "w");
    hid_t file = H5Fcreate(h5, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    PetscCheck(f && file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "creating %s and %s", text, h5);
    fprintf(f, "-train_lr 0.01\n");
    fclose(f), H5Fclose(file);
  }
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscFunctionReturn(0);
}

/* A write that must fail with PETSC_ERR_FILE_WRITE naming `path`, leaving no path.tmp */
static PetscErrorCode ExpectWriteFails(const char path[], const PdennCheckpoint *ck)
{
  char           tmp[PETSC_MAX_PATH_LEN];
  PetscErrorCode status;

  PetscFunctionBeginUser;
  captured[0] = '\0';
  PetscCall(PetscPushErrorHandler(Capture, NULL));
  status = PdennCheckpointWrite(PETSC_COMM_WORLD, "-checkpoint", path, ck);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(status == PETSC_ERR_FILE_WRITE && strstr(captured, path), PETSC_COMM_WORLD, PETSC_ERR_PLIB, "write to %s: status %d, '%s'; expected a write error naming the file", path, (int)status, captured);
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.tmp", path));
  PetscCheck(access(tmp, F_OK) != 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "a failed write left %s behind", tmp);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "refused as expected: %s\n", captured));
  PetscFunctionReturn(0);
}

/* path.tmp is made a directory, so the write cannot create its temporary file: the write fails,
   removes path.tmp, and path still holds the checkpoint written before, bitwise */
static PetscErrorCode CheckFailedOverwrite(const char path[], PdennCheckpoint *ck)
{
  PdennCheckpoint back;
  PetscMPIInt     rank;
  char            tmp[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.tmp", path));
  if (!rank) (void)rmdir(tmp); /* left by an interrupted earlier run */
  if (!rank) PetscCheck(mkdir(tmp, 0755) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "mkdir %s", tmp);
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  ck->step += 1; /* a newer state that must not reach the file */
  PetscCall(ExpectWriteFails(path, ck));
  ck->step -= 1;
  PetscCall(PdennCheckpointRead(PETSC_COMM_WORLD, "-checkpoint", path, &back));
  PetscCall(CheckSame(ck, &back));
  PetscCall(PdennCheckpointFree(&back));
  PetscFunctionReturn(0);
}

/* train_checkpoint_np1 and _np2 may run at once: each works in its own directory */
static PetscErrorCode EnterOwnDirectory(void)
{
  PetscMPIInt rank, size;
  char        dir[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  PetscCallMPI(MPI_Comm_size(PETSC_COMM_WORLD, &size));
  PetscCall(PetscSNPrintf(dir, sizeof(dir), "train_ck_np%d", size));
  if (!rank) PetscCheck(mkdir(dir, 0755) == 0 || errno == EEXIST, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "mkdir %s", dir);
  PetscCallMPI(MPI_Barrier(PETSC_COMM_WORLD));
  PetscCheck(chdir(dir) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "chdir %s", dir);
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  PdennCheckpoint      ck, back;
  PdennCheckpointGroup groups[2];
  const char          *path = "train_ck_test.h5";

  PetscFunctionBeginUser;
  PetscCall(EnterOwnDirectory());
  Fill(&ck, groups);
  PetscCall(PdennCheckpointWrite(PETSC_COMM_WORLD, "-checkpoint", path, &ck));
  PetscCheck(access("train_ck_test.h5.tmp", F_OK) != 0, PETSC_COMM_WORLD, PETSC_ERR_PLIB, "path.tmp left behind");
  PetscCall(PdennCheckpointRead(PETSC_COMM_WORLD, "-checkpoint", path, &back));
  PetscCall(CheckSame(&ck, &back));
  PetscCall(PdennCheckpointFree(&back));

  PetscCall(Damage(path, "train_ck_flipped.h5", "parameters/block0/W", -1));
  PetscCall(ExpectRefused("train_ck_flipped.h5", "checksum"));
  PetscCall(Damage(path, "train_ck_truncated.h5", NULL, 3000));
  PetscCall(ExpectRefused("train_ck_truncated.h5", "truncated"));
  PetscCall(ExpectRefused("train_ck_missing.h5", "does not exist"));
  PetscCall(MakeNonCheckpoints("train_ck_text.h5", "train_ck_empty.h5"));
  PetscCall(ExpectRefused("train_ck_text.h5", "HDF5 cannot open it"));
  PetscCall(ExpectRefused("train_ck_empty.h5", "cannot read format"));

  /* failed writes, on every rank: into a missing directory, and over the checkpoint at path */
  PetscCall(ExpectWriteFails("no_such_dir/ck.h5", &ck));
  PetscCall(CheckFailedOverwrite(path, &ck));
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "checkpoint round trip, damage detection and failed writes: OK\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
