/* Damaged files for the corrupt-input campaign (relfiles.h): whole-file helpers, and the wrong
   layouts of signal sets (docs/hdf5_layout.md) and checkpoints (docs/checkpoints.md), each an
   edit of a copy of a valid file made with the serial HDF5 API. */
#include "relfiles.h"
#include <hdf5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned char *RelFileRead(const char *path, size_t *size)
{
  FILE          *f = fopen(path, "rb");
  unsigned char *data;
  long           n;

  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  data  = malloc((size_t)n + 1);
  *size = fread(data, 1, (size_t)n, f);
  fclose(f);
  return data;
}

int RelFileWrite(const char *path, const unsigned char *data, size_t size)
{
  FILE *f = fopen(path, "wb");
  int   bad;

  if (!f) return 1;
  bad = fwrite(data, 1, size, f) != size;
  return fclose(f) || bad;
}

int RelFileCopy(const char *src, const char *dst)
{
  size_t         size;
  unsigned char *data = RelFileRead(src, &size);
  int            bad  = !data || RelFileWrite(dst, data, size);

  free(data);
  return bad;
}

/* ---- edits with HDF5 ------------------------------------------------------------------------ */

static hid_t OpenRW(const char *path)
{
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  return H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
}

static int Done(hid_t file, herr_t status)
{
  return (H5Fclose(file) < 0) || status < 0;
}

/* a dataset of `type` and shape dims (rank n), contents zero (or never written) */
static herr_t MakeDataset(hid_t loc, const char *name, hid_t type, int n, const hsize_t *dims, int write)
{
  hid_t  space = H5Screate_simple(n, dims, NULL), dset;
  herr_t status;
  size_t count = 1;

  dset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (int d = 0; d < n; d++) count *= (size_t)dims[d];
  status = dset < 0 ? -1 : 0;
  if (dset >= 0 && write && count) {
    double *zero = calloc(count, sizeof(double));
    status       = H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zero);
    free(zero);
  }
  if (dset >= 0) H5Dclose(dset);
  H5Sclose(space);
  return status;
}

static herr_t Replace(hid_t loc, const char *name, hid_t type, int n, const hsize_t *dims, int write)
{
  if (H5Ldelete(loc, name, H5P_DEFAULT) < 0) return -1;
  return MakeDataset(loc, name, type, n, dims, write);
}

static herr_t SetIntAttr(hid_t obj, const char *name, long long value)
{
  hid_t  space, attr;
  herr_t status;

  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  space  = H5Screate(H5S_SCALAR);
  attr   = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  status = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_LLONG, &value);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  return status;
}

static herr_t SetStringAttr(hid_t obj, const char *name, const char *value)
{
  hid_t  type = H5Tcopy(H5T_C_S1), space, attr;
  herr_t status;

  H5Tset_size(type, strlen(value) + 1);
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  space  = H5Screate(H5S_SCALAR);
  attr   = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  status = attr < 0 ? -1 : H5Awrite(attr, type, value);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  H5Tclose(type);
  return status;
}

/* an attribute of n int64 where readers expect one: reading it whole into one variable would
   write n values over the stack */
static herr_t SetIntArrayAttr(hid_t obj, const char *name, hsize_t n)
{
  hid_t      space, attr;
  herr_t     status;
  long long *v = calloc(n, sizeof(long long));

  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  space  = H5Screate_simple(1, &n, NULL);
  attr   = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  status = attr < 0 ? -1 : H5Awrite(attr, H5T_NATIVE_LLONG, v);
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  free(v);
  return status;
}

/* a string attribute or dataset of n strings where readers expect one */
static herr_t StringArray(hid_t loc, const char *name, hsize_t n, int dataset)
{
  hid_t  type = H5Tcopy(H5T_C_S1), space = H5Screate_simple(1, &n, NULL), obj;
  char  *v = calloc(n, 16);
  herr_t status;

  H5Tset_size(type, 16);
  for (hsize_t i = 0; i < n; i++) snprintf(v + 16 * i, 16, "-key%d", (int)i);
  if (dataset) {
    H5Ldelete(loc, name, H5P_DEFAULT);
    obj    = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    status = obj < 0 ? -1 : H5Dwrite(obj, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    if (obj >= 0) H5Dclose(obj);
  } else {
    if (H5Aexists(loc, name) > 0) H5Adelete(loc, name);
    obj    = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    status = obj < 0 ? -1 : H5Awrite(obj, type, v);
    if (obj >= 0) H5Aclose(obj);
  }
  H5Sclose(space);
  H5Tclose(type);
  free(v);
  return status;
}

/* the signal sets of the campaign are 6 x 32 */
static const hsize_t set_dims[2] = {6, 32};

static int SetNoNoisy(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, H5Ldelete(f, "noisy", H5P_DEFAULT));
}
static int SetClean1D(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, Replace(f, "clean", H5T_IEEE_F64LE, 1, &set_dims[1], 1));
}
static int SetNoisyInt(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, Replace(f, "noisy", H5T_STD_I32LE, 2, set_dims, 1));
}
static int SetNoisy3D(const char *p)
{
  const hsize_t d[3] = {6, 32, 2};
  hid_t         f    = OpenRW(p);
  return Done(f, Replace(f, "noisy", H5T_IEEE_F64LE, 3, d, 1));
}
static int SetShapesDiffer(const char *p)
{
  const hsize_t d[2] = {5, 32};
  hid_t         f    = OpenRW(p);
  return Done(f, Replace(f, "noisy", H5T_IEEE_F64LE, 2, d, 1));
}
static int SetAttrN(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetIntAttr(f, "N", 33));
}
static int SetAttrSamplesHuge(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetIntAttr(f, "samples", 1LL << 40));
}
static int SetNoGenerator(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, H5Adelete(f, "generator"));
}
static int SetUnknownGenerator(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetStringAttr(f, "generator", "fractal"));
}
static int SetAttrNString(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetStringAttr(f, "N", "thirty-two"));
}
static int SetNoisyGroup(const char *p)
{
  hid_t f = OpenRW(p), g;
  if (H5Ldelete(f, "noisy", H5P_DEFAULT) < 0) return Done(f, -1);
  g = H5Gcreate2(f, "noisy", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  return Done(f, g < 0 ? -1 : H5Gclose(g));
}
/* zero samples, attributes to match: an empty set */
static int SetEmpty(const char *p)
{
  const hsize_t d[2] = {0, 32};
  hid_t         f    = OpenRW(p);
  herr_t        s    = Replace(f, "clean", H5T_IEEE_F64LE, 2, d, 0);
  if (s >= 0) s = Replace(f, "noisy", H5T_IEEE_F64LE, 2, d, 0);
  if (s >= 0) s = SetIntAttr(f, "samples", 0);
  return Done(f, s);
}
/* huge shape with no data written (HDF5 allocates storage late): readers must not trust it */
static int SetHugeUnwritten(const char *p)
{
  const hsize_t d[2] = {6, (hsize_t)1 << 33};
  hid_t         f    = OpenRW(p);
  herr_t        s    = Replace(f, "clean", H5T_IEEE_F64LE, 2, d, 0);
  if (s >= 0) s = Replace(f, "noisy", H5T_IEEE_F64LE, 2, d, 0);
  if (s >= 0) s = SetIntAttr(f, "N", 1LL << 33);
  return Done(f, s);
}
/* a shape PetscInt cannot hold: 2^32 + 32 points, which 32-bit arithmetic reads as N = 32 */
static int SetWrapsToN(const char *p)
{
  const hsize_t d[2] = {6, ((hsize_t)1 << 32) + 32};
  hid_t         f    = OpenRW(p);
  herr_t        s    = Replace(f, "clean", H5T_IEEE_F64LE, 2, d, 0);
  if (s >= 0) s = Replace(f, "noisy", H5T_IEEE_F64LE, 2, d, 0);
  return Done(f, s);
}
static int SetSeedArray(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetIntArrayAttr(f, "seed", 4096));
}
static int SetGeneratorArray(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, StringArray(f, "generator", 512, 0));
}
static int TextFile(const char *p)
{
  const char t[] = "-N 32\n-signals_samples 6\n";
  return RelFileWrite(p, (const unsigned char *)t, sizeof(t) - 1);
}
static int EmptyFile(const char *p) { return RelFileWrite(p, (const unsigned char *)"", 0); }
/* an HDF5 file of another kind: a bare file with one unrelated dataset */
static int OtherHDF5(const char *p)
{
  const hsize_t d = 4;
  hid_t         f;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  return Done(f, MakeDataset(f, "temperature", H5T_IEEE_F64LE, 1, &d, 1));
}

const RelCraft RelSetCrafts[] = {
    {"dataset noisy missing", SetNoNoisy},
    {"dataset clean 1D", SetClean1D},
    {"dataset noisy of integers", SetNoisyInt},
    {"dataset noisy 3D", SetNoisy3D},
    {"clean and noisy of different shapes", SetShapesDiffer},
    {"attribute N disagrees with the datasets", SetAttrN},
    {"attribute samples 2^40", SetAttrSamplesHuge},
    {"attribute generator missing", SetNoGenerator},
    {"attribute generator unknown", SetUnknownGenerator},
    {"attribute N a string", SetAttrNString},
    {"noisy a group, not a dataset", SetNoisyGroup},
    {"zero samples", SetEmpty},
    {"datasets 6 x 2^33, never written", SetHugeUnwritten},
    {"datasets 6 x (2^32 + 32), never written (N = 32 modulo 2^32)", SetWrapsToN},
    {"attribute seed an array of 4096 integers", SetSeedArray},
    {"attribute generator an array of 512 strings", SetGeneratorArray},
    {"a text file", TextFile},
    {"an empty file", EmptyFile},
    {"an HDF5 file of another kind", OtherHDF5},
};
const int RelNumSetCrafts = (int)(sizeof(RelSetCrafts) / sizeof(RelSetCrafts[0]));

/* ---- checkpoints (the campaign's: sym_resnet, 2 blocks of 2 channels, 14 parameters) ------- */

static int CkFormat(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetStringAttr(f, "format", "pdenn signal set"));
}
static int CkNoMoment(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, H5Ldelete(f, "optimizer/m", H5P_DEFAULT));
}
static int CkShortHistory(const char *p)
{
  const hsize_t d = 3;
  hid_t         f = OpenRW(p);
  return Done(f, Replace(f, "history/step_loss", H5T_IEEE_F64LE, 1, &d, 1));
}
/* 2^26: the reader sizes two arrays of this many doubles before the checksum check (the
   attribute may go up to 2^30 - 1: 8 GiB each); kept small enough for a shared test machine */
static int CkHugeCount(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetIntAttr(f, "n_parameters", 1LL << 26));
}
static int CkNegativeEpoch(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetIntAttr(f, "epoch", -3));
}
static int CkChecksum(const char *p)
{
  hid_t    f = OpenRW(p), attr;
  uint64_t c = 12345;
  if (f < 0) return 1;
  attr = H5Aopen(f, "checksum_fnv1a64", H5P_DEFAULT);
  return Done(f, attr < 0 ? -1 : (H5Awrite(attr, H5T_NATIVE_UINT64, &c) | H5Aclose(attr)));
}
static int CkWeightsZero(const char *p)
{
  const hsize_t d[3] = {2, 1, 3};
  hid_t         f    = OpenRW(p);
  herr_t        s    = Replace(f, "parameters/block0/W", H5T_IEEE_F64LE, 3, d, 1);
  hid_t         ds   = H5Dopen2(f, "parameters/block0/W", H5P_DEFAULT);
  if (ds >= 0) {
    s |= SetIntAttr(ds, "offset", 0);
    H5Dclose(ds);
  }
  return Done(f, s);
}
static int CkNamesMissingGroup(const char *p)
{
  hid_t  f = OpenRW(p), g = H5Gopen2(f, "parameters", H5P_DEFAULT);
  herr_t s = SetStringAttr(g, "names", "block0/W\nblock0/tau\nblock7/W\nblock1/tau\n");
  H5Gclose(g);
  return Done(f, s);
}
static int CkDeckNotString(const char *p)
{
  const hsize_t d = 2;
  hid_t         f = OpenRW(p);
  return Done(f, Replace(f, "deck", H5T_IEEE_F64LE, 1, &d, 1));
}
static int CkEpochArray(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, SetIntArrayAttr(f, "epoch", 4096));
}
static int CkFormatArray(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, StringArray(f, "format", 512, 0));
}
static int CkDeckArray(const char *p)
{
  hid_t f = OpenRW(p);
  return Done(f, StringArray(f, "deck", 4096, 1));
}
static int CkOffsetHuge(const char *p)
{
  hid_t  f = OpenRW(p), ds = H5Dopen2(f, "parameters/block1/W", H5P_DEFAULT);
  herr_t s = SetIntAttr(ds, "offset", 0x7fffffffffffffffLL);
  H5Dclose(ds);
  return Done(f, s);
}
static int CkOffsetOutside(const char *p)
{
  hid_t  f = OpenRW(p), ds = H5Dopen2(f, "parameters/block1/W", H5P_DEFAULT);
  herr_t s = SetIntAttr(ds, "offset", 1000);
  H5Dclose(ds);
  return Done(f, s);
}
/* a parameter group whose shape's product overflows 32-bit arithmetic to 6 values (it has
   2 x (2^31 + 1) x 3): a reader that multiplies in PetscInt reads 12.9e9 values into 6 */
static int CkShapeOverflow(const char *p)
{
  const hsize_t d[3] = {2, ((hsize_t)1 << 31) + 1, 3};
  hid_t         f    = OpenRW(p), ds;
  herr_t        s    = Replace(f, "parameters/block0/W", H5T_IEEE_F64LE, 3, d, 0);
  ds                 = H5Dopen2(f, "parameters/block0/W", H5P_DEFAULT);
  if (ds >= 0) {
    s |= SetIntAttr(ds, "offset", 0);
    H5Dclose(ds);
  }
  return Done(f, s);
}

const RelCraft RelCheckpointCrafts[] = {
    {"attribute format of another kind", CkFormat},
    {"dataset optimizer/m missing", CkNoMoment},
    {"history/step_loss shorter than step", CkShortHistory},
    {"attribute n_parameters 2^26", CkHugeCount},
    {"attribute epoch negative", CkNegativeEpoch},
    {"checksum altered", CkChecksum},
    {"weights rewritten (zeros)", CkWeightsZero},
    {"parameter names list a missing group", CkNamesMissingGroup},
    {"deck of numbers, not a string", CkDeckNotString},
    {"parameter offset outside theta", CkOffsetOutside},
    {"parameter offset 2^63 - 1 (overflows offset + size)", CkOffsetHuge},
    {"attribute epoch an array of 4096 integers", CkEpochArray},
    {"attribute format an array of 512 strings", CkFormatArray},
    {"deck an array of 4096 strings", CkDeckArray},
    {"parameter shape overflowing 32-bit products", CkShapeOverflow},
    {"a text file", TextFile},
    {"an empty file", EmptyFile},
    {"an HDF5 file of another kind", OtherHDF5},
};
const int RelNumCheckpointCrafts = (int)(sizeof(RelCheckpointCrafts) / sizeof(RelCheckpointCrafts[0]));
