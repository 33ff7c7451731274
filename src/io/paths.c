/* File-system checks for inputs and outputs, and the write-to-tmp-then-rename protocol that
   leaves either the old file or the complete new one, never half a file. Rank 0 looks at the
   file system and broadcasts what it found, so all ranks raise the same error together. */
#include "iopriv.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum { PATH_OK,
               PATH_MISSING,
               PATH_IS_DIR,
               PATH_UNREADABLE,
               PATH_NOT_HDF5,
               PATH_DAMAGED,
               PATH_EXISTS,
               DIR_MISSING,
               DIR_NOT_DIR,
               DIR_UNWRITABLE,
               PATH_UNCREATABLE } PathStatus;

/* rank 0's finding, status and errno, on every rank */
static PetscErrorCode Broadcast(MPI_Comm comm, int found[2])
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Bcast(found, 2, MPI_INT, 0, comm));
  PetscFunctionReturn(0);
}

static PetscErrorCode Rank(MPI_Comm comm, PetscMPIInt *rank)
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, rank));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTmpPath(const char path[], char tmp[], size_t len)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(tmp, len, "%s.tmp", path));
  PetscFunctionReturn(0);
}

/* The checksum (docs/hdf5_layout.md) is checked before HDF5 reads a byte: HDF5 1.10 can crash
   on a damaged header. *detail: errno (unreadable) or the PdennH5SumStatus (damaged). */
static PathStatus InputStatus(const char path[], int *detail)
{
  struct stat      st;
  PdennH5SumStatus sum;

  if (stat(path, &st) != 0) return PATH_MISSING;
  if (S_ISDIR(st.st_mode)) return PATH_IS_DIR;
  if (access(path, R_OK) != 0) return PATH_UNREADABLE;
  if ((*detail = PdennH5UserBlockCheckFile(path, &sum))) return PATH_UNREADABLE;
  *detail = (int)sum;
  if (sum != PDENN_H5SUM_ABSENT && sum != PDENN_H5SUM_OK) return PATH_DAMAGED;
  if (H5Fis_hdf5(path) <= 0) return PATH_NOT_HDF5;
  return PATH_OK;
}

PetscErrorCode PdennInputFileCheck(MPI_Comm comm, const char key[], const char path[])
{
  PetscMPIInt rank;
  int         found[2] = {PATH_OK, 0};

  PetscFunctionBeginUser;
  PetscCall(PdennH5Quiet());
  PetscCall(Rank(comm, &rank));
  if (!rank) found[0] = (int)InputStatus(path, &found[1]);
  PetscCall(Broadcast(comm, found));
  PetscCheck(found[0] != PATH_MISSING, comm, PDENN_ERR_INPUT, "key %s: file '%s' does not exist", key, path);
  PetscCheck(found[0] != PATH_IS_DIR, comm, PDENN_ERR_INPUT, "key %s: '%s' is a directory; expected an HDF5 file", key, path);
  PetscCheck(found[0] != PATH_UNREADABLE, comm, PDENN_ERR_INPUT, "key %s: file '%s' is not readable%s%s", key, path, found[1] ? ": " : "", found[1] ? strerror(found[1]) : "");
  PetscCheck(found[0] != PATH_DAMAGED, comm, PDENN_ERR_INPUT, "key %s: file '%s' is refused: %s", key, path, PdennH5SumStatusText[found[1]]);
  PetscCheck(found[0] != PATH_NOT_HDF5, comm, PDENN_ERR_INPUT, "key %s: file '%s' is not an HDF5 file", key, path);
  PetscFunctionReturn(0);
}

/* The directory part of path: "." for a bare name, "/" for a file in the root. */
static void DirName(const char path[], char dir[], size_t len)
{
  const char *slash = strrchr(path, '/');
  size_t      n;

  if (!slash) {
    snprintf(dir, len, ".");
    return;
  }
  n = slash == path ? 1 : (size_t)(slash - path); /* "/file" lives in "/" */
  if (n >= len) n = len - 1;
  memcpy(dir, path, n);
  dir[n] = '\0';
}

/* Creating and removing path.tmp proves the directory takes new files even where permission
   bits say nothing (root, read-only mounts, quotas). */
static PathStatus OutputStatus(const char path[], PetscBool force, int *err)
{
  char        dir[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN];
  struct stat st;
  int         fd;

  DirName(path, dir, sizeof(dir));
  if (stat(dir, &st) != 0) return DIR_MISSING;
  if (!S_ISDIR(st.st_mode)) return DIR_NOT_DIR;
  if (access(dir, W_OK | X_OK) != 0) return DIR_UNWRITABLE;
  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return PATH_IS_DIR;
    if (!force) return PATH_EXISTS;
  }
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    *err = errno;
    return PATH_UNCREATABLE;
  }
  close(fd);
  unlink(tmp);
  return PATH_OK;
}

PetscErrorCode PdennOutputPathCheck(MPI_Comm comm, const char key[], const char path[], PetscBool force)
{
  PetscMPIInt rank;
  int         found[2] = {PATH_OK, 0};
  char        dir[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(Rank(comm, &rank));
  if (!rank) found[0] = (int)OutputStatus(path, force, &found[1]);
  PetscCall(Broadcast(comm, found));
  DirName(path, dir, sizeof(dir));
  PetscCheck(found[0] != DIR_MISSING, comm, PDENN_ERR_INPUT, "key %s: cannot write '%s': directory '%s' does not exist", key, path, dir);
  PetscCheck(found[0] != DIR_NOT_DIR, comm, PDENN_ERR_INPUT, "key %s: cannot write '%s': '%s' is not a directory", key, path, dir);
  PetscCheck(found[0] != DIR_UNWRITABLE, comm, PDENN_ERR_INPUT, "key %s: cannot write '%s': directory '%s' is not writable", key, path, dir);
  PetscCheck(found[0] != PATH_IS_DIR, comm, PDENN_ERR_INPUT, "key %s: cannot write '%s': it is a directory; expected a file name", key, path);
  PetscCheck(found[0] != PATH_EXISTS, comm, PDENN_ERR_INPUT, "key %s: output file '%s' exists; refusing to overwrite it (give -force to replace it)", key, path);
  PetscCheck(found[0] != PATH_UNCREATABLE, comm, PDENN_ERR_INPUT, "key %s: cannot create files next to '%s': %s", key, path, strerror(found[1]));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTmpCommit(MPI_Comm comm, const char path[])
{
  PetscMPIInt rank;
  int         found[2] = {PATH_OK, 0};
  char        tmp[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PdennTmpPath(path, tmp, sizeof(tmp)));
  PetscCall(Rank(comm, &rank));
  if (!rank && rename(tmp, path) != 0) found[1] = errno;
  PetscCall(Broadcast(comm, found));
  PetscCheck(!found[1], comm, PETSC_ERR_FILE_WRITE, "cannot rename '%s' to '%s': %s", tmp, path, strerror(found[1]));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennTmpRemove(MPI_Comm comm, const char path[])
{
  PetscMPIInt rank;
  char        tmp[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PdennTmpPath(path, tmp, sizeof(tmp)));
  PetscCall(Rank(comm, &rank));
  if (!rank) (void)unlink(tmp); /* absent already is fine */
  PetscCallMPI(MPI_Barrier(comm));
  PetscFunctionReturn(0);
}
