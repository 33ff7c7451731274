/* Checked wrappers of parallel HDF5 (MPI-IO driver, collective transfers) for pdenn's files:
   a rank reads and writes exactly the points [lo, hi) it owns in the DMDA layout, as one
   hyperslab of a dataset's row. HDF5's own error printing is off: pdenn reports on one line. */
#include "iopriv.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

PetscErrorCode PdennH5Quiet(void)
{
  PetscFunctionBeginUser;
  PdennH5Call(H5Eset_auto2(H5E_DEFAULT, NULL, NULL), "turning off error printing");
  PetscFunctionReturn(0);
}

/* H5F_CLOSE_STRONG: closing a file after an error also closes the objects the error left open */
static PetscErrorCode FileAccessList(MPI_Comm comm, hid_t *fapl)
{
  PetscFunctionBeginUser;
  PdennH5Call(*fapl = H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate(file access)");
  PdennH5Call(H5Pset_fapl_mpio(*fapl, comm, MPI_INFO_NULL), "H5Pset_fapl_mpio");
  PdennH5Call(H5Pset_fclose_degree(*fapl, H5F_CLOSE_STRONG), "H5Pset_fclose_degree");
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5OpenRead(MPI_Comm comm, const char key[], const char path[], hid_t *file)
{
  hid_t fapl;

  PetscFunctionBeginUser;
  PetscCall(PdennInputFileCheck(comm, key, path));
  PetscCall(FileAccessList(comm, &fapl));
  *file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
  PetscCall(PdennH5Close(&fapl));
  PetscCheck(*file >= 0, comm, PDENN_ERR_INPUT, "key %s: file '%s' is an HDF5 file that HDF5 cannot open (damaged or truncated?)", key, path);
  PetscFunctionReturn(0);
}

/* with the 512-byte user block that PdennH5CommitTmp fills with the checksum */
PetscErrorCode PdennH5CreateTmp(MPI_Comm comm, const char path[], hid_t *file)
{
  char  tmp[PETSC_MAX_PATH_LEN];
  hid_t fapl, fcpl;

  PetscFunctionBeginUser;
  PetscCall(PdennH5Quiet());
  PetscCall(PdennTmpPath(path, tmp, sizeof(tmp)));
  PetscCall(FileAccessList(comm, &fapl));
  PdennH5Call(fcpl = H5Pcreate(H5P_FILE_CREATE), "H5Pcreate(file create)");
  PdennH5Call(H5Pset_userblock(fcpl, PDENN_H5_USERBLOCK), "H5Pset_userblock");
  *file = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl);
  PetscCall(PdennH5Close(&fcpl));
  PetscCall(PdennH5Close(&fapl));
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_OPEN, "cannot create HDF5 file '%s'", tmp);
  PetscFunctionReturn(0);
}

/* Whether a write to file failed for a full disk: errno says so for the POSIX drivers, but
   HDF5's MPI-IO driver reports a short write without it, so the file system is asked too: less
   than 64 KiB left in the file's directory counts as full. */
static PetscBool DiskFull(int err, const char file[])
{
  char           dir[PETSC_MAX_PATH_LEN], *slash;
  struct statvfs fs;

  if (err == ENOSPC) return PETSC_TRUE;
  snprintf(dir, sizeof(dir), "%s", file);
  slash = strrchr(dir, '/');
  if (slash) slash[slash == dir ? 1 : 0] = '\0';
  if (statvfs(slash ? dir : ".", &fs) != 0) return PETSC_FALSE;
  return (PetscBool)((unsigned long long)fs.f_bavail * fs.f_frsize < 65536ULL);
}

/* DiskFull for a failed HDF5 call on an object of a file */
static PetscBool FailedForSpace(herr_t status, int err, hid_t obj)
{
  char file[PETSC_MAX_PATH_LEN] = ".";

  if (status >= 0) return PETSC_FALSE;
  (void)H5Fget_name(obj, file, sizeof(file));
  return DiskFull(err, file);
}

/* The ranks agree on whether every one of them succeeded (an error raised by some ranks only
   would leave the others waiting in their next collective call) and whether any met a full
   disk. */
static PetscErrorCode AgreeOnFailure(MPI_Comm comm, PetscBool failed, PetscBool full, PetscBool *any, PetscBool *no_space)
{
  int mine[2] = {failed ? 1 : 0, failed && full ? 1 : 0}, all[2];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Allreduce(mine, all, 2, MPI_INT, MPI_MAX, comm));
  *any      = (PetscBool)all[0];
  *no_space = (PetscBool)all[1];
  PetscFunctionReturn(0);
}

/* The metadata HDF5 still holds is flushed first: if that fails (a full disk), the file is still
   open and can be abandoned cleanly, whereas a failed H5Fclose leaves HDF5 1.10 crashing at exit
   (in H5F__close_cb). */
PetscErrorCode PdennH5CommitTmp(MPI_Comm comm, const char path[], hid_t *file)
{
  char        tmp[PETSC_MAX_PATH_LEN];
  PetscMPIInt rank;
  PetscBool   failed, no_space;
  herr_t      status;
  int         err;

  PetscFunctionBeginUser;
  PetscCall(PdennTmpPath(path, tmp, sizeof(tmp)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  errno    = 0;
  status   = H5Fflush(*file, H5F_SCOPE_GLOBAL);
  no_space = (PetscBool)(status < 0 && DiskFull(errno, tmp));
  PetscCall(AgreeOnFailure(comm, (PetscBool)(status < 0), no_space, &failed, &no_space));
  if (failed)
    PetscCall(PdennH5AbandonTmp(comm, path, file));
  else {
    status = H5Fclose(*file); /* only a failing disk makes it fail now */
    *file  = -1;
    PetscCall(AgreeOnFailure(comm, (PetscBool)(status < 0), PETSC_FALSE, &failed, &no_space));
  }
  if (failed) PetscCall(PdennTmpRemove(comm, path));
  PetscCheck(!failed, comm, PETSC_ERR_FILE_WRITE, "cannot write '%s': HDF5 cannot complete '%s'%s", path, tmp, no_space ? " (disk full?)" : "; is the disk full or failing?");
  err = rank ? 0 : PdennH5UserBlockSeal(tmp); /* every rank has closed the file: rank 0 reads it whole */
  PetscCall(AgreeOnFailure(comm, (PetscBool)(err != 0), (PetscBool)(err && DiskFull(err, tmp)), &failed, &no_space));
  if (failed) PetscCall(PdennTmpRemove(comm, path));
  PetscCheck(!failed, comm, PETSC_ERR_FILE_WRITE, "cannot write '%s': writing the checksum of '%s' failed%s", path, tmp, no_space ? " (disk full?)" : "");
  PetscCall(PdennTmpCommit(comm, path));
  PetscFunctionReturn(0);
}

/* Emptying path.tmp first frees what a full disk needs for HDF5 to close the file cleanly: the
   close flushes metadata, and without room it fails too (Open MPI's I/O layer then prints "No
   space left on device"); a failed H5Fclose is what made HDF5 1.10 crash at exit in the former
   serial checkpoint writer. */
PetscErrorCode PdennH5AbandonTmp(MPI_Comm comm, const char path[], hid_t *file)
{
  char        tmp[PETSC_MAX_PATH_LEN];
  PetscMPIInt rank;

  PetscFunctionBeginUser;
  PetscCall(PdennTmpPath(path, tmp, sizeof(tmp)));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (*file >= 0) {
    if (!rank && truncate(tmp, 0) != 0) PetscCall(PetscInfo(NULL, "cannot empty %s: %s\n", tmp, strerror(errno)));
    PetscCallMPI(MPI_Barrier(comm));
    (void)H5Fclose(*file); /* the error being handled is the one to report */
    *file = -1;
  }
  PetscCall(PdennTmpRemove(comm, path));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5WriteNew(MPI_Comm comm, const char key[], const char path[], PetscBool force, PdennH5Content content, const void *ctx)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennOutputPathCheck(comm, key, path, force));
  PetscCall(PdennH5CreateTmp(comm, path, &file));
  ierr = content(comm, file, ctx);
  if (ierr) { /* leave no half-written file behind */
    PetscCall(PdennH5AbandonTmp(comm, path, &file));
    PetscCall(ierr);
  }
  PetscCall(PdennH5CommitTmp(comm, path, &file));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5Close(hid_t *obj)
{
  herr_t status = 0;

  PetscFunctionBeginUser;
  if (*obj < 0) PetscFunctionReturn(0);
  switch (H5Iget_type(*obj)) {
  case H5I_FILE: status = H5Fclose(*obj); break;
  case H5I_DATASET: status = H5Dclose(*obj); break;
  case H5I_DATASPACE: status = H5Sclose(*obj); break;
  case H5I_DATATYPE: status = H5Tclose(*obj); break;
  case H5I_ATTR: status = H5Aclose(*obj); break;
  case H5I_GENPROP_LST: status = H5Pclose(*obj); break;
  default: status = H5Oclose(*obj); break; /* groups */
  }
  *obj = -1;
  PdennH5Call(status, "closing an object");
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5DatasetOpenFloat(MPI_Comm comm, const char key[], const char path[], hid_t file, const char name[], const char layout[], hid_t *dset, int *rank, hsize_t dims[H5S_MAX_RANK])
{
  hid_t       type, space;
  H5T_class_t cls;
  htri_t      exists = H5Lexists(file, name, H5P_DEFAULT);

  PetscFunctionBeginUser;
  PetscCheck(exists > 0, comm, PDENN_ERR_INPUT, "key %s: file '%s' has no dataset '%s' (layouts: docs/hdf5_layout.md)", key, path, name);
  *dset = H5Dopen2(file, name, H5P_DEFAULT);
  PetscCheck(*dset >= 0, comm, PDENN_ERR_INPUT, "key %s: '%s' in file '%s' is not a dataset", key, name, path);
  PdennH5Call(type = H5Dget_type(*dset), "H5Dget_type");
  PdennH5Call(space = H5Dget_space(*dset), "H5Dget_space");
  cls   = H5Tget_class(type);
  *rank = H5Sget_simple_extent_ndims(space);
  if (*rank >= 1) PdennH5Call(H5Sget_simple_extent_dims(space, dims, NULL), "H5Sget_simple_extent_dims");
  PetscCall(PdennH5Close(&type));
  PetscCall(PdennH5Close(&space));
  if (cls != H5T_FLOAT) PetscCall(PdennH5Close(dset));
  PetscCheck(cls == H5T_FLOAT, comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' does not hold floating-point numbers%s%s", key, name, path, layout ? "; expected " : "", layout ? layout : "");
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5DatasetOpen(MPI_Comm comm, const char key[], const char path[], hid_t file, const char name[], hid_t *dset, int *rank, hsize_t dims[2])
{
  hsize_t all[H5S_MAX_RANK];

  PetscFunctionBeginUser;
  PetscCall(PdennH5DatasetOpenFloat(comm, key, path, file, name, NULL, dset, rank, all));
  if (*rank < 1 || *rank > 2) PetscCall(PdennH5Close(dset));
  PetscCheck(*rank >= 1 && *rank <= 2, comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' has %d dimensions; expected 1 (N) or 2 (samples x N)", key, name, path, *rank);
  dims[0] = all[0];
  dims[1] = *rank == 2 ? all[1] : 1;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5DatasetCreate(hid_t loc, const char name[], int rank, const hsize_t dims[], hid_t *dset)
{
  hid_t space, links;

  PetscFunctionBeginUser;
  PdennH5Call(space = H5Screate_simple(rank, dims, NULL), "H5Screate_simple");
  PdennH5Call(links = H5Pcreate(H5P_LINK_CREATE), "H5Pcreate(link create)");
  PdennH5Call(H5Pset_create_intermediate_group(links, 1), "H5Pset_create_intermediate_group");
  *dset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, links, H5P_DEFAULT, H5P_DEFAULT);
  PetscCall(PdennH5Close(&links));
  PetscCall(PdennH5Close(&space));
  PetscCheck(*dset >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: cannot create dataset '%s'", name);
  PetscFunctionReturn(0);
}

/* The file selection of a rank: the block start[] + count[] of a dataset of that rank; the
   memory selection: its owned values, contiguous. A rank owning nothing selects nothing but
   still takes part, since the transfer is collective. */
static PetscErrorCode Selections(hid_t dset, int rank, const hsize_t start[], const hsize_t count[], hid_t *fspace, hid_t *mspace)
{
  hsize_t n = 1;

  PetscFunctionBeginUser;
  for (int a = 0; a < rank; a++) n *= count[a];
  PdennH5Call(*fspace = H5Dget_space(dset), "H5Dget_space");
  PetscCheck(H5Sget_simple_extent_ndims(*fspace) == rank, PETSC_COMM_SELF, PETSC_ERR_ARG_WRONG, "dataset rank %d, expected %d", H5Sget_simple_extent_ndims(*fspace), rank);
  PdennH5Call(*mspace = H5Screate_simple(1, &n, NULL), "H5Screate_simple");
  if (n > 0)
    PdennH5Call(H5Sselect_hyperslab(*fspace, H5S_SELECT_SET, start, NULL, count, NULL), "H5Sselect_hyperslab");
  else {
    PdennH5Call(H5Sselect_none(*fspace), "H5Sselect_none");
    PdennH5Call(H5Sselect_none(*mspace), "H5Sselect_none");
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CollectiveTransfer(hid_t *dxpl)
{
  PetscFunctionBeginUser;
  PdennH5Call(*dxpl = H5Pcreate(H5P_DATASET_XFER), "H5Pcreate(transfer)");
  PdennH5Call(H5Pset_dxpl_mpio(*dxpl, H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  PetscFunctionReturn(0);
}

/* A failed transfer is the file's fault or the disk's (full, failing, a damaged file's data
   address), not pdenn's: a one-line error naming dataset and file, raised by all ranks together. */
static PetscErrorCode TransferCheck(MPI_Comm comm, hid_t dset, herr_t status, PetscBool full, PetscBool write)
{
  char      file[PETSC_MAX_PATH_LEN] = "?", name[256] = "?";
  PetscBool failed = PETSC_FALSE, no_space = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(AgreeOnFailure(comm, (PetscBool)(status < 0), full, &failed, &no_space));
  if (!failed) PetscFunctionReturn(0);
  (void)H5Fget_name(dset, file, sizeof(file));
  (void)H5Iget_name(dset, name, sizeof(name));
  PetscCheck(!write, comm, PETSC_ERR_FILE_WRITE, "cannot write dataset '%s' of '%s'%s", name, file, no_space ? " (disk full?)" : "; is the disk full or failing?");
  SETERRQ(comm, PETSC_ERR_FILE_READ, "cannot read dataset '%s' of '%s' (damaged file?)", name, file);
}

PetscErrorCode PdennH5TransferBlock(hid_t dset, int rank, const hsize_t start[], const hsize_t count[], Vec v, PetscBool write)
{
  hid_t        fspace, mspace, dxpl;
  PetscScalar *a;
  herr_t       status;
  PetscBool    full;

  PetscFunctionBeginUser;
  PetscCall(Selections(dset, rank, start, count, &fspace, &mspace));
  PetscCall(CollectiveTransfer(&dxpl));
  errno = 0;
  if (write) {
    PetscCall(VecGetArrayRead(v, (const PetscScalar **)&a));
    status = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, a);
    full   = FailedForSpace(status, errno, dset);
    PetscCall(VecRestoreArrayRead(v, (const PetscScalar **)&a));
  } else {
    PetscCall(VecGetArrayWrite(v, &a));
    status = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, a);
    full   = PETSC_FALSE;
    PetscCall(VecRestoreArrayWrite(v, &a));
  }
  PetscCall(PdennH5Close(&dxpl));
  PetscCall(PdennH5Close(&mspace));
  PetscCall(PdennH5Close(&fspace));
  PetscCall(TransferCheck(PetscObjectComm((PetscObject)v), dset, status, full, write));
  PetscFunctionReturn(0);
}

/* [lo, hi) of a 1D dataset (row < 0) or of row `row` of a 2D one */
static PetscErrorCode TransferVec(hid_t dset, PetscInt row, Vec v, PetscBool write)
{
  PetscInt lo, hi;
  hsize_t  start[2], count[2];

  PetscFunctionBeginUser;
  /* a 1D DMDA's global ordering is the natural one: ownership range = [xs, xs + xm) */
  PetscCall(VecGetOwnershipRange(v, &lo, &hi));
  start[0] = row < 0 ? (hsize_t)lo : (hsize_t)row;
  start[1] = (hsize_t)lo;
  count[0] = row < 0 ? (hsize_t)(hi - lo) : 1;
  count[1] = (hsize_t)(hi - lo);
  PetscCall(PdennH5TransferBlock(dset, row < 0 ? 1 : 2, start, count, v, write));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5WriteVec(hid_t dset, PetscInt row, Vec v)
{
  PetscFunctionBeginUser;
  PetscCall(TransferVec(dset, row, v, PETSC_TRUE));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5ReadVec(hid_t dset, PetscInt row, Vec v)
{
  PetscFunctionBeginUser;
  PetscCall(TransferVec(dset, row, v, PETSC_FALSE));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5WriteArray(MPI_Comm comm, hid_t loc, const char name[], PetscInt n, const PetscReal a[])
{
  PetscMPIInt rank;
  hsize_t     dims = (hsize_t)n;
  hid_t       dset, fspace, mspace, dxpl;
  herr_t      status;
  PetscBool   full;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PdennH5DatasetCreate(loc, name, 1, &dims, &dset));
  PdennH5Call(fspace = H5Dget_space(dset), "H5Dget_space");
  PdennH5Call(mspace = H5Screate_simple(1, &dims, NULL), "H5Screate_simple");
  if (rank || n == 0) { /* every rank holds the same values: rank 0 writes them */
    PdennH5Call(H5Sselect_none(fspace), "H5Sselect_none");
    PdennH5Call(H5Sselect_none(mspace), "H5Sselect_none");
  }
  PetscCall(CollectiveTransfer(&dxpl));
  errno  = 0;
  status = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, a);
  full   = FailedForSpace(status, errno, dset);
  PetscCall(PdennH5Close(&dxpl));
  PetscCall(PdennH5Close(&mspace));
  PetscCall(PdennH5Close(&fspace));
  PetscCall(TransferCheck(comm, dset, status, full, PETSC_TRUE));
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}
