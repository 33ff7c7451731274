/* Collective checkpoint I/O (docs/checkpoints.md). Rank 0 does the file work; its first error
   message is caught and broadcast so that every rank raises the same one-line error together.
   Writing is atomic: the file image (built in memory, checksummed user block included) is
   written to path.tmp, fsync'ed and renamed over path, then the directory fsync'ed, so a crash
   or a full disk leaves either the previous checkpoint or the complete new one. Reading checks
   the user block's checksum on the bytes read before HDF5 parses them. */
#include "trainpriv.h"
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MSG_LEN 512

#define Fnv PdennFnv1a64

static uint64_t FnvInt(uint64_t h, PetscInt v)
{
  const int64_t w = (int64_t)v; /* the same bytes whatever PetscInt's width */
  return Fnv(h, &w, sizeof(w));
}

uint64_t PdennCheckpointChecksum(const PdennCheckpoint *ck)
{
  const PetscInt ints[] = {ck->N, ck->nparams, ck->ngroups, ck->opt_steps, ck->epoch, ck->step, ck->batch, ck->seed, ck->nsamples, ck->space_ranks, ck->nranks};
  uint64_t       h      = PDENN_FNV1A64_BASIS;

  for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) h = FnvInt(h, ints[i]);
  h = Fnv(h, ck->model_type, strlen(ck->model_type) + 1);
  h = Fnv(h, ck->optimizer, strlen(ck->optimizer) + 1);
  if (ck->deck) h = Fnv(h, ck->deck, strlen(ck->deck) + 1);
  for (PetscInt g = 0; g < ck->ngroups; g++) {
    const PdennCheckpointGroup *pg = &ck->groups[g];
    h                              = Fnv(h, pg->name, strlen(pg->name) + 1);
    h                              = FnvInt(FnvInt(h, pg->offset), pg->ndim);
    for (PetscInt d = 0; d < pg->ndim; d++) h = FnvInt(h, pg->shape[d]);
  }
  h = Fnv(h, ck->theta, sizeof(PetscReal) * (size_t)ck->nparams);
  h = Fnv(h, ck->opt_m, sizeof(PetscReal) * (size_t)ck->nparams);
  if (ck->opt_v) h = Fnv(h, ck->opt_v, sizeof(PetscReal) * (size_t)ck->nparams);
  for (PetscInt i = 0; i < ck->nsamples; i++) h = FnvInt(h, ck->perm[i]);
  h = Fnv(h, ck->step_loss, sizeof(PetscReal) * (size_t)ck->step);
  h = Fnv(h, ck->train_loss, sizeof(PetscReal) * (size_t)ck->epoch);
  h = Fnv(h, ck->val_loss, sizeof(PetscReal) * (size_t)ck->epoch);
  /* the grid of 2D/3D data; a 1D checkpoint's sum stays what it was before grids were recorded */
  if (ck->dim > 1)
    for (PetscInt i = 0; i < 4; i++) h = FnvInt(h, i ? ck->M[i - 1] : ck->dim);
  return h;
}

/* Keeps the first (initial) message of an error raised on rank 0 alone, without printing it. */
static PetscErrorCode CaptureHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file;
  if (p == PETSC_ERROR_INITIAL) snprintf((char *)ctx, MSG_LEN, "%s", mess ? mess : "unknown error");
  return n;
}

/* errors of rank 0's part on every rank: code and message broadcast */
static PetscErrorCode ShareStatus(MPI_Comm comm, PetscErrorCode *status, char msg[MSG_LEN])
{
  int code = (int)*status;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(msg, MSG_LEN, MPI_CHAR, 0, comm));
  *status = (PetscErrorCode)code;
  PetscFunctionReturn(0);
}

/* POSIX durability: the file's data, then (after the rename) the directory entry */
static PetscErrorCode FsyncPath(const char path[], PetscBool directory)
{
  int fd = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);

  PetscFunctionBeginUser;
  PetscCheck(fd >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot open %s for fsync: %s", path, strerror(errno));
  if (fsync(fd) != 0) {
    const int err = errno;
    close(fd);
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "fsync of %s failed: %s", path, strerror(err));
  }
  close(fd);
  PetscFunctionReturn(0);
}

/* The image to path.tmp, synced; an error removes path.tmp and leaves path untouched. */
static PetscErrorCode WriteTmp(const char tmp[], const PdennCheckpoint *ck)
{
  unsigned char *image;
  size_t         size;
  int            err;

  PetscFunctionBeginUser;
  PetscCall(PdennCheckpointImage(ck, &image, &size));
  err = PdennFileWriteSynced(tmp, image, size);
  PetscCall(PetscFree(image));
  if (err) remove(tmp);
  PetscCheck(!err, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s: %s%s", tmp, strerror(err), err == ENOSPC ? " (disk full?)" : "");
  PetscFunctionReturn(0);
}

static PetscErrorCode CommitOnRoot(const char path[], const PdennCheckpoint *ck)
{
  char        tmp[PETSC_MAX_PATH_LEN], dir[PETSC_MAX_PATH_LEN];
  const char *parent;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.tmp", path));
  PetscCall(PetscStrncpy(dir, path, sizeof(dir)));
  parent = dirname(dir); /* points into dir or to a static "." */
  PetscCheck(access(parent, W_OK) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "directory '%s' does not exist or is not writable", parent);
  PetscCall(WriteTmp(tmp, ck));
  PetscCheck(rename(tmp, path) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
  PetscCall(FsyncPath(parent, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCheckpointWrite(MPI_Comm comm, const char key[], const char path[], const PdennCheckpoint *ck)
{
  PetscMPIInt    rank;
  PetscErrorCode status       = 0;
  char           msg[MSG_LEN] = "";

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    PetscCall(PetscPushErrorHandler(CaptureHandler, msg));
    status = CommitOnRoot(path, ck);
    PetscCall(PetscPopErrorHandler());
  }
  PetscCall(ShareStatus(comm, &status, msg));
  PetscCheck(!status, comm, PETSC_ERR_FILE_WRITE, "key %s: cannot write checkpoint '%s': %s", key, path, msg);
  PetscFunctionReturn(0);
}

/* the whole file into a PetscMalloc'd buffer */
static PetscErrorCode ReadWhole(const char path[], size_t size, unsigned char **image)
{
  FILE  *f = fopen(path, "rb");
  size_t got;

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PDENN_ERR_INPUT, "cannot open it: %s", strerror(errno));
  PetscCall(PetscMalloc1(size + 1, image)); /* + 1: an empty file is a valid (refused) input */
  got = fread(*image, 1, size, f);
  fclose(f);
  if (got != size) PetscCall(PetscFree(*image));
  PetscCheck(got == size, PETSC_COMM_SELF, PDENN_ERR_INPUT, "cannot read it (%zu of %zu bytes)", got, size);
  PetscFunctionReturn(0);
}

/* The checksum is checked on the very bytes HDF5 then parses (HDF5 1.10 can crash on a damaged
   header); a checkpoint without one (written before pdenn had it) is read unchecked. */
static PetscErrorCode ReadOnRoot(const char path[], PdennCheckpoint *ck)
{
  struct stat      st;
  unsigned char   *image;
  PdennH5SumStatus sum;
  PetscErrorCode   status;

  PetscFunctionBeginUser;
  PetscCheck(stat(path, &st) == 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "the file does not exist");
  PetscCheck(S_ISREG(st.st_mode), PETSC_COMM_SELF, PDENN_ERR_INPUT, "not a regular file");
  PetscCheck(st.st_size > 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "the file is empty");
  PetscCall(ReadWhole(path, (size_t)st.st_size, &image));
  sum = PdennH5UserBlockCheckImage(image, (size_t)st.st_size);
  if (sum != PDENN_H5SUM_ABSENT && sum != PDENN_H5SUM_OK) PetscCall(PetscFree(image));
  PetscCheck(sum == PDENN_H5SUM_ABSENT || sum == PDENN_H5SUM_OK, PETSC_COMM_SELF, PDENN_ERR_INPUT, "%s", PdennH5SumStatusText[sum]);
  status = PdennCheckpointReadImage(image, (size_t)st.st_size, ck); /* not PetscCall: image freed first */
  PetscCall(PetscFree(image));
  PetscCall(status);
  PetscFunctionReturn(0);
}

/* rank 0's checkpoint on every rank; the struct travels as bytes (one binary on every rank),
   then each array it points to */
static PetscErrorCode Broadcast(MPI_Comm comm, PdennCheckpoint *ck)
{
  PetscMPIInt rank;
  size_t      deck_len = ck->deck ? strlen(ck->deck) + 1 : 0;
  PetscBool   has_v    = ck->opt_v ? PETSC_TRUE : PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Bcast(ck, (PetscMPIInt)sizeof(*ck), MPI_BYTE, 0, comm));
  PetscCallMPI(MPI_Bcast(&deck_len, (PetscMPIInt)sizeof(deck_len), MPI_BYTE, 0, comm));
  PetscCallMPI(MPI_Bcast(&has_v, 1, MPIU_BOOL, 0, comm));
  if (rank) {
    PetscCall(PetscCalloc1(ck->ngroups, &ck->groups));
    PetscCall(PetscCalloc1(ck->nparams, &ck->theta));
    PetscCall(PetscCalloc1(ck->nparams, &ck->opt_m));
    ck->opt_v = NULL;
    if (has_v) PetscCall(PetscCalloc1(ck->nparams, &ck->opt_v));
    PetscCall(PetscCalloc1(ck->nsamples, &ck->perm));
    PetscCall(PetscCalloc1(ck->step, &ck->step_loss));
    PetscCall(PetscCalloc1(ck->epoch, &ck->train_loss));
    PetscCall(PetscCalloc1(ck->epoch, &ck->val_loss));
    PetscCall(PetscCalloc1(deck_len + 1, &ck->deck));
  }
  PetscCallMPI(MPI_Bcast(ck->groups, (PetscMPIInt)(ck->ngroups * sizeof(PdennCheckpointGroup)), MPI_BYTE, 0, comm));
  PetscCallMPI(MPI_Bcast(ck->theta, (PetscMPIInt)ck->nparams, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(ck->opt_m, (PetscMPIInt)ck->nparams, MPIU_REAL, 0, comm));
  if (has_v) PetscCallMPI(MPI_Bcast(ck->opt_v, (PetscMPIInt)ck->nparams, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(ck->perm, (PetscMPIInt)ck->nsamples, MPIU_INT, 0, comm));
  PetscCallMPI(MPI_Bcast(ck->step_loss, (PetscMPIInt)ck->step, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(ck->train_loss, (PetscMPIInt)ck->epoch, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(ck->val_loss, (PetscMPIInt)ck->epoch, MPIU_REAL, 0, comm));
  PetscCallMPI(MPI_Bcast(ck->deck, (PetscMPIInt)deck_len, MPI_CHAR, 0, comm));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCheckpointRead(MPI_Comm comm, const char key[], const char path[], PdennCheckpoint *ck)
{
  PetscMPIInt    rank;
  PetscErrorCode status       = 0;
  char           msg[MSG_LEN] = "";

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(ck, sizeof(*ck)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    PetscCall(PetscPushErrorHandler(CaptureHandler, msg));
    status = ReadOnRoot(path, ck);
    PetscCall(PetscPopErrorHandler());
    if (status) PetscCall(PdennCheckpointFree(ck));
  }
  PetscCall(ShareStatus(comm, &status, msg));
  PetscCheck(!status, comm, PDENN_ERR_INPUT, "key %s: checkpoint '%s' cannot be used: %s", key, path, msg);
  PetscCall(Broadcast(comm, ck));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCheckpointFree(PdennCheckpoint *ck)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(ck->groups));
  PetscCall(PetscFree(ck->theta));
  PetscCall(PetscFree(ck->opt_m));
  PetscCall(PetscFree(ck->opt_v));
  PetscCall(PetscFree(ck->perm));
  PetscCall(PetscFree(ck->step_loss));
  PetscCall(PetscFree(ck->train_loss));
  PetscCall(PetscFree(ck->val_loss));
  PetscCall(PetscFree(ck->deck));
  PetscCall(PetscMemzero(ck, sizeof(*ck)));
  PetscFunctionReturn(0);
}
