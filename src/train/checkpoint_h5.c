/* The contents of a checkpoint file in serial HDF5 (rank 0 only; theta is replicated, so one
   writer suffices): attributes for counters and names, one dataset per parameter group, the
   optimizer moments, the epoch's sample order and the loss history (docs/checkpoints.md). HDF5
   works on an image in memory (core driver, no backing store) and never meets the disk: its
   errors closing a file on a full disk leave HDF5 1.10 crashing at exit. checkpoint.c does the
   file I/O. */
#include "trainpriv.h"
#include <hdf5.h>
#include <string.h>

#define CkWrite(call, what) PetscCheck((call) >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_WRITE, "HDF5 cannot write %s", what)
#define CkRead(call, what) PetscCheck((call) >= 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "cannot read %s", what)

/* PetscInt in memory (32 or 64 bits, as PETSc was built), 64-bit little-endian in the file */
#define H5T_NATIVE_PETSCINT (sizeof(PetscInt) == 8 ? H5T_NATIVE_INT64 : H5T_NATIVE_INT32)

static const char *const IntAttrs[] = {"N", "n_parameters", "n_groups", "optimizer_steps", "epoch", "step", "batch", "shuffle_seed", "n_samples", "space_ranks", "n_ranks"};
#define N_INT_ATTRS 11

/* the integer counters in the order of IntAttrs */
static void IntsPointers(PdennCheckpoint *ck, PetscInt *p[N_INT_ATTRS])
{
  PetscInt *q[N_INT_ATTRS] = {&ck->N, &ck->nparams, &ck->ngroups, &ck->opt_steps, &ck->epoch, &ck->step, &ck->batch, &ck->seed, &ck->nsamples, &ck->space_ranks, &ck->nranks};
  memcpy(p, q, sizeof(q));
}

static PetscErrorCode AttrWrite(hid_t obj, const char name[], hid_t file_type, hid_t mem_type, const void *value)
{
  hid_t space, attr;

  PetscFunctionBeginUser;
  CkWrite(space = H5Screate(H5S_SCALAR), "a dataspace");
  CkWrite(attr = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), name);
  CkWrite(H5Awrite(attr, mem_type, value), name);
  CkWrite(H5Aclose(attr), name);
  CkWrite(H5Sclose(space), "a dataspace");
  PetscFunctionReturn(0);
}

/* A damaged file may hold several values where one was written: reading them all into one
   variable would write past it. space is closed. */
static PetscErrorCode CheckOneValue(hid_t space, const char name[])
{
  const hssize_t n = space < 0 ? -1 : H5Sget_simple_extent_npoints(space);

  PetscFunctionBeginUser;
  if (space >= 0) H5Sclose(space);
  PetscCheck(n == 1, PETSC_COMM_SELF, PDENN_ERR_INPUT, "cannot read %s (%lld values where one was written)", name, (long long)n);
  PetscFunctionReturn(0);
}

static PetscErrorCode AttrRead(hid_t obj, const char name[], hid_t type, void *value)
{
  hid_t attr;

  PetscFunctionBeginUser;
  CkRead(attr = H5Aopen(obj, name, H5P_DEFAULT), name);
  PetscCall(CheckOneValue(H5Aget_space(attr), name));
  CkRead(H5Aread(attr, type, value), name);
  CkRead(H5Aclose(attr), name);
  PetscFunctionReturn(0);
}

/* fixed-length, NUL-terminated string type of len bytes (h5py reads it as bytes) */
static PetscErrorCode StringType(size_t len, hid_t *type)
{
  PetscFunctionBeginUser;
  CkWrite(*type = H5Tcopy(H5T_C_S1), "a string type");
  CkWrite(H5Tset_size(*type, len), "a string type");
  CkWrite(H5Tset_strpad(*type, H5T_STR_NULLTERM), "a string type");
  PetscFunctionReturn(0);
}

static PetscErrorCode AttrWriteString(hid_t obj, const char name[], const char value[])
{
  hid_t type;

  PetscFunctionBeginUser;
  PetscCall(StringType(strlen(value) + 1, &type));
  PetscCall(AttrWrite(obj, name, type, type, value));
  CkWrite(H5Tclose(type), "a string type");
  PetscFunctionReturn(0);
}

static PetscErrorCode AttrReadString(hid_t obj, const char name[], char value[], size_t len)
{
  hid_t     attr, type, mem;
  size_t    size;
  herr_t    status;
  PetscBool is_string;

  PetscFunctionBeginUser;
  CkRead(attr = H5Aopen(obj, name, H5P_DEFAULT), name);
  PetscCall(CheckOneValue(H5Aget_space(attr), name));
  CkRead(type = H5Aget_type(attr), name);
  size      = H5Tget_size(type);
  is_string = (PetscBool)(H5Tget_class(type) == H5T_STRING);
  CkRead(H5Tclose(type), name); /* types are not closed with the file: before any error */
  PetscCheck(is_string && size > 0 && size <= len, PETSC_COMM_SELF, PDENN_ERR_INPUT, "cannot read attribute %s (not a string of at most %zu bytes)", name, len);
  PetscCall(StringType(size, &mem));
  status = H5Aread(attr, mem, value);
  CkRead(H5Tclose(mem) | H5Aclose(attr), name);
  CkRead(status, name);
  value[size - 1] = '\0';
  PetscFunctionReturn(0);
}

/* dataset `name` (intermediate groups created) of type `type` and shape dims; an empty one is
   allowed (an empty history) */
static PetscErrorCode DatasetWrite(hid_t file, const char name[], hid_t file_type, hid_t mem_type, int ndim, const hsize_t dims[], const void *data)
{
  hid_t space, links, dset;

  PetscFunctionBeginUser;
  CkWrite(space = H5Screate_simple(ndim, dims, NULL), name);
  CkWrite(links = H5Pcreate(H5P_LINK_CREATE), name);
  CkWrite(H5Pset_create_intermediate_group(links, 1), name);
  CkWrite(dset = H5Dcreate2(file, name, file_type, space, links, H5P_DEFAULT, H5P_DEFAULT), name);
  if (H5Sget_simple_extent_npoints(space) > 0) CkWrite(H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name);
  CkWrite(H5Dclose(dset), name);
  CkWrite(H5Pclose(links), name);
  CkWrite(H5Sclose(space), name);
  PetscFunctionReturn(0);
}

static PetscErrorCode RealsWrite(hid_t file, const char name[], PetscInt n, const PetscReal *a)
{
  hsize_t dims = (hsize_t)n;

  PetscFunctionBeginUser;
  PetscCall(DatasetWrite(file, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, &dims, a));
  PetscFunctionReturn(0);
}

/* dataset `name` must hold exactly n values (a shorter one means a damaged file); data may be
   NULL when n is 0 */
static PetscErrorCode DatasetRead(hid_t file, const char name[], hid_t mem_type, hsize_t n, void *data)
{
  hid_t    dset, space;
  hssize_t npoints;

  PetscFunctionBeginUser;
  CkRead(dset = H5Dopen2(file, name, H5P_DEFAULT), name);
  CkRead(space = H5Dget_space(dset), name);
  CkRead(npoints = H5Sget_simple_extent_npoints(space), name);
  PetscCheck((hsize_t)npoints == n, PETSC_COMM_SELF, PDENN_ERR_INPUT, "dataset %s has %lld values, expected %llu", name, (long long)npoints, (unsigned long long)n);
  if (n > 0) CkRead(H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name);
  CkRead(H5Sclose(space) | H5Dclose(dset), name);
  PetscFunctionReturn(0);
}

/* one dataset per parameter group under /parameters, shaped as the model declares it, with its
   offset into theta; the names in theta order are the attribute "names" of /parameters */
static PetscErrorCode ParametersWrite(hid_t file, const PdennCheckpoint *ck)
{
  hsize_t dims[PDENN_PARAM_MAX_DIM];
  hid_t   group;
  char   *names;
  size_t  len = 1;

  PetscFunctionBeginUser;
  CkWrite(group = H5Gcreate2(file, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "group /parameters");
  for (PetscInt g = 0; g < ck->ngroups; g++) {
    const PdennCheckpointGroup *pg     = &ck->groups[g];
    const int64_t               offset = pg->offset;
    hid_t                       dset;
    for (PetscInt d = 0; d < pg->ndim; d++) dims[d] = (hsize_t)pg->shape[d];
    PetscCall(DatasetWrite(group, pg->name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, (int)pg->ndim, dims, ck->theta + pg->offset));
    CkWrite(dset = H5Dopen2(group, pg->name, H5P_DEFAULT), pg->name);
    PetscCall(AttrWrite(dset, "offset", H5T_STD_I64LE, H5T_NATIVE_INT64, &offset));
    CkWrite(H5Dclose(dset), pg->name);
    len += strlen(pg->name) + 1;
  }
  PetscCall(PetscCalloc1(len, &names));
  for (PetscInt g = 0; g < ck->ngroups; g++) {
    PetscCall(PetscStrlcat(names, ck->groups[g].name, len));
    PetscCall(PetscStrlcat(names, "\n", len));
  }
  PetscCall(AttrWriteString(group, "names", names));
  PetscCall(PetscFree(names));
  CkWrite(H5Gclose(group), "group /parameters");
  PetscFunctionReturn(0);
}

/* the deck as a scalar string dataset: an attribute would be limited to 64 KiB */
static PetscErrorCode DeckWrite(hid_t file, const char deck[])
{
  hid_t type, space, dset;

  PetscFunctionBeginUser;
  PetscCall(StringType(strlen(deck) + 1, &type));
  CkWrite(space = H5Screate(H5S_SCALAR), "deck");
  CkWrite(dset = H5Dcreate2(file, "deck", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "deck");
  CkWrite(H5Dwrite(dset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, deck), "deck");
  CkWrite(H5Dclose(dset), "deck");
  CkWrite(H5Sclose(space), "deck");
  CkWrite(H5Tclose(type), "deck");
  PetscFunctionReturn(0);
}

/* The data's grid as the image sets record it (docs/hdf5_layout.md): dim and W, H, D (1D: N, 1,
   1); a checkpoint of an older pdenn has none and is 1D. */
static const char *const GridAttrs[] = {"dim", "W", "H", "D"};

static PetscErrorCode GridWrite(hid_t file, const PdennCheckpoint *ck)
{
  const PetscInt dim = PetscMax(ck->dim, 1), grid[4] = {dim, dim > 1 ? ck->M[0] : ck->N, dim > 1 ? ck->M[1] : 1, dim > 2 ? ck->M[2] : 1};

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < 4; i++) PetscCall(AttrWrite(file, GridAttrs[i], H5T_STD_I64LE, H5T_NATIVE_PETSCINT, &grid[i]));
  PetscFunctionReturn(0);
}

static PetscErrorCode GridRead(hid_t file, PdennCheckpoint *ck)
{
  PetscInt grid[4] = {1, ck->N, 1, 1};

  PetscFunctionBeginUser;
  if (H5Aexists(file, GridAttrs[0]) > 0)
    for (PetscInt i = 0; i < 4; i++) PetscCall(AttrRead(file, GridAttrs[i], H5T_NATIVE_PETSCINT, &grid[i]));
  PetscCheck(grid[0] >= 1 && grid[0] <= 3, PETSC_COMM_SELF, PDENN_ERR_INPUT, "attribute dim = %" PetscInt_FMT " is out of range; expected 1, 2 or 3", grid[0]);
  for (PetscInt a = 0; a < 3; a++) PetscCheck(grid[1 + a] >= 1 && grid[1 + a] <= ck->N && (a < grid[0] || grid[1 + a] == 1), PETSC_COMM_SELF, PDENN_ERR_INPUT, "attribute %s = %" PetscInt_FMT " is out of range for dim %" PetscInt_FMT " and N %" PetscInt_FMT, GridAttrs[1 + a], grid[1 + a], grid[0], ck->N);
  PetscCheck(grid[1] * grid[2] * grid[3] == ck->N, PETSC_COMM_SELF, PDENN_ERR_INPUT, "attributes W x H x D = %" PetscInt_FMT " x %" PetscInt_FMT " x %" PetscInt_FMT " differ from N = %" PetscInt_FMT, grid[1], grid[2], grid[3], ck->N);
  ck->dim = grid[0];
  for (PetscInt a = 0; a < 3; a++) ck->M[a] = grid[1 + a];
  PetscFunctionReturn(0);
}

static PetscErrorCode AttributesWrite(hid_t file, const PdennCheckpoint *ck)
{
  PetscInt *ints[N_INT_ATTRS];
  uint64_t  checksum = PdennCheckpointChecksum(ck);

  PetscFunctionBeginUser;
  IntsPointers((PdennCheckpoint *)ck, ints);
  PetscCall(AttrWriteString(file, "format", "pdenn checkpoint"));
  PetscCall(AttrWriteString(file, "pdenn_version", PDENN_VERSION));
  PetscCall(AttrWriteString(file, "model_type", ck->model_type));
  PetscCall(AttrWriteString(file, "optimizer", ck->optimizer));
  for (PetscInt i = 0; i < N_INT_ATTRS; i++) PetscCall(AttrWrite(file, IntAttrs[i], H5T_STD_I64LE, H5T_NATIVE_PETSCINT, ints[i]));
  PetscCall(GridWrite(file, ck));
  PetscCall(AttrWrite(file, "checksum_fnv1a64", H5T_STD_U64LE, H5T_NATIVE_UINT64, &checksum));
  PetscFunctionReturn(0);
}

static PetscErrorCode ContentsWrite(hid_t file, const PdennCheckpoint *ck)
{
  hsize_t n = (hsize_t)ck->nsamples;

  PetscFunctionBeginUser;
  PetscCall(AttributesWrite(file, ck));
  PetscCall(DeckWrite(file, ck->deck ? ck->deck : ""));
  PetscCall(ParametersWrite(file, ck));
  PetscCall(RealsWrite(file, "optimizer/m", ck->nparams, ck->opt_m));
  if (ck->opt_v) PetscCall(RealsWrite(file, "optimizer/v", ck->nparams, ck->opt_v));
  PetscCall(DatasetWrite(file, "shuffle/permutation", H5T_STD_I64LE, H5T_NATIVE_PETSCINT, 1, &n, ck->perm));
  PetscCall(RealsWrite(file, "history/step_loss", ck->step, ck->step_loss));
  PetscCall(RealsWrite(file, "history/train_loss", ck->epoch, ck->train_loss));
  PetscCall(RealsWrite(file, "history/val_loss", ck->epoch, ck->val_loss));
  PetscFunctionReturn(0);
}

/* In memory (core driver, no backing store), with the file image given or empty; closing the
   file (H5F_CLOSE_STRONG) closes whatever an error left open. */
static PetscErrorCode AccessList(const void *image, size_t size, hid_t *fapl)
{
  PetscFunctionBeginUser;
  PetscCheck((*fapl = H5Pcreate(H5P_FILE_ACCESS)) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: H5Pcreate failed");
  PetscCheck(H5Pset_fclose_degree(*fapl, H5F_CLOSE_STRONG) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: H5Pset_fclose_degree failed");
  PetscCheck(H5Pset_fapl_core(*fapl, 1 << 20, 0) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: H5Pset_fapl_core failed");
  if (image) PetscCheck(H5Pset_file_image(*fapl, (void *)image, size) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: H5Pset_file_image failed");
  PetscFunctionReturn(0);
}

/* The file's bytes after its user block (HDF5's image of a file starts at its superblock),
   behind a block holding their checksum. */
static PetscErrorCode ImageGet(hid_t file, unsigned char **image, size_t *size)
{
  ssize_t n;

  PetscFunctionBeginUser;
  CkWrite(H5Fflush(file, H5F_SCOPE_GLOBAL), "the checkpoint image"); /* H5Fget_file_image does not */
  CkWrite(n = H5Fget_file_image(file, NULL, 0), "the checkpoint image");
  *size = PDENN_H5_USERBLOCK + (size_t)n;
  PetscCall(PetscMalloc1(*size, image));
  CkWrite(H5Fget_file_image(file, *image + PDENN_H5_USERBLOCK, (size_t)n), "the checkpoint image");
  PdennH5UserBlockFill(*image, PdennFnv1a64(PDENN_FNV1A64_BASIS, *image + PDENN_H5_USERBLOCK, (size_t)n), (uint64_t)n);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCheckpointImage(const PdennCheckpoint *ck, unsigned char **image, size_t *size)
{
  hid_t          fapl, fcpl, file;
  PetscErrorCode status;

  PetscFunctionBeginUser;
  *image = NULL;
  PetscCall(AccessList(NULL, 0, &fapl));
  PetscCheck((fcpl = H5Pcreate(H5P_FILE_CREATE)) >= 0 && H5Pset_userblock(fcpl, PDENN_H5_USERBLOCK) >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5: H5Pset_userblock failed");
  file = H5Fcreate("checkpoint image", H5F_ACC_TRUNC, fcpl, fapl);
  H5Pclose(fcpl);
  H5Pclose(fapl);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 cannot create a file in memory");
  status = ContentsWrite(file, ck); /* not PetscCall: the file is closed first, then the error passes on */
  if (!status) status = ImageGet(file, image, size);
  if (H5Fclose(file) < 0 && !status) SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "HDF5 cannot close a file in memory");
  if (status) PetscCall(PetscFree(*image));
  PetscCall(status);
  PetscFunctionReturn(0);
}

/* a string attribute or scalar string dataset of any length, allocated */
static PetscErrorCode StringReadAlloc(hid_t obj, const char name[], PetscBool dataset, char **value)
{
  hid_t     h, type, mem;
  size_t    size;
  herr_t    status;
  PetscBool is_string;

  PetscFunctionBeginUser;
  if (dataset)
    CkRead(h = H5Dopen2(obj, name, H5P_DEFAULT), name);
  else
    CkRead(h = H5Aopen(obj, name, H5P_DEFAULT), name);
  PetscCall(CheckOneValue(dataset ? H5Dget_space(h) : H5Aget_space(h), name));
  CkRead(type = dataset ? H5Dget_type(h) : H5Aget_type(h), name);
  size      = H5Tget_size(type);
  is_string = (PetscBool)(H5Tget_class(type) == H5T_STRING);
  CkRead(H5Tclose(type), name);
  PetscCheck(is_string && size > 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "cannot read %s (not a string)", name);
  PetscCall(StringType(size, &mem));
  PetscCall(PetscCalloc1(size + 1, value));
  status = dataset ? H5Dread(h, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, *value) : H5Aread(h, mem, *value);
  CkRead(H5Tclose(mem) | (dataset ? H5Dclose(h) : H5Aclose(h)), name);
  CkRead(status, name); /* after the closes: types are not closed with the file */
  PetscFunctionReturn(0);
}

/* the counters, checked for sense before they size any allocation (the checksum comes last) */
static PetscErrorCode AttributesRead(hid_t file, PdennCheckpoint *ck, uint64_t *checksum)
{
  PetscInt *ints[N_INT_ATTRS];
  char      format[64];

  PetscFunctionBeginUser;
  PetscCall(AttrReadString(file, "format", format, sizeof(format)));
  PetscCheck(!strcmp(format, "pdenn checkpoint"), PETSC_COMM_SELF, PDENN_ERR_INPUT, "not a pdenn checkpoint (attribute format is '%s')", format);
  PetscCall(AttrReadString(file, "model_type", ck->model_type, sizeof(ck->model_type)));
  PetscCall(AttrReadString(file, "optimizer", ck->optimizer, sizeof(ck->optimizer)));
  IntsPointers(ck, ints);
  for (PetscInt i = 0; i < N_INT_ATTRS; i++) {
    PetscCall(AttrRead(file, IntAttrs[i], H5T_NATIVE_PETSCINT, ints[i]));
    PetscCheck(*ints[i] >= 0 && *ints[i] < ((PetscInt)1 << 30), PETSC_COMM_SELF, PDENN_ERR_INPUT, "attribute %s = %" PetscInt_FMT " is out of range", IntAttrs[i], *ints[i]);
  }
  PetscCall(GridRead(file, ck));
  PetscCall(AttrRead(file, "checksum_fnv1a64", H5T_NATIVE_UINT64, checksum));
  PetscFunctionReturn(0);
}

/* one parameter group: its dataset's shape and offset, and its values into theta; the bounds are
   checked in 64-bit arithmetic on HDF5's own count of the values, since a damaged file may hold
   any offset and shape (a product of dims in PetscInt, or offset + size, could overflow) */
static PetscErrorCode GroupRead(hid_t group, PdennCheckpoint *ck, PdennCheckpointGroup *pg)
{
  hsize_t  dims[H5S_MAX_RANK];
  hid_t    dset, space;
  int64_t  offset;
  char     path[sizeof(pg->name) + 16];
  hssize_t size;
  int      ndim;

  PetscFunctionBeginUser;
  CkRead(dset = H5Dopen2(group, pg->name, H5P_DEFAULT), pg->name);
  CkRead(space = H5Dget_space(dset), pg->name);
  CkRead(ndim = H5Sget_simple_extent_ndims(space), pg->name);
  PetscCheck(ndim <= PDENN_PARAM_MAX_DIM, PETSC_COMM_SELF, PDENN_ERR_INPUT, "parameter group %s has %d dimensions", pg->name, ndim);
  CkRead(H5Sget_simple_extent_dims(space, dims, NULL), pg->name);
  CkRead(size = H5Sget_simple_extent_npoints(space), pg->name);
  PetscCall(AttrRead(dset, "offset", H5T_NATIVE_INT64, &offset));
  PetscCheck(offset >= 0 && offset <= ck->nparams && size <= ck->nparams - offset, PETSC_COMM_SELF, PDENN_ERR_INPUT, "parameter group %s (offset %lld, %lld values) lies outside theta", pg->name, (long long)offset, (long long)size);
  pg->ndim   = ndim;
  pg->offset = (PetscInt)offset;
  for (int d = 0; d < ndim; d++) pg->shape[d] = (PetscInt)PetscMin(dims[d], (hsize_t)PETSC_MAX_INT); /* > n_parameters only beside a 0 */
  if (size > 0) CkRead(H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, ck->theta + offset), pg->name);
  CkRead(H5Sclose(space) | H5Dclose(dset), pg->name);
  PetscCall(PetscSNPrintf(path, sizeof(path), "parameters/%s", pg->name));
  PetscCall(PdennCheckFinite(PETSC_COMM_SELF, NULL, NULL, path, -1, 0, (PetscInt)size, ck->theta + offset)); /* rank 0 alone reads */
  PetscFunctionReturn(0);
}

static PetscErrorCode ParametersRead(hid_t file, PdennCheckpoint *ck)
{
  hid_t    group;
  char    *names, *name;
  PetscInt g = 0;

  PetscFunctionBeginUser;
  CkRead(group = H5Gopen2(file, "parameters", H5P_DEFAULT), "group /parameters");
  PetscCall(StringReadAlloc(group, "names", PETSC_FALSE, &names));
  PetscCall(PetscCalloc1(ck->ngroups, &ck->groups));
  for (name = strtok(names, "\n"); name; name = strtok(NULL, "\n"), g++) {
    PetscCheck(g < ck->ngroups, PETSC_COMM_SELF, PDENN_ERR_INPUT, "more parameter groups than n_groups = %" PetscInt_FMT, ck->ngroups);
    PetscCall(PetscStrncpy(ck->groups[g].name, name, sizeof(ck->groups[g].name)));
    PetscCall(GroupRead(group, ck, &ck->groups[g]));
  }
  PetscCheck(g == ck->ngroups, PETSC_COMM_SELF, PDENN_ERR_INPUT, "%" PetscInt_FMT " parameter groups listed, n_groups = %" PetscInt_FMT, g, ck->ngroups);
  PetscCall(PetscFree(names));
  CkRead(H5Gclose(group), "group /parameters");
  PetscFunctionReturn(0);
}

static PetscErrorCode ContentsRead(hid_t file, PdennCheckpoint *ck)
{
  uint64_t stored;

  PetscFunctionBeginUser;
  PetscCall(AttributesRead(file, ck, &stored));
  PetscCall(PetscCalloc1(ck->nparams, &ck->theta));
  PetscCall(PetscCalloc1(ck->nparams, &ck->opt_m));
  PetscCall(PetscCalloc1(ck->nsamples, &ck->perm));
  PetscCall(PetscCalloc1(ck->step, &ck->step_loss));
  PetscCall(PetscCalloc1(ck->epoch, &ck->train_loss));
  PetscCall(PetscCalloc1(ck->epoch, &ck->val_loss));
  PetscCall(StringReadAlloc(file, "deck", PETSC_TRUE, &ck->deck));
  PetscCall(ParametersRead(file, ck));
  PetscCall(DatasetRead(file, "optimizer/m", H5T_NATIVE_DOUBLE, (hsize_t)ck->nparams, ck->opt_m));
  PetscCall(PdennCheckFinite(PETSC_COMM_SELF, NULL, NULL, "optimizer/m", -1, 0, ck->nparams, ck->opt_m));
  if (H5Lexists(file, "optimizer/v", H5P_DEFAULT) > 0) {
    PetscCall(PetscCalloc1(ck->nparams, &ck->opt_v));
    PetscCall(DatasetRead(file, "optimizer/v", H5T_NATIVE_DOUBLE, (hsize_t)ck->nparams, ck->opt_v));
    PetscCall(PdennCheckFinite(PETSC_COMM_SELF, NULL, NULL, "optimizer/v", -1, 0, ck->nparams, ck->opt_v));
  }
  PetscCall(DatasetRead(file, "shuffle/permutation", H5T_NATIVE_PETSCINT, (hsize_t)ck->nsamples, ck->perm));
  PetscCall(DatasetRead(file, "history/step_loss", H5T_NATIVE_DOUBLE, (hsize_t)ck->step, ck->step_loss));
  PetscCall(DatasetRead(file, "history/train_loss", H5T_NATIVE_DOUBLE, (hsize_t)ck->epoch, ck->train_loss));
  PetscCall(DatasetRead(file, "history/val_loss", H5T_NATIVE_DOUBLE, (hsize_t)ck->epoch, ck->val_loss));
  PetscCheck(PdennCheckpointChecksum(ck) == stored, PETSC_COMM_SELF, PDENN_ERR_INPUT, "its contents do not match the stored checksum (corrupted)");
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCheckpointReadImage(const unsigned char *image, size_t size, PdennCheckpoint *ck)
{
  hid_t          fapl, file;
  PetscErrorCode status;

  PetscFunctionBeginUser;
  PetscCall(AccessList(image, size, &fapl));
  file = H5Fopen("checkpoint image", H5F_ACC_RDONLY, fapl);
  H5Pclose(fapl);
  PetscCheck(file >= 0, PETSC_COMM_SELF, PDENN_ERR_INPUT, "HDF5 cannot open it (truncated or damaged)");
  status = ContentsRead(file, ck); /* not PetscCall: the file is closed first, then the error passes on */
  H5Fclose(file);
  PetscCall(status);
  PetscFunctionReturn(0);
}
