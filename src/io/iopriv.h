/* Private to src/io: file-system checks made once on rank 0 and shared (so every rank raises the
   same error), and checked wrappers of the parallel HDF5 calls pdenn uses. */
#pragma once
#include <pdenn/io.h>
#include <hdf5.h>

#if !defined(PETSC_USE_REAL_DOUBLE) || defined(PETSC_USE_COMPLEX)
#error "pdenn's HDF5 files hold doubles: it needs a real, double-precision PETSc"
#endif

/* An HDF5 call returning herr_t or hid_t < 0 that no user input explains: an internal error. */
#define PdennH5Call(call, what) PetscCheck((call) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: %s failed", what)

/* paths.c: PdennInputFileCheck and the PdennTmp* protocol are public (pdenn/io.h) */

/* ---- h5file.c ---- */
/* Turns off HDF5's own error printing: pdenn reports errors itself, on one line. */
PetscErrorCode PdennH5Quiet(void);
/* Collective open of an existing file (checked with PdennInputFileCheck) for reading. */
PetscErrorCode PdennH5OpenRead(MPI_Comm comm, const char key[], const char path[], hid_t *file);
/* Collective creation of path.tmp (truncated, with a 512-byte user block) for writing. */
PetscErrorCode PdennH5CreateTmp(MPI_Comm comm, const char path[], hid_t *file);
/* Collective: closes path.tmp, has rank 0 write its checksum header (user block), fsync it and
   rename it to path. On failure path.tmp is removed and path left as it was. */
PetscErrorCode PdennH5CommitTmp(MPI_Comm comm, const char path[], hid_t *file);
/* Collective, after a failed write: closes path.tmp (and what the error left open in it) if
 *file is open, and removes it. */
PetscErrorCode PdennH5AbandonTmp(MPI_Comm comm, const char path[], hid_t *file);
/* Writes a new file: checks path (PdennOutputPathCheck), creates path.tmp, has content() fill it
   (collectively) and commits it; if content() fails, path.tmp is removed and its error raised. */
typedef PetscErrorCode (*PdennH5Content)(MPI_Comm comm, hid_t file, const void *ctx);
PetscErrorCode PdennH5WriteNew(MPI_Comm comm, const char key[], const char path[], PetscBool force, PdennH5Content content, const void *ctx);
/* Opens dataset `name` of a file opened for key/path and checks it holds floating-point numbers
   (any rank); *rank and dims[] receive its shape; layout (NULL: none) is the layout the caller
   expects, named in the error. */
PetscErrorCode PdennH5DatasetOpenFloat(MPI_Comm comm, const char key[], const char path[], hid_t file, const char name[], const char layout[], hid_t *dset, int *rank, hsize_t dims[H5S_MAX_RANK]);
/* The same, checking the rank is 1 or 2 (signals); dims[1] is 1 for rank 1. */
PetscErrorCode PdennH5DatasetOpen(MPI_Comm comm, const char key[], const char path[], hid_t file, const char name[], hid_t *dset, int *rank, hsize_t dims[2]);
/* Collective hyperslab transfer of a parallel Vec with each rank's owned range [lo, hi):
   elements [lo, hi) of a 1D dataset (row < 0) or of row `row` of a 2D one. */
PetscErrorCode PdennH5WriteVec(hid_t dset, PetscInt row, Vec v);
PetscErrorCode PdennH5ReadVec(hid_t dset, PetscInt row, Vec v);
/* The collective transfer of v's local array (write: to the file) and the block start[] +
   count[] of dset (of rank `rank`), which holds as many values; a failure is one error on
   every rank. */
PetscErrorCode PdennH5TransferBlock(hid_t dset, int rank, const hsize_t start[], const hsize_t count[], Vec v, PetscBool write);
/* A small array replicated on every rank of comm, as a 1D dataset (rank 0 writes it). */
PetscErrorCode PdennH5WriteArray(MPI_Comm comm, hid_t loc, const char name[], PetscInt n, const PetscReal a[]);

/* ---- h5images.c ---- */
/* Collective transfer of the box a rank owns of a Vec v on a dof-1 DMDA of dim 2 or 3: to or
   from image `sample` of a (samples x [D x] H x W) dataset, or (sample < 0) the whole
   ([D x] H x W) dataset. */
PetscErrorCode PdennH5TransferImage(hid_t dset, PetscInt sample, Vec v, PetscBool write);
/* The DMDA under v if it has dim 2 or 3 (an image or volume), else NULL (a 1D signal). */
PetscErrorCode PdennVecImageDM(Vec v, DM *da);

/* ---- h5attr.c ---- */
/* Attributes of an object, identical on all ranks (attribute writes are collective). */
PetscErrorCode PdennH5AttrWriteInt(hid_t obj, const char name[], PetscInt value);
PetscErrorCode PdennH5AttrWriteReal(hid_t obj, const char name[], PetscReal value);
PetscErrorCode PdennH5AttrWriteString(hid_t obj, const char name[], const char value[]);
/* Reading: *found is false when the object has no such attribute (value untouched); the readers
   of a real and of any attribute as text are public (pdenn/io.h). */
PetscErrorCode PdennH5AttrReadInt(hid_t obj, const char name[], PetscInt *value, PetscBool *found);
PetscErrorCode PdennH5AttrReadString(hid_t obj, const char name[], char value[], size_t len, PetscBool *found);
