/* pdenn_signals -import: a user's record (HDF5, .npy or CSV, read on rank 0) cut into segments of
   N points, split in order into train/validation/test sets without overlap, each written as a
   pdenn signal set (clean, noisy) with its provenance (docs/hdf5_layout.md, "Imported sets").
   Noise, where the file has no noisy version, is PdennSignalNoise's seeded Gaussian per
   (seed, segment, point): the same on every rank count. Keys: docs/decks.md. */
#include "iopriv.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef enum {
  FORMAT_AUTO,
  FORMAT_HDF5,
  FORMAT_NPY,
  FORMAT_CSV
} ImportFormat;
static const char *const Formats[] = {"auto", "hdf5", "npy", "csv"};
static const char *const Splits[]  = {"train", "val", "test"};

typedef struct {
  char             path[PETSC_MAX_PATH_LEN], prefix[PETSC_MAX_PATH_LEN], units[64];
  char             dataset[256], noisy_dataset[256], column[256], noisy_column[256];
  PetscInt         format, N, seed;
  PetscReal        fractions[3], sigma, sigma_relative, sample_rate, data_std;
  PetscBool        has_sigma, has_relative, force;
  PdennImportTable t;
  PetscInt         per_record, first[3], count[3]; /* segments per record; each split's */
  char             checksum[32];
  long long        bytes;
} Import;

PetscErrorCode PdennImportCheckFinite(const char path[], const char what[], PetscInt n, PetscInt cols, const PetscReal a[])
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++)
    PetscCheck(!PetscIsInfOrNanReal(a[i]), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import: file '%s', %s: value %s at index %" PetscInt_FMT " (record %" PetscInt_FMT ", point %" PetscInt_FMT ") is not finite; expected finite numbers only", path, what, PetscIsNanReal(a[i]) ? "NaN" : a[i] > 0 ? "+Inf"
                                                                                                                                                                                                                                                                                                    : "-Inf",
               i, i / cols, i % cols);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennImportTableFree(PdennImportTable *t)
{
  PetscFunctionBeginUser;
  PetscCall(PetscFree(t->clean));
  PetscCall(PetscFree(t->noisy));
  t->rows = t->cols = 0;
  PetscFunctionReturn(0);
}

/* Rank 0: that the file is there, and its format (the magic numbers, else a .csv/.txt name). */
static PetscErrorCode DetectFormat(Import *imp)
{
  struct stat   st;
  unsigned char magic[8] = {0};
  FILE         *f;
  const char   *dot = strrchr(imp->path, '.');

  PetscFunctionBeginUser;
  PetscCheck(!stat(imp->path, &st), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import: file '%s' does not exist", imp->path);
  PetscCheck(S_ISREG(st.st_mode), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import: '%s' is not a regular file; expected an HDF5, .npy or CSV file", imp->path);
  PetscCheck((f = fopen(imp->path, "rb")), PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import: file '%s' cannot be read (permissions?)", imp->path);
  (void)!fread(magic, 1, sizeof(magic), f);
  (void)fclose(f);
  if (imp->format != FORMAT_AUTO) PetscFunctionReturn(0);
  PetscCall(PdennH5Quiet());
  if (!memcmp(magic, "\x93NUMPY", 6))
    imp->format = FORMAT_NPY;
  else if (H5Fis_hdf5(imp->path) > 0)
    imp->format = FORMAT_HDF5;
  else if (dot && (!strcasecmp(dot, ".csv") || !strcasecmp(dot, ".txt")))
    imp->format = FORMAT_CSV;
  PetscCheck(imp->format != FORMAT_AUTO, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import_format: cannot tell the format of file '%s' (not HDF5, not .npy, not named .csv or .txt); expected -import_format hdf5, npy or csv", imp->path);
  PetscFunctionReturn(0);
}

/* Rank 0: FNV-1a 64 and size of the source file, its provenance. */
static PetscErrorCode Checksum(Import *imp)
{
  unsigned char buf[1 << 16];
  FILE         *f = fopen(imp->path, "rb");
  uint64_t      h = PDENN_FNV1A64_BASIS;
  size_t        got;

  PetscFunctionBeginUser;
  PetscCheck(f, PETSC_COMM_SELF, PDENN_ERR_INPUT, "key -import: file '%s' cannot be read", imp->path);
  imp->bytes = 0;
  while ((got = fread(buf, 1, sizeof(buf), f)) > 0) h = PdennFnv1a64(h, buf, got), imp->bytes += (long long)got;
  (void)fclose(f);
  PetscCall(PetscSNPrintf(imp->checksum, sizeof(imp->checksum), "%016llx", (unsigned long long)h));
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadSource(Import *imp)
{
  PetscFunctionBeginUser;
  if (imp->format == FORMAT_HDF5)
    PetscCall(PdennH5ImportRead("-import", imp->path, imp->dataset, imp->noisy_dataset, &imp->t));
  else if (imp->format == FORMAT_NPY)
    PetscCall(PdennNpyRead("-import", imp->path, &imp->t));
  else
    PetscCall(PdennCsvRead("-import", imp->path, imp->column, imp->noisy_column, &imp->t));
  PetscCall(Checksum(imp));
  PetscFunctionReturn(0);
}

/* fn(imp) on rank 0 alone; a failure there (printed once, by rank 0) is every rank's. */
static PetscErrorCode OnRank0(MPI_Comm comm, PetscErrorCode (*fn)(Import *), Import *imp)
{
  PetscMPIInt    rank;
  int            code;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (!rank) ierr = fn(imp);
  code = (int)ierr;
  PetscCallMPI(MPI_Bcast(&code, 1, MPI_INT, 0, comm));
  PetscFunctionReturn((PetscErrorCode)code);
}

/* Rank 0 reads; the others learn the table. */
static PetscErrorCode ReadAndShare(MPI_Comm comm, Import *imp)
{
  PetscMPIInt rank;
  PetscMPIInt count;
  long long   sizes[3];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(OnRank0(comm, ReadSource, imp));
  sizes[0] = imp->t.rows, sizes[1] = imp->t.cols, sizes[2] = imp->t.noisy != NULL;
  PetscCallMPI(MPI_Bcast(sizes, 3, MPI_LONG_LONG, 0, comm));
  PetscCallMPI(MPI_Bcast(imp->checksum, sizeof(imp->checksum), MPI_CHAR, 0, comm));
  PetscCallMPI(MPI_Bcast(&imp->bytes, 1, MPI_LONG_LONG, 0, comm));
  PetscCallMPI(MPI_Bcast(imp->t.what, sizeof(imp->t.what), MPI_CHAR, 0, comm));
  imp->t.rows = (PetscInt)sizes[0];
  imp->t.cols = (PetscInt)sizes[1];
  if (rank) PetscCall(PetscMalloc1(sizes[0] * sizes[1], &imp->t.clean));
  if (rank && sizes[2]) PetscCall(PetscMalloc1(sizes[0] * sizes[1], &imp->t.noisy));
  PetscCall(PetscMPIIntCast((PetscInt)(sizes[0] * sizes[1]), &count));
  PetscCallMPI(MPI_Bcast(imp->t.clean, count, MPIU_REAL, 0, comm));
  if (sizes[2]) PetscCallMPI(MPI_Bcast(imp->t.noisy, count, MPIU_REAL, 0, comm));
  PetscFunctionReturn(0);
}

/* "a,b,c": three fractions in (0, 1) that sum to 1. */
static PetscErrorCode ParseFractions(const char text[], PetscReal f[3])
{
  const char *c = text;
  char       *end;
  PetscInt    n;

  PetscFunctionBeginUser;
  for (n = 0; n < 3; n++) {
    f[n] = strtod(c, &end);
    if (end == c || !(f[n] > 0 && f[n] < 1) || (n < 2 && *end != ',')) break;
    c = end + 1;
  }
  PetscCheck(n == 3 && *end == '\0', PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key -import_fractions: value '%s' is not allowed; expected three fractions train,val,test in (0, 1), e.g. 0.7,0.15,0.15", text);
  PetscCheck(PetscAbsReal(f[0] + f[1] + f[2] - 1) < 1e-9, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key -import_fractions: values %s sum to %g; expected a sum of 1", text, (double)(f[0] + f[1] + f[2]));
  PetscFunctionReturn(0);
}

/* Which data of the file: keys of its format only (or all, for -help), so a key that does not
   apply is an unused key. */
static PetscErrorCode ReadDataKeys(MPI_Comm comm, Import *imp, PetscBool help)
{
  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "pdenn_signals -import: which data", NULL);
  if (help || imp->format == FORMAT_HDF5) {
    PetscCall(PdennOptionsString("-import_dataset", "HDF5: dataset of the (clean) signal (default: the file's only dataset)", "", imp->dataset, sizeof(imp->dataset), NULL));
    PetscCall(PdennOptionsString("-import_noisy_dataset", "HDF5: dataset of its noisy version, same shape (default: none, add noise)", "", imp->noisy_dataset, sizeof(imp->noisy_dataset), NULL));
  }
  if (help || imp->format == FORMAT_CSV) {
    PetscCall(PdennOptionsString("-import_column", "CSV: column (0-based index or header name) holding one long record (default: one column is a record, several a record per row)", "", imp->column, sizeof(imp->column), NULL));
    PetscCall(PdennOptionsString("-import_noisy_column", "CSV: column of its noisy version (default: none, add noise)", "", imp->noisy_column, sizeof(imp->noisy_column), NULL));
  }
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}

/* Noise keys, only where the file has no noisy version (or for -help). */
static PetscErrorCode ReadNoiseKeys(MPI_Comm comm, Import *imp, PetscBool help)
{
  PetscFunctionBeginUser;
  imp->sigma_relative = 0.1;
  PetscOptionsBegin(comm, NULL, "pdenn_signals -import: Gaussian noise (where the file has no noisy data)", NULL);
  PetscCall(PdennOptionsReal("-import_sigma", "Absolute noise standard deviation (instead of -import_sigma_relative)", 0.0, 0.0, PETSC_MAX_REAL, &imp->sigma, &imp->has_sigma));
  PetscCall(PdennOptionsReal("-import_sigma_relative", "Noise standard deviation as a fraction of the data's standard deviation", 0.1, 0.0, 100.0, &imp->sigma_relative, &imp->has_relative));
  PetscCall(PdennOptionsInt("-import_seed", "Seed of the noise", 1, 0, PETSC_MAX_INT, &imp->seed, NULL));
  PetscOptionsEnd();
  PetscCheck(!(imp->has_sigma && imp->has_relative) || help, comm, PDENN_ERR_INPUT, "key -import_sigma: given with -import_sigma_relative; expected one of them");
  PetscFunctionReturn(0);
}

static PetscErrorCode ReadKeys(MPI_Comm comm, Import *imp)
{
  char fractions[128];

  PetscFunctionBeginUser;
  PetscOptionsBegin(comm, NULL, "pdenn_signals -import: segments, split, provenance, output", NULL);
  PetscCall(PdennOptionsChoice("-import_format", "Format of the -import file (auto: HDF5 or .npy by content, CSV by a .csv/.txt name)", Formats, 4, FORMAT_AUTO, &imp->format, NULL));
  PetscCall(PdennOptionsString("-import_fractions", "Fractions of the segments for train,val,test (in order, no overlap)", "0.7,0.15,0.15", fractions, sizeof(fractions), NULL));
  PetscCall(PdennOptionsReal("-import_sample_rate", "Samples per second of the record, recorded in the sets (0: not known)", 0.0, 0.0, PETSC_MAX_REAL, &imp->sample_rate, NULL));
  PetscCall(PdennOptionsString("-import_units", "Units of the amplitude, recorded in the sets", "", imp->units, sizeof(imp->units), NULL));
  PetscCall(PdennOptionsString("-import_output", "Prefix of the sets written: <prefix>_train.h5, _val.h5, _test.h5", "imported", imp->prefix, sizeof(imp->prefix), NULL));
  PetscOptionsEnd();
  PetscCall(ParseFractions(fractions, imp->fractions));
  PetscFunctionReturn(0);
}

/* Segments of N points, in order: record by record, each cut from its start (a remainder
   shorter than N is left out); the splits take consecutive runs of them. */
static PetscErrorCode Segment(MPI_Comm comm, Import *imp)
{
  PetscInt total;

  PetscFunctionBeginUser;
  imp->per_record = imp->t.cols / imp->N;
  total           = imp->per_record * imp->t.rows;
  PetscCheck(total >= 3, comm, PDENN_ERR_INPUT, "key -N: value %" PetscInt_FMT " cuts the data of file '%s' (%" PetscInt_FMT " record(s) of %" PetscInt_FMT " points) into %" PetscInt_FMT " segment(s); expected at least 3 (one per split): a smaller -N or a longer record", imp->N, imp->path, imp->t.rows, imp->t.cols, total);
  imp->count[0] = (PetscInt)PetscFloorReal(imp->fractions[0] * total + 0.5);
  imp->count[1] = (PetscInt)PetscFloorReal(imp->fractions[1] * total + 0.5);
  imp->count[2] = total - imp->count[0] - imp->count[1];
  for (PetscInt s = 0; s < 3; s++) PetscCheck(imp->count[s] >= 1, comm, PDENN_ERR_INPUT, "key -import_fractions: the %s set gets %" PetscInt_FMT " of the %" PetscInt_FMT " segments of N = %" PetscInt_FMT "; expected fractions that give every set at least one (or a smaller -N)", Splits[s], imp->count[s], total, imp->N);
  imp->first[0] = 0;
  imp->first[1] = imp->count[0];
  imp->first[2] = imp->count[0] + imp->count[1];
  PetscFunctionReturn(0);
}

/* The absolute noise sigma: given, or relative to the standard deviation of the data used. */
static PetscErrorCode NoiseSigma(Import *imp)
{
  const PetscInt n   = imp->per_record * imp->N;
  PetscReal      sum = 0, sq = 0, mean;
  PetscInt       count = 0;

  PetscFunctionBeginUser;
  for (PetscInt r = 0; r < imp->t.rows; r++)
    for (PetscInt i = 0; i < n; i++, count++) sum += imp->t.clean[r * imp->t.cols + i];
  mean = sum / count;
  for (PetscInt r = 0; r < imp->t.rows; r++)
    for (PetscInt i = 0; i < n; i++) sq += PetscSqr(imp->t.clean[r * imp->t.cols + i] - mean);
  imp->data_std = PetscSqrtReal(sq / count);
  if (!imp->has_sigma) imp->sigma = imp->sigma_relative * imp->data_std;
  PetscFunctionReturn(0);
}

/* Segment k's owned points [lo, hi) into clean and noisy. */
static void FillSegment(const Import *imp, PetscInt k, PetscInt lo, PetscInt hi, PetscScalar c[], PetscScalar n[])
{
  const PetscInt   at    = (k / imp->per_record) * imp->t.cols + (k % imp->per_record) * imp->N;
  const PetscReal *clean = imp->t.clean + at, *noisy = imp->t.noisy ? imp->t.noisy + at : NULL;

  for (PetscInt i = lo; i < hi; i++) {
    c[i - lo] = clean[i];
    n[i - lo] = noisy ? noisy[i] : clean[i] + imp->sigma * PdennSignalNoise(imp->seed, k, i);
  }
}

/* The set's provenance (docs/hdf5_layout.md, "Imported sets"). */
static PetscErrorCode WriteAttributes(hid_t file, const Import *imp, PetscInt s)
{
  char fractions[96];

  PetscFunctionBeginUser;
  PetscCall(PdennH5AttrWriteString(file, "generator", "imported"));
  PetscCall(PdennH5AttrWriteInt(file, "N", imp->N));
  PetscCall(PdennH5AttrWriteInt(file, "samples", imp->count[s]));
  PetscCall(PdennH5AttrWriteString(file, "split", Splits[s]));
  PetscCall(PetscSNPrintf(fractions, sizeof(fractions), "%g,%g,%g", (double)imp->fractions[0], (double)imp->fractions[1], (double)imp->fractions[2]));
  PetscCall(PdennH5AttrWriteString(file, "split_fractions", fractions));
  PetscCall(PdennH5AttrWriteString(file, "source", imp->path));
  PetscCall(PdennH5AttrWriteString(file, "source_format", Formats[imp->format]));
  PetscCall(PdennH5AttrWriteString(file, "source_data", imp->t.what));
  PetscCall(PdennH5AttrWriteString(file, "source_fnv1a64", imp->checksum));
  PetscCall(PdennH5AttrWriteInt(file, "source_bytes", (PetscInt)imp->bytes));
  PetscCall(PdennH5AttrWriteInt(file, "source_records", imp->t.rows));
  PetscCall(PdennH5AttrWriteInt(file, "source_record_points", imp->t.cols));
  PetscCall(PdennH5AttrWriteString(file, "noise", imp->t.noisy ? "from file" : "gaussian"));
  if (!imp->t.noisy) {
    PetscCall(PdennH5AttrWriteReal(file, "sigma", imp->sigma));
    if (!imp->has_sigma) PetscCall(PdennH5AttrWriteReal(file, "sigma_relative", imp->sigma_relative));
    PetscCall(PdennH5AttrWriteReal(file, "data_std", imp->data_std));
    PetscCall(PdennH5AttrWriteInt(file, "seed", imp->seed));
    PetscCall(PdennH5AttrWriteString(file, "rng", "splitmix64 hash of (seed, segment, stream, point), Box-Muller"));
  }
  if (imp->sample_rate > 0) PetscCall(PdennH5AttrWriteReal(file, "sample_rate", imp->sample_rate));
  if (imp->units[0]) PetscCall(PdennH5AttrWriteString(file, "units", imp->units));
  PetscCall(PdennH5AttrWriteString(file, "pdenn_version", PDENN_VERSION));
  PetscFunctionReturn(0);
}

/* segment_record, segment_start, segment_end (end exclusive): where each row came from. */
static PetscErrorCode WriteRanges(MPI_Comm comm, hid_t file, const Import *imp, PetscInt s)
{
  PetscReal *r, *a, *b;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(imp->count[s], &r, imp->count[s], &a, imp->count[s], &b));
  for (PetscInt j = 0; j < imp->count[s]; j++) {
    const PetscInt k = imp->first[s] + j;

    r[j] = (PetscReal)(k / imp->per_record);
    a[j] = (PetscReal)((k % imp->per_record) * imp->N);
    b[j] = a[j] + (PetscReal)imp->N;
  }
  PetscCall(PdennH5WriteArray(comm, file, "segment_record", imp->count[s], r));
  PetscCall(PdennH5WriteArray(comm, file, "segment_start", imp->count[s], a));
  PetscCall(PdennH5WriteArray(comm, file, "segment_end", imp->count[s], b));
  PetscCall(PetscFree3(r, a, b));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteRows(MPI_Comm comm, hid_t file, const Import *imp, PetscInt s)
{
  const hsize_t dims[2] = {(hsize_t)imp->count[s], (hsize_t)imp->N};
  DM            da;
  Vec           clean, noisy;
  hid_t         dclean, dnoisy;
  PetscInt      lo, hi;
  PetscScalar  *c, *n;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDACreate1d(comm, imp->N, 1, 1, &da));
  PetscCall(DMCreateGlobalVector(da, &clean));
  PetscCall(VecDuplicate(clean, &noisy));
  PetscCall(VecGetOwnershipRange(clean, &lo, &hi));
  PetscCall(PdennH5DatasetCreate(file, "clean", 2, dims, &dclean));
  PetscCall(PdennH5DatasetCreate(file, "noisy", 2, dims, &dnoisy));
  for (PetscInt j = 0; j < imp->count[s]; j++) {
    PetscCall(VecGetArrayWrite(clean, &c));
    PetscCall(VecGetArrayWrite(noisy, &n));
    FillSegment(imp, imp->first[s] + j, lo, hi, c, n);
    PetscCall(VecRestoreArrayWrite(clean, &c));
    PetscCall(VecRestoreArrayWrite(noisy, &n));
    PetscCall(PdennH5WriteVec(dclean, j, clean));
    PetscCall(PdennH5WriteVec(dnoisy, j, noisy));
  }
  PetscCall(PdennH5Close(&dnoisy));
  PetscCall(PdennH5Close(&dclean));
  PetscCall(VecDestroy(&noisy));
  PetscCall(VecDestroy(&clean));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

static PetscErrorCode OutputPath(const Import *imp, PetscInt s, char path[], size_t len)
{
  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(path, len, "%s_%s.h5", imp->prefix, Splits[s]));
  PetscFunctionReturn(0);
}

/* One set, via path.tmp and an atomic rename (no half-written file is left on failure). */
static PetscErrorCode WriteSet(MPI_Comm comm, const Import *imp, PetscInt s)
{
  char           path[PETSC_MAX_PATH_LEN];
  hid_t          file;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(OutputPath(imp, s, path, sizeof(path)));
  PetscCall(PdennH5CreateTmp(comm, path, &file));
  ierr = WriteAttributes(file, imp, s);
  if (!ierr) ierr = WriteRows(comm, file, imp, s);
  if (!ierr) ierr = WriteRanges(comm, file, imp, s);
  if (ierr) {
    PetscCall(PdennH5AbandonTmp(comm, path, &file));
    PetscCall(ierr);
  }
  PetscCall(PdennH5CommitTmp(comm, path, &file));
  PetscFunctionReturn(0);
}

static PetscErrorCode Report(MPI_Comm comm, const Import *imp)
{
  char noise[160];

  PetscFunctionBeginUser;
  if (imp->t.noisy)
    PetscCall(PetscSNPrintf(noise, sizeof(noise), "noisy data from the file"));
  else if (imp->has_sigma)
    PetscCall(PetscSNPrintf(noise, sizeof(noise), "Gaussian noise sigma %g, seed %" PetscInt_FMT, (double)imp->sigma, imp->seed));
  else
    PetscCall(PetscSNPrintf(noise, sizeof(noise), "Gaussian noise sigma %g (%g x the data's standard deviation %g), seed %" PetscInt_FMT, (double)imp->sigma, (double)imp->sigma_relative, (double)imp->data_std, imp->seed));
  PetscCall(PetscPrintf(comm, "pdenn_signals: imported '%s' (%s, %s, %" PetscInt_FMT " record(s) of %" PetscInt_FMT " points) as segments of N = %" PetscInt_FMT ", %s:\n", imp->path, Formats[imp->format], imp->t.what, imp->t.rows, imp->t.cols, imp->N, noise));
  for (PetscInt s = 0; s < 3; s++) {
    char path[PETSC_MAX_PATH_LEN];

    PetscCall(OutputPath(imp, s, path, sizeof(path)));
    PetscCall(PetscPrintf(comm, "  %-5s %" PetscInt_FMT " segments (%" PetscInt_FMT " .. %" PetscInt_FMT ") -> %s\n", Splits[s], imp->count[s], imp->first[s], imp->first[s] + imp->count[s] - 1, path));
  }
  PetscFunctionReturn(0);
}

/* Keys, then the checks that need no data (outputs writable), then the data and the sets. */
static PetscErrorCode ImportPrepare(MPI_Comm comm, Import *imp, PetscBool help)
{
  PetscFunctionBeginUser;
  PetscCall(ReadKeys(comm, imp));
  if (!help) PetscCall(OnRank0(comm, DetectFormat, imp));
  if (!help) PetscCallMPI(MPI_Bcast(&imp->format, 1, MPIU_INT, 0, comm));
  PetscCall(ReadDataKeys(comm, imp, help));
  if (help || !(imp->noisy_dataset[0] || imp->noisy_column[0])) PetscCall(ReadNoiseKeys(comm, imp, help));
  if (help) PetscFunctionReturn(0);
  PetscCall(PdennDeckCheckUnused(comm));
  for (PetscInt s = 0; s < 3; s++) {
    char path[PETSC_MAX_PATH_LEN];

    PetscCall(OutputPath(imp, s, path, sizeof(path)));
    PetscCall(PdennOutputPathCheck(comm, "-import_output", path, imp->force));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ImportWrite(MPI_Comm comm, Import *imp)
{
  PetscFunctionBeginUser;
  PetscCall(ReadAndShare(comm, imp));
  PetscCall(Segment(comm, imp));
  if (!imp->t.noisy) PetscCall(NoiseSigma(imp));
  for (PetscInt s = 0; s < 3; s++) PetscCall(WriteSet(comm, imp, s));
  PetscCall(Report(comm, imp));
  PetscFunctionReturn(0);
}

/* Not PetscCall around the work: a refused input still frees what was read. */
PetscErrorCode PdennImportRun(MPI_Comm comm, const char path[], PetscInt N, PetscBool force, PetscBool help)
{
  Import        *imp;
  PetscErrorCode ierr;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&imp));
  PetscCall(PetscStrncpy(imp->path, path, sizeof(imp->path)));
  imp->N     = N;
  imp->force = force;
  ierr       = ImportPrepare(comm, imp, help);
  if (!ierr && !help) ierr = ImportWrite(comm, imp);
  PetscCall(PdennImportTableFree(&imp->t));
  PetscCall(PetscFree(imp));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}
