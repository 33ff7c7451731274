/* pdenn I/O: the seeded synthetic 1D signals of docs/science.md §6, HDF5 signal sets and run outputs,
   all written and read in parallel on the DMDA layout (a rank owns points [xs, xs + xm)).
   File layouts: docs/hdf5_layout.md; deck keys: docs/decks.md. */
#pragma once
#include <pdenn/pde.h>
#include <hdf5.h>

/* The version recorded in every file pdenn writes (attribute pdenn_version). */
#ifndef PDENN_VERSION
#define PDENN_VERSION "0.1.0"
#endif

/* ---- Synthetic signals --------------------------------------------------------------------- */
typedef enum {
  PDENN_SIGNAL_CONSTANT, /* piecewise constant: a level per piece */
  PDENN_SIGNAL_SMOOTH,   /* piecewise smooth: a ramp, parabola or sine arc per piece */
  PDENN_SIGNAL_MIXED,    /* each piece constant or smooth at random */
  PDENN_SIGNAL_NTYPES
} PdennSignalType;
extern const char *const PdennSignalTypes[]; /* "constant", "smooth", "mixed" for decks */

/* A family of signals. Sample k is a pure function of (type, N, pieces, seed, k) — and of sigma
   for its noisy version — computed point by point from a counter-based hash, so every rank count
   gives bitwise the same values. Clean values lie in [0, 1]; noisy = clean + sigma * n with n
   standard Gaussian, not clipped. */
typedef struct {
  PdennSignalType type;
  PetscInt        N;       /* points per signal */
  PetscInt        samples; /* signals in a set */
  PetscInt        pieces;  /* pieces per signal, 1 .. N/4 (every piece is >= N/(4 pieces) wide) */
  PetscReal       sigma;   /* noise standard deviation, >= 0 */
  PetscInt        seed;    /* >= 0 */
} PdennSignalParams;

/* Defaults: mixed, N 256, 16 samples, 6 pieces, sigma 0.1, seed 1. */
PetscErrorCode PdennSignalParamsDefault(PdennSignalParams *p);
/* Keys -signals_type, -signals_N, -signals_samples, -signals_pieces, -signals_sigma,
   -signals_seed. The values in *p on entry are the defaults (an app sets p->N from -N first). */
PetscErrorCode PdennSignalParamsSetFromOptions(MPI_Comm comm, PdennSignalParams *p);
/* Sample `sample` of p into clean and/or noisy (either may be NULL): parallel Vecs of global
   size p->N, such as DMDA (dof 1) global Vecs; each rank computes only the points it owns. */
PetscErrorCode PdennSignalFill(const PdennSignalParams *p, PetscInt sample, Vec clean, Vec noisy);
/* The standard Gaussian number that PdennSignalFill adds (times sigma) to point `index` of
   sample `sample`: a pure function of its arguments, the same on every rank. */
PetscReal PdennSignalNoise(PetscInt seed, PetscInt sample, PetscInt index);
/* The uniform number in (0, 1) behind every draw: ((H(H(H(H(seed) ^ sample) ^ stream) ^ index)
   >> 11) + 0.5) 2^-53 with H = PdennHash64; streams 0 .. 7 are the signals', 16 .. 18 the
   images' (src/io/images.c). */
PetscReal PdennSignalUniform(PetscInt seed, PetscInt sample, PetscInt stream, PetscInt index);

/* ---- Files --------------------------------------------------------------------------------- */
/* Up-front check, before any computing, that `path` (given by deck key `key`) can be written:
   its directory exists and is writable, and the path does not exist unless force. Collective. */
PetscErrorCode PdennOutputPathCheck(MPI_Comm comm, const char key[], const char path[], PetscBool force);
/* One signal from any pdenn HDF5 file into v (global size N): a 1D dataset of N values, or row
   `sample` of a 2D (samples x N) one (sample is ignored for 1D). `key` is the deck key that
   named the file: every error (missing or non-HDF5 file, missing dataset, wrong rank, shape or N)
   names it and the file; a sample out of range names the key <key>_sample. */
PetscErrorCode PdennH5ReadSignal(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec v);

/* ---- Non-finite values (src/io/finite.c) ---------------------------------------------------- */
/* The check every reader makes on what it read: a[0 .. n) is this rank's part of dataset
   `dataset`, starting at element `offset` of row `sample` (sample < 0: a 1D dataset, or an array
   read whole). Collective on comm: the ranks agree on the first NaN or Inf (lowest index) and all
   raise the same one-line PDENN_ERR_INPUT naming key and file (each omitted when NULL), dataset,
   sample and index, e.g. "file 'x.h5' dataset 'noisy' sample 3 index 17: value nan is not finite;
   expected finite values". */
PetscErrorCode PdennCheckFinite(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, PetscInt offset, PetscInt n, const PetscReal a[]);
/* The same for the points a rank owns of a parallel Vec (offset: its ownership range). */
PetscErrorCode PdennCheckFiniteVec(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec v);
/* The same for a Vec on a dof-1 DMDA of dim 2 or 3: the first non-finite value in natural order,
   named as "pixel (x, y) = (3, 5)" or "voxel (x, y, z) = (...)". */
PetscErrorCode PdennCheckFiniteImage(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec v);

/* ---- Checksummed HDF5 files (docs/hdf5_layout.md, "User block") ---------------------------- */
/* Every HDF5 file pdenn writes starts with a 512-byte HDF5 user block (HDF5, h5py and h5dump
   skip it) holding a text header: the FNV-1a 64 checksum and the length of all bytes after the
   block. Readers check it before HDF5 parses the file; a file without the header (h5py's, older
   pdenn's) is read unchecked. These serial helpers run on one rank and return errno (0: done). */
#define PDENN_H5_USERBLOCK 512
#define PDENN_FNV1A64_BASIS 0xcbf29ce484222325ULL
typedef enum {
  PDENN_H5SUM_ABSENT,     /* no pdenn header: nothing to check */
  PDENN_H5SUM_OK,         /* header present, length and checksum match */
  PDENN_H5SUM_BAD_HEADER, /* pdenn's first line, but the rest does not parse */
  PDENN_H5SUM_BAD_LENGTH, /* truncated or extended */
  PDENN_H5SUM_BAD_SUM     /* some byte after the block changed */
} PdennH5SumStatus;
extern const char *const PdennH5SumStatusText[]; /* why a file is refused, for messages */
/* FNV-1a 64 of len bytes continuing from h (PDENN_FNV1A64_BASIS to start). */
uint64_t PdennFnv1a64(uint64_t h, const void *data, size_t len);
/* The header recording checksum sum and length len, NUL-padded to the block's 512 bytes. */
void PdennH5UserBlockFill(unsigned char block[PDENN_H5_USERBLOCK], uint64_t sum, uint64_t len);
/* The check of a whole file held in memory (block included). */
PdennH5SumStatus PdennH5UserBlockCheckImage(const unsigned char *image, size_t size);
/* The check of a file on disk; an error reading it is returned (and *status is ABSENT). */
int PdennH5UserBlockCheckFile(const char path[], PdennH5SumStatus *status);
/* Writes the header of a closed file made with a 512-byte user block, then fsyncs it. */
int PdennH5UserBlockSeal(const char path[]);
/* Creates or truncates path, writes len bytes and fsyncs them. */
int PdennFileWriteSynced(const char path[], const void *data, size_t len);

/* ---- File protocol and HDF5 helpers shared by the library's writers ------------------------- */
/* Collective: path exists, is a regular readable file, its checksum (if any) matches, and it is
   an HDF5 file; else PDENN_ERR_INPUT naming key and path. */
PetscErrorCode PdennInputFileCheck(MPI_Comm comm, const char key[], const char path[]);
/* path.tmp, where a file is written before its atomic rename */
PetscErrorCode PdennTmpPath(const char path[], char tmp[], size_t len);
/* Collective: rank 0 renames path.tmp to path (atomic on POSIX file systems). */
PetscErrorCode PdennTmpCommit(MPI_Comm comm, const char path[]);
/* Collective: rank 0 removes path.tmp if it is there. */
PetscErrorCode PdennTmpRemove(MPI_Comm comm, const char path[]);
/* Closes an HDF5 object of any kind (file, dataset, group, ...) if open and sets it to -1. */
PetscErrorCode PdennH5Close(hid_t *obj);
/* Creates a float64 dataset (any rank: signals 1 or 2, images up to 4) with any missing groups in its name; serial or
   collective as the file was opened. */
PetscErrorCode PdennH5DatasetCreate(hid_t loc, const char name[], int rank, const hsize_t dims[], hid_t *dset);
/* Attribute `name` of an object, read on the calling rank (src/io/h5attr.c); *found is false
   when there is none (value untouched). A real: one integer or floating-point value, else a
   one-line error naming the file. Text: any attribute, a string (fixed-length, or h5py's
   variable-length, ASCII or UTF-8) as it is, a number as digits that read back to it, an array
   as "(n values)", another kind as "(not a string or number)"; cut at len - 1 characters. */
PetscErrorCode PdennH5AttrReadReal(hid_t obj, const char name[], PetscReal *value, PetscBool *found);
PetscErrorCode PdennH5AttrReadText(hid_t obj, const char name[], char text[], size_t len, PetscBool *found);

/* ---- HDF5 signal sets (datasets clean and noisy, samples x N) -------------------------------- */
/* Generates p->samples signals and writes them to path (via path.tmp, then an atomic rename).
   An existing path is an error unless force; `key` is the deck key naming path, for errors. */
PetscErrorCode PdennSignalSetWrite(MPI_Comm comm, const char key[], const char path[], const PdennSignalParams *p, PetscBool force);

typedef struct _n_PdennSignalSet *PdennSignalSet;
/* Opens and validates a set (`key` names the deck key of the file, for errors). */
PetscErrorCode PdennSignalSetOpen(MPI_Comm comm, const char key[], const char path[], PdennSignalSet *set);
/* p->N and p->samples from the datasets' shapes (checked against the attributes N and samples
   where the file has them); type, seed, pieces and sigma from the generator's attributes where
   the file records them (a set need not: docs/hdf5_layout.md), else type mixed, seed -1,
   pieces 0, sigma -1, which no generator writes. PdennSignalSetGetInfo tells which are there. */
PetscErrorCode PdennSignalSetGetParams(PdennSignalSet set, PdennSignalParams *p);
/* What a set records about its data, each attribute optional (docs/hdf5_layout.md). */
typedef struct {
  PetscInt  N, samples;                 /* from the datasets' shapes */
  char      generator[64];              /* "constant", "smooth", "mixed", "imported", any; "" if absent */
  PetscBool generated;                  /* generator is one of pdenn's and seed, pieces, sigma are there */
  PetscBool has_sigma;                  /* the noise sigma is recorded (sigma, absolute) */
  PetscReal sigma;                      /* -1 if absent */
  char      source[PETSC_MAX_PATH_LEN]; /* imported: the file the data came from; "" if none */
  char      units[64];                  /* amplitude units; "" if not recorded */
  PetscReal sample_rate;                /* samples per second; 0 if not recorded */
} PdennSignalSetInfo;
PetscErrorCode PdennSignalSetGetInfo(PdennSignalSet set, PdennSignalSetInfo *info);
/* Sample `sample` of dataset "clean" or "noisy" (or any other dataset of the file, checked as
   PdennH5ReadSignal checks it) into v (global size N). */
PetscErrorCode PdennSignalSetRead(PdennSignalSet set, const char dataset[], PetscInt sample, Vec v);
/* Samples first .. first + count - 1 into v[0 .. count - 1]. */
PetscErrorCode PdennSignalSetReadSamples(PdennSignalSet set, const char dataset[], PetscInt first, PetscInt count, Vec v[]);
PetscErrorCode PdennSignalSetClose(PdennSignalSet *set);

/* ---- Import of a user's data (src/io/import.c; keys and layout: docs/decks.md, hdf5_layout.md) */
/* The data read from a file, on the rank that read it: `rows` records of `cols` points each,
   row-major; noisy is NULL unless the file holds a noisy version of the same shape. */
typedef struct {
  PetscInt   rows, cols;
  PetscReal *clean, *noisy;
  char       what[256]; /* which data of the file, for the provenance: "dataset 'ecg'", ... */
} PdennImportTable;
/* Serial readers (called on one rank): each refuses what it cannot take with a one-line
   PDENN_ERR_INPUT naming key, file and what is expected, non-finite values with their place. */
/* NumPy .npy, float32 or float64 of either byte order, C or Fortran order, 1 or 2 dimensions
   (a 2D array is a record per row; one column is one record). */
PetscErrorCode PdennNpyRead(const char key[], const char path[], PdennImportTable *t);
/* CSV: numbers separated by commas, an optional header line (names that are not numbers).
   column/noisy_column ("" or a 0-based index or a header name): with column, the record is that
   column (and the noisy one that column); without, one column is one long record, several
   columns a record per row. */
PetscErrorCode PdennCsvRead(const char key[], const char path[], const char column[], const char noisy_column[], PdennImportTable *t);
/* HDF5 dataset `dataset` ("": the file's only dataset) of any floating-point type, layout or
   filter, 1 or 2 dimensions like PdennNpyRead's arrays; noisy_dataset ("" for none) alike. */
PetscErrorCode PdennH5ImportRead(const char key[], const char path[], const char dataset[], const char noisy_dataset[], PdennImportTable *t);
/* Refuses the first NaN or Inf of a[0 .. n) (a table of `cols` columns): names file, what and
   the index, row and column. */
PetscErrorCode PdennImportCheckFinite(const char path[], const char what[], PetscInt n, PetscInt cols, const PetscReal a[]);
PetscErrorCode PdennImportTableFree(PdennImportTable *t);
/* pdenn_signals -import <path>: reads the keys -import_*, the file (on rank 0), cuts it into
   segments of N points and writes the three sets <prefix>_train.h5, _val.h5, _test.h5 (an
   existing one only with force). help: only register the keys, for -help. */
PetscErrorCode PdennImportRun(MPI_Comm comm, const char path[], PetscInt N, PetscBool force, PetscBool help);

/* ---- Run outputs --------------------------------------------------------------------------- */
/* What pdenn_solve reports: the run's counters and the norms of its signals. */
typedef struct {
  char         method[64], flux[64];
  PetscInt     N, order;
  PetscInt     dim, M[3];    /* grid dimension and points along x, y, z (N = M[0] M[1] M[2]) */
  PetscReal    lambda, h;
  PdennRunInfo info;         /* copy of the counters; history pointers not owned */
  PetscReal    norm_initial; /* ||f||_2 */
  PetscReal    norm_final;   /* ||u||_2 */
  PetscBool    has_reference;
  PetscReal    error_rms; /* ||u - ref||_2 / sqrt(N) */
  PetscReal    error_max; /* ||u - ref||_inf */
} PdennRunSummary;

/* Fills s from a finished solve: f the initial signal, u the result, reference NULL or the
   reference solution; error (NULL or a Vec like u) receives u - reference. */
PetscErrorCode PdennRunSummaryCompute(PdennSolver solver, Vec f, Vec u, Vec reference, Vec error, PdennRunSummary *s);
/* Prints the summary: first line "<title> summary:", then one "  key: value" line per item. */
PetscErrorCode PdennRunSummaryView(const PdennRunSummary *s, const char title[], PetscViewer viewer);

typedef struct _n_PdennRunOutput *PdennRunOutput;
/* Checks (PdennOutputPathCheck, for path and path.summary.txt) and opens path.tmp. */
PetscErrorCode PdennRunOutputCreate(MPI_Comm comm, const char key[], const char path[], PetscBool force, PdennRunOutput *out);
/* A PdennSnapshotFn (ctx = the PdennRunOutput): dataset snapshots/step_<step>, attribute time. */
PetscErrorCode PdennRunOutputSnapshot(void *ctx, PetscInt step, PetscReal t, Vec u);
/* A signal as a 1D dataset: "u", "initial", "reference", "error"; a Vec of a 2D or 3D DMDA as an
   H x W or D x H x W dataset in natural order (snapshots alike). */
PetscErrorCode PdennRunOutputWriteSignal(PdennRunOutput out, const char name[], Vec v);
/* norm_history, time_history and the summary attributes. */
PetscErrorCode PdennRunOutputWriteRun(PdennRunOutput out, const PdennSolver solver, const PdennRunSummary *s);
/* Closes the file, renames path.tmp to path and writes path.summary.txt. */
PetscErrorCode PdennRunOutputCommit(PdennRunOutput out, const PdennRunSummary *s, const char title[]);
/* Frees; an uncommitted output's path.tmp is removed, so no half-written file remains. */
PetscErrorCode PdennRunOutputDestroy(PdennRunOutput *out);

/* ---- HDF5 images and volumes (src/io/h5images.c; layout: docs/hdf5_layout.md) -------------- */
/* The shape of dataset `dataset` of file `path` (deck key `key`, for errors) as images:
   rank 2 (H x W): one 2D image; rank 3 (samples x H x W): 2D images, unless want_dim is 3,
   then one volume D x H x W; rank 4 (samples x D x H x W): volumes. want_dim 0 infers the
   dimension from the rank (2 for rank 2 and 3), 2 or 3 demands it (-dim). *samples is 1 for a
   single image or volume; M = {W, H, D} (D = 1 in 2D). Anything else (another rank, integers,
   no such file or dataset) is one PDENN_ERR_INPUT line naming key, file, dataset and layouts. */
PetscErrorCode PdennH5ImageShape(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt want_dim, PetscInt *dim, PetscInt *samples, PetscInt M[3]);
/* Image or volume `sample` of the dataset (ignored when it holds a single one) into u, a global
   Vec of a dof-1 DMDA of dim 2 or 3 (PdennDMDACreate): the dataset is read as that dimension
   (a rank-3 dataset into a 3D DMDA is one volume), its shape must match the grid, and a NaN or
   Inf is refused naming file, dataset, sample and pixel. Each rank reads its box, collectively. */
PetscErrorCode PdennH5ReadImage(MPI_Comm comm, const char key[], const char path[], const char dataset[], PetscInt sample, Vec u);

/* ---- Synthetic images and volumes (src/io/images.c; recipe: docs/hdf5_layout.md) ----------- */
typedef enum {
  PDENN_IMAGE_CARTOON, /* piecewise constant: boxes, balls, convex polygons (polyhedra) on a background */
  PDENN_IMAGE_RAMP,    /* a smooth linear/quadratic ramp with straight edges (steps) */
  PDENN_IMAGE_NOISE,   /* a constant: the noisy copy is pure noise on it */
  PDENN_IMAGE_NTYPES
} PdennImageType;
extern const char *const PdennImageTypes[]; /* "cartoon", "ramp", "noise" for decks */
#define PDENN_IMAGE_MAX_SHAPES 4096

/* A family of images; the size comes from the grid (the Vecs' DMDA, or the set writer's M).
   Image k is a pure function of (type, grid size, shapes, seed, k) and of sigma for its noisy
   version, computed pixel by pixel: every rank count gives bitwise the same values. Clean values
   lie in [0, 1]; noisy = clean + sigma n, n standard Gaussian (PdennSignalNoise of the pixel's
   natural index), not clipped. */
typedef struct {
  PdennImageType type;
  PetscInt       samples; /* images in a set */
  PetscInt       shapes;  /* shapes per cartoon, edges per ramp, 0 .. PDENN_IMAGE_MAX_SHAPES */
  PetscReal      sigma;   /* noise standard deviation, >= 0 */
  PetscInt       seed;    /* >= 0 */
} PdennImageParams;

/* Defaults: cartoon, 8 samples, 8 shapes, sigma 0.1, seed 1. */
PetscErrorCode PdennImageParamsDefault(PdennImageParams *p);
/* Keys -images_type, -images_samples, -images_shapes, -images_sigma, -images_seed. */
PetscErrorCode PdennImageParamsSetFromOptions(MPI_Comm comm, PdennImageParams *p);
/* Sample `sample` of p into clean and/or noisy (either may be NULL): global Vecs of a dof-1
   DMDA of dim 2 or 3; each rank computes the pixels it owns. */
PetscErrorCode PdennImageFill(const PdennImageParams *p, PetscInt sample, Vec clean, Vec noisy);
/* Writes p->samples images of M = {W, H, D} (dim 2 or 3) as datasets clean and noisy
   (samples x H x W or samples x D x H x W) with the generator's attributes, via path.tmp and an
   atomic rename, checksummed; an existing path only with force. */
PetscErrorCode PdennImageSetWrite(MPI_Comm comm, const char key[], const char path[], const PdennImageParams *p, const PetscInt M[3], PetscInt dim, PetscBool force);

/* ---- PNG output (src/io/png.c) ------------------------------------------------------------ */
/* v (a dof-1 DMDA vector of dim 2, or the first z-slice of a volume) as an 8-bit greyscale PNG
   written by rank 0: value lo -> 0, hi -> 255, linear, clipped; rows top (y = 0) to bottom.
   Collective. key names the deck key of path, for errors. */
PetscErrorCode PdennImageWritePNG(Vec v, const char key[], const char path[], PetscReal lo, PetscReal hi);
