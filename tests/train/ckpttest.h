/* What the checkpoint tests share (test_train_checkpoint.c, test_train_pinned.c,
   tests/train2d/test_train2d_checkpoint.c): an error handler that keeps the message of the error
   under test, so a test can check the file it names, and the layout of a synthetic checkpoint with no model behind it (sym_resnet, Adam,
   groups block0/W of 8 values and block0/tau, NS samples, 3 steps), and two ways to tamper with
   a written file. */
#pragma once
#include <pdenn/core.h>
#include <pdenn/train.h>
#include <hdf5.h>
#include <stdio.h>
#include <string.h>

#define NP 9 /* parameters: block0/W (8) and block0/tau (1) */
#define NS 5 /* samples in the permutation */

static char captured[1024];

static PetscErrorCode Capture(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  (void)comm, (void)line, (void)fun, (void)file, (void)ctx;
  if (p == PETSC_ERROR_INITIAL) snprintf(captured, sizeof(captured), "%s", mess);
  return n;
}

/* The arrays a synthetic checkpoint points to: each test gives its own values */
typedef struct {
  PetscReal *theta, *m, *v, *step_loss, *train_loss, *val_loss; /* NP, NP, NP, 3, 1, 1 */
  PetscInt  *perm;                                              /* NS */
  char      *deck;
} CkptTestArrays;

/* ck (epoch 1, step 3, batch 1, seed 42, N = 64) pointing into a; W is w_rows x w_cols (8
   values); written by nranks ranks */
static inline void CkptTestFill(PdennCheckpoint *ck, PdennCheckpointGroup groups[2], PetscInt w_rows, PetscInt w_cols, PetscInt nranks, const CkptTestArrays *a)
{
  memset(ck, 0, sizeof(*ck));
  memset(groups, 0, 2 * sizeof(groups[0]));
  strcpy(groups[0].name, "block0/W");
  groups[0].offset = 0, groups[0].ndim = 2, groups[0].shape[0] = w_rows, groups[0].shape[1] = w_cols;
  strcpy(groups[1].name, "block0/tau");
  groups[1].offset = 8, groups[1].ndim = 1, groups[1].shape[0] = 1;
  strcpy(ck->model_type, "sym_resnet");
  strcpy(ck->optimizer, "adam");
  ck->N = 64, ck->nparams = NP, ck->ngroups = 2, ck->groups = groups, ck->theta = a->theta;
  ck->opt_steps = 3, ck->opt_m = a->m, ck->opt_v = a->v;
  ck->epoch = 1, ck->step = 3, ck->batch = 1, ck->seed = 42, ck->nsamples = NS, ck->perm = a->perm;
  ck->step_loss = a->step_loss, ck->train_loss = a->train_loss, ck->val_loss = a->val_loss;
  ck->space_ranks = 1, ck->nranks = nranks, ck->deck = a->deck;
}

/* Rewrites value 0 of dataset `name` (to value 0 + 1) or, if attr, the integer attribute `name`
   of the root group (to value + 1): HDF5 stays consistent, only the contents change. */
static inline PetscErrorCode CkptTestRewrite(const char path[], const char name[], PetscBool attr)
{
  hid_t   file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT), obj, space, mem;
  hsize_t one = 1, at[8] = {0}; /* element 0 of a dataset of up to 8 dimensions */
  herr_t  err;

  PetscFunctionBeginUser;
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
  if (attr) {
    int64_t value;
    obj = H5Aopen(file, name, H5P_DEFAULT);
    err = obj < 0 ? -1 : H5Aread(obj, H5T_NATIVE_INT64, &value);
    value += 1;
    if (err >= 0) err = H5Awrite(obj, H5T_NATIVE_INT64, &value);
    if (obj >= 0) H5Aclose(obj);
  } else {
    double value; /* an integer dataset converts exactly through double for these values */
    obj   = H5Dopen2(file, name, H5P_DEFAULT);
    space = obj < 0 ? -1 : H5Dget_space(obj);
    mem   = H5Screate_simple(1, &one, NULL);
    err   = space < 0 ? -1 : H5Sselect_elements(space, H5S_SELECT_SET, 1, at);
    if (err >= 0) err = H5Dread(obj, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &value);
    value += 1.0;
    if (err >= 0) err = H5Dwrite(obj, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &value);
    H5Sclose(mem);
    if (space >= 0) H5Sclose(space);
    if (obj >= 0) H5Dclose(obj);
  }
  H5Fclose(file);
  PetscCheck(obj >= 0 && err >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "cannot rewrite %s %s in %s", attr ? "attribute" : "dataset", name, path);
  PetscFunctionReturn(0);
}

/* Clears the checksum header in the HDF5 user block (its first 512 bytes, which HDF5 skips): the
   file then reads as one without a file checksum (h5py's, older pdenn's), and only the
   checkpoint's own checksum over its fields stands between a changed value and a resumed run. */
static inline PetscErrorCode CkptTestClearUserBlock(const char path[])
{
  unsigned char zero[512] = {0};
  FILE         *f         = fopen(path, "r+b");

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
  PetscCheck(fwrite(zero, 1, sizeof(zero), f) == sizeof(zero), PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot write %s", path);
  PetscCheck(fclose(f) == 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "cannot close %s", path);
  PetscFunctionReturn(0);
}
