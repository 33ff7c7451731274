/* HDF5 signal sets: datasets clean and noisy (samples x N, any float type) and optional attributes
   recording the generator or the import (docs/hdf5_layout.md, "What a set must hold"), written and read in parallel on the DMDA layout: a rank
   transfers its columns [xs, xs + xm) of a sample's row. Also reads one signal of any pdenn file,
   validating everything a user could get wrong. */
#include "iopriv.h"

struct _n_PdennSignalSet {
  MPI_Comm comm;
  char     key[64], path[PETSC_MAX_PATH_LEN];
  hid_t    file;
  PetscInt N, samples;
};

static PetscErrorCode WriteAttributes(hid_t file, const PdennSignalParams *p)
{
  PetscFunctionBeginUser;
  PetscCall(PdennH5AttrWriteString(file, "generator", PdennSignalTypes[p->type]));
  PetscCall(PdennH5AttrWriteString(file, "rng", "splitmix64 hash of (seed, sample, stream, index)"));
  PetscCall(PdennH5AttrWriteInt(file, "seed", p->seed));
  PetscCall(PdennH5AttrWriteReal(file, "sigma", p->sigma));
  PetscCall(PdennH5AttrWriteInt(file, "N", p->N));
  PetscCall(PdennH5AttrWriteInt(file, "samples", p->samples));
  PetscCall(PdennH5AttrWriteInt(file, "pieces", p->pieces));
  PetscCall(PdennH5AttrWriteString(file, "pdenn_version", PDENN_VERSION));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteSample(const PdennSignalParams *p, PetscInt k, Vec clean, Vec noisy, hid_t dclean, hid_t dnoisy)
{
  PetscFunctionBeginUser;
  PetscCall(PdennSignalFill(p, k, clean, noisy));
  PetscCall(PdennH5WriteVec(dclean, k, clean));
  PetscCall(PdennH5WriteVec(dnoisy, k, noisy));
  PetscFunctionReturn(0);
}

/* Not PetscCall in the loop: a failed write (a full disk) still frees the work space; the
   datasets are closed with the file (close degree strong). */
static PetscErrorCode WriteSamples(MPI_Comm comm, hid_t file, const PdennSignalParams *p)
{
  const hsize_t  dims[2] = {(hsize_t)p->samples, (hsize_t)p->N};
  DM             da;
  Vec            clean, noisy;
  hid_t          dclean, dnoisy;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate1d(comm, p->N, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  PetscCall(PdennH5DatasetCreate(file, "clean", 2, dims, &dclean));
  PetscCall(PdennH5DatasetCreate(file, "noisy", 2, dims, &dnoisy));
  for (PetscInt k = 0; k < p->samples && !ierr; k++) ierr = WriteSample(p, k, clean, noisy, dclean, dnoisy);
  if (!ierr) {
    PetscCall(PdennH5Close(&dnoisy));
    PetscCall(PdennH5Close(&dclean));
  }
  PetscCall(VecDestroy(&noisy));
  PetscCall(VecDestroy(&clean));
  PetscCall(DMDestroy(&da));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteContent(MPI_Comm comm, hid_t file, const void *ctx)
{
  const PdennSignalParams *p = (const PdennSignalParams *)ctx;

  PetscFunctionBeginUser;
  PetscCall(WriteAttributes(file, p));
  PetscCall(WriteSamples(comm, file, p));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalSetWrite(MPI_Comm comm, const char key[], const char path[], const PdennSignalParams *p, PetscBool force)
{
  PetscFunctionBeginUser;
  PetscCall(PdennH5WriteNew(comm, key, path, force, WriteContent, p));
  PetscFunctionReturn(0);
}

/* The user-facing checks of a dataset against the signal wanted: its length N and the sample. */
static PetscErrorCode CheckRow(MPI_Comm comm, const char key[], const char path[], const char name[], int rank, const hsize_t dims[2], PetscInt sample, Vec v)
{
  PetscInt N, n = (PetscInt)(rank == 2 ? dims[1] : dims[0]);

  PetscFunctionBeginUser;
  PetscCall(VecGetSize(v, &N));
  PetscCheck(n == N, comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' holds signals of %" PetscInt_FMT " points, but the grid has N = %" PetscInt_FMT " (key -N)", key, name, path, n, N);
  PetscCheck(rank == 1 || (sample >= 0 && (hsize_t)sample < dims[0]), comm, PDENN_ERR_INPUT, "key %s_sample: sample %" PetscInt_FMT " does not exist in dataset '%s' of file '%s'; expected an integer in [0, %" PetscInt_FMT "]", key, sample, name, path, (PetscInt)dims[0] - 1);
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadDataset(MPI_Comm comm, const char key[], const char path[], hid_t file, const char name[], PetscInt sample, Vec v)
{
  hid_t          dset;
  int            rank;
  hsize_t        dims[2];
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5DatasetOpen(comm, key, path, file, name, &dset, &rank, dims));
  ierr = CheckRow(comm, key, path, name, rank, dims, sample, v);
  if (!ierr) ierr = PdennH5ReadVec(dset, rank == 2 ? sample : -1, v);
  if (!ierr) ierr = PdennCheckFiniteVec(comm, key, path, name, rank == 2 ? sample : -1, v);
  if (ierr) (void)H5Dclose(dset);
  PetscCall(ierr);
  PetscCall(PdennH5Close(&dset));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennH5ReadSignal(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec v)
{
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5OpenRead(comm, key, path, &file));
  ierr = ReadDataset(comm, key, path, file, dataset, sample, v);
  if (ierr) (void)H5Fclose(file);
  PetscCall(ierr);
  PetscCall(PdennH5Close(&file));
  PetscFunctionReturn(0);
}

/* A signal set has datasets clean and noisy, both samples x N. */
static PetscErrorCode CheckSetLayout(MPI_Comm comm, const char key[], const char path[], hid_t file, PetscInt *N, PetscInt *samples)
{
  const char *names[2] = {"clean", "noisy"};
  hsize_t     dims[2][2];
  hid_t       dset;
  int         rank;

  PetscFunctionBeginUser;
  for (int i = 0; i < 2; i++) {
    PetscCall(PdennH5DatasetOpen(comm, key, path, file, names[i], &dset, &rank, dims[i]));
    PetscCall(PdennH5Close(&dset));
    PetscCheck(rank == 2, comm, PDENN_ERR_INPUT, "key %s: dataset '%s' in file '%s' has 1 dimension; a signal set's datasets are 2D (samples x N)", key, names[i], path);
  }
  PetscCheck(dims[0][0] == dims[1][0] && dims[0][1] == dims[1][1], comm, PDENN_ERR_INPUT, "key %s: datasets 'clean' (%llu x %llu) and 'noisy' (%llu x %llu) in file '%s' differ in shape; expected both samples x N", key, (unsigned long long)dims[0][0], (unsigned long long)dims[0][1], (unsigned long long)dims[1][0], (unsigned long long)dims[1][1], path);
  /* PetscInt holds the sizes: a larger extent must not wrap around (as N modulo 2^32) */
  PetscCheck(dims[0][0] <= (hsize_t)PETSC_MAX_INT && dims[0][1] <= (hsize_t)PETSC_MAX_INT, comm, PDENN_ERR_INPUT, "key %s: the datasets of file '%s' are %llu x %llu; expected at most %" PetscInt_FMT " samples and points (PETSc's largest index)", key, path, (unsigned long long)dims[0][0], (unsigned long long)dims[0][1], (PetscInt)PETSC_MAX_INT);
  *samples = (PetscInt)dims[0][0];
  *N       = (PetscInt)dims[0][1];
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalSetOpen(MPI_Comm comm, const char key[], const char path[], PdennSignalSet *set)
{
  hid_t          file;
  PetscInt       N = 0, samples = 0;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PdennH5OpenRead(comm, key, path, &file));
  ierr = CheckSetLayout(comm, key, path, file, &N, &samples);
  if (ierr) (void)H5Fclose(file);
  PetscCall(ierr);
  PetscCall(PetscNew(set));
  (*set)->comm    = comm;
  (*set)->file    = file;
  (*set)->N       = N;
  (*set)->samples = samples;
  PetscCall(PetscStrncpy((*set)->key, key, sizeof((*set)->key)));
  PetscCall(PetscStrncpy((*set)->path, path, sizeof((*set)->path)));
  PetscFunctionReturn(0);
}

/* Attribute reads of a set: h5attr.c's one-rank errors (a damaged or foreign attribute) are
   held back and raised once, by all ranks together, naming the key. */
typedef enum {
  ATTR_INT,
  ATTR_REAL,
  ATTR_STRING
} AttrKind;

static PetscErrorCode SetAttrRead(PdennSignalSet set, const char name[], AttrKind kind, void *value, size_t len, PetscBool *found)
{
  static const char *const what[] = {"integer", "real number", "string"};
  PetscErrorCode           ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  if (kind == ATTR_INT)
    ierr = PdennH5AttrReadInt(set->file, name, (PetscInt *)value, found);
  else if (kind == ATTR_REAL)
    ierr = PdennH5AttrReadReal(set->file, name, (PetscReal *)value, found);
  else
    ierr = PdennH5AttrReadString(set->file, name, (char *)value, len, found);
  PetscCall(PetscPopErrorHandler());
  PetscCheck(!ierr, set->comm, PDENN_ERR_INPUT, "key %s: file '%s': attribute '%s' cannot be read as one %s (damaged file, or written by another tool?); it is optional (docs/hdf5_layout.md): remove it", set->key, set->path, name, what[kind]);
  PetscFunctionReturn(0);
}

/* Attributes N and samples, where present, must describe the datasets. */
static PetscErrorCode CheckSizeAttr(PdennSignalSet set, const char name[], PetscInt actual)
{
  PetscInt  value;
  PetscBool found;

  PetscFunctionBeginUser;
  PetscCall(SetAttrRead(set, name, ATTR_INT, &value, 0, &found));
  PetscCheck(!found || value == actual, set->comm, PDENN_ERR_INPUT, "key %s: file '%s' records %s = %" PetscInt_FMT " but its datasets are %" PetscInt_FMT " x %" PetscInt_FMT " (samples x N); expected the attribute to match, or no attribute", set->key, set->path, name, value, set->samples, set->N);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalSetGetParams(PdennSignalSet set, PdennSignalParams *p)
{
  PdennSignalSetInfo info;
  PetscBool          found, match = PETSC_FALSE;

  PetscFunctionBeginUser;
  PetscCall(PdennSignalSetGetInfo(set, &info));
  p->N       = info.N;
  p->samples = info.samples;
  p->type    = PDENN_SIGNAL_MIXED;
  for (PetscInt t = 0; t < PDENN_SIGNAL_NTYPES && !match; t++) {
    PetscCall(PetscStrcmp(info.generator, PdennSignalTypes[t], &match));
    if (match) p->type = (PdennSignalType)t;
  }
  p->sigma = info.sigma;
  p->seed  = -1;
  PetscCall(SetAttrRead(set, "seed", ATTR_INT, &p->seed, 0, &found));
  p->pieces = 0;
  PetscCall(SetAttrRead(set, "pieces", ATTR_INT, &p->pieces, 0, &found));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalSetGetInfo(PdennSignalSet set, PdennSignalSetInfo *info)
{
  PetscBool found, seed, pieces, known = PETSC_FALSE;
  PetscInt  ignored;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(info, sizeof(*info)));
  info->N       = set->N;
  info->samples = set->samples;
  info->sigma   = -1;
  PetscCall(CheckSizeAttr(set, "N", set->N));
  PetscCall(CheckSizeAttr(set, "samples", set->samples));
  PetscCall(SetAttrRead(set, "generator", ATTR_STRING, info->generator, sizeof(info->generator), &found));
  PetscCall(SetAttrRead(set, "sigma", ATTR_REAL, &info->sigma, 0, &info->has_sigma));
  PetscCall(SetAttrRead(set, "source", ATTR_STRING, info->source, sizeof(info->source), &found));
  PetscCall(SetAttrRead(set, "units", ATTR_STRING, info->units, sizeof(info->units), &found));
  PetscCall(SetAttrRead(set, "sample_rate", ATTR_REAL, &info->sample_rate, 0, &found));
  PetscCall(SetAttrRead(set, "seed", ATTR_INT, &ignored, 0, &seed));
  PetscCall(SetAttrRead(set, "pieces", ATTR_INT, &ignored, 0, &pieces));
  for (PetscInt t = 0; t < PDENN_SIGNAL_NTYPES && !known; t++) PetscCall(PetscStrcmp(info->generator, PdennSignalTypes[t], &known));
  info->generated = (PetscBool)(known && seed && pieces && info->has_sigma);
  PetscFunctionReturn(0);
}

/* Any dataset of the open file (clean, noisy, or one added such as pdenn_compare's input and
   target), checked as PdennH5ReadSignal checks it: reading through the open set spares a
   reopening, and a check of the file's checksum, per sample. */
PetscErrorCode PdennSignalSetRead(PdennSignalSet set, const char dataset[], PetscInt sample, Vec v)
{
  PetscFunctionBeginUser;
  PetscCall(ReadDataset(set->comm, set->key, set->path, set->file, dataset, sample, v));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalSetReadSamples(PdennSignalSet set, const char dataset[], PetscInt first, PetscInt count, Vec v[])
{
  PetscFunctionBeginUser;
  for (PetscInt k = 0; k < count; k++) PetscCall(PdennSignalSetRead(set, dataset, first + k, v[k]));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennSignalSetClose(PdennSignalSet *set)
{
  PetscFunctionBeginUser;
  if (!*set) PetscFunctionReturn(0);
  PetscCall(PdennH5Close(&(*set)->file));
  PetscCall(PetscFree(*set));
  PetscFunctionReturn(0);
}
