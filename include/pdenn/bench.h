/* pdenn benchmarks (apps/pdenn_bench.c, docs/performance.md): memory bandwidth, diffusion step
   throughput against its bandwidth bound, linear solvers of the semi-implicit step, and network
   training throughput. Every figure lands in one table (one figure per row) that prints as text
   and writes as CSV, so apps/bench_scaling.sh can join runs at several rank counts. */
#pragma once
#include <pdenn/nn.h>
#include <math.h>

/* "Not available" in the table (quiet NaN from math.h: PETSc 3.18 has no constant for it). */
#define PDENN_BENCH_NA ((PetscReal)NAN)

/* ---- The result table ---------------------------------------------------------------------- */
typedef struct {
  char      section[16]; /* stream, diffusion, linear, train */
  char      name[48];    /* the case, e.g. "explicit order 1" */
  PetscInt  N;           /* problem size of the case (elements, grid points, unknowns) */
  char      metric[24];  /* e.g. "points/s", "bound fraction" */
  PetscReal value;       /* NaN prints as n/a (method not available yet, or not applicable) */
  char      unit[16];
  char      note[96];
} PdennBenchRow;

typedef struct {
  MPI_Comm       comm;
  PetscMPIInt    ranks;
  PetscInt       n, max;
  PdennBenchRow *rows;
  PetscBool      progress; /* a line on stderr as each case's first row arrives (-bench_progress) */
  PetscLogDouble t_start;  /* when the sections started, for those lines */
} PdennBenchTable;

PetscErrorCode PdennBenchTableAdd(PdennBenchTable *t, const char section[], const char name[], PetscInt N, const char metric[], PetscReal value, const char unit[], const char note[]);
PetscErrorCode PdennBenchTableView(const PdennBenchTable *t, PetscViewer viewer);
/* CSV with a header line; written by rank 0. */
PetscErrorCode PdennBenchTableWriteCSV(const PdennBenchTable *t, const char filename[]);
PetscErrorCode PdennBenchTableDestroy(PdennBenchTable *t);

/* ---- The benchmark object ------------------------------------------------------------------ */
typedef enum { PDENN_BENCH_STREAM,
               PDENN_BENCH_DIFFUSION,
               PDENN_BENCH_LINEAR,
               PDENN_BENCH_TRAIN,
               PDENN_BENCH_GRID,
               PDENN_BENCH_CONV2D,
               PDENN_BENCH_TRAIN2D,
               PDENN_BENCH_NSECTIONS } PdennBenchSection;
extern const char *const PdennBenchSections[]; /* "stream", "diffusion", "linear", "train", "grid", "conv2d", "train2d" */
#define PDENN_BENCH_NMODELS 4
extern const PdennModelType PdennBenchModels[]; /* the trained models, in the table's order */

/* Bytes per grid point that PdennDiffusionExplicitStep moves, counted as STREAM counts (each
   read or written double once, no write-allocate), for the one-pass step of src/op/symstep.c:
   ghost exchange u -> u_loc (16), then one sweep reading u_loc (8) and writing out (8); the
   blocks of phi(z) and W^T phi(z) stay in L1, and the neighbour exchange of phi(z) moves 2 r
   values per rank, not per point. */
#define PDENN_BENCH_EXPLICIT_BYTES 32
/* The same step when the activation is not known to be pointwise (FED's frozen g_i): one block
   of all owned points, so z leaves the cache: ghost exchange (16), z = K u_loc (16), phi reading
   z and g, writing z (24), r = K^T z (16), out = u - tau r (24). */
#define PDENN_BENCH_EXPLICIT_BLOCKED_BYTES 96
/* The step before it was fused, six passes (kept for comparison with older figures): ghost
   exchange u (16), K u_loc -> z (16), Phi in place (16), ghost exchange z (16), K^T -> r (16),
   u -= tau r (24). */
#define PDENN_BENCH_UNFUSED_BYTES 104
/* The least any explicit step can move: read u, write out (no ghosted copy of u). */
#define PDENN_BENCH_FUSED_BYTES 16

typedef struct _n_PdennBench *PdennBench;
struct _n_PdennBench {
  MPI_Comm        comm;
  PetscBool       run[PDENN_BENCH_NSECTIONS];         /* -bench_sections */
  PetscInt        repeats;                            /* -bench_repeats: timed repeats (median; best for STREAM) */
  PetscReal       warmup;                             /* -bench_warmup: seconds of untimed work before the first section */
  PetscInt        stream_n;                           /* -bench_stream_n: triad elements per rank */
  PetscInt        N;                                  /* -bench_N: grid points of the diffusion steps */
  PetscInt        steps;                              /* -bench_steps: explicit-type steps per timed run */
  PetscReal       lambda;                             /* -bench_lambda: Perona-Malik contrast */
  PetscInt        mg_log2[2];                         /* -bench_mg_log2_min, -bench_mg_log2_max: PCMG sizes 2^k */
  PetscInt        compare_log2;                       /* -bench_compare_log2: size of the CG/direct comparison */
  PetscInt        mg2d_log2[2];                       /* -bench_mg2d_log2_min/max: 2D PCMG sizes (2^k + 1)^2 (min 0: none) */
  PetscReal       mg_tau;                             /* -bench_mg_tau: semi-implicit step in units of h^2 */
  PetscReal       mg2d_tau;                           /* -bench_mg2d_tau: the same for the 2D sweep */
  PetscInt        linear_repeats;                     /* -bench_linear_repeats: timed solves per linear case */
  char            linear_options[PETSC_MAX_PATH_LEN]; /* -bench_linear_options: extra KSP/PC keys */
  PetscInt        batch;                              /* -bench_batch */
  PetscInt        train_N[2];                         /* -bench_train_N, -bench_train_N_large */
  PetscInt        channels;                           /* -bench_channels */
  PetscInt        blocks;                             /* -bench_blocks */
  PetscInt        levels;                             /* -bench_levels */
  PetscInt        smoothing_steps;                    /* -bench_smoothing_steps */
  PetscInt        space_ranks;                        /* -bench_space_ranks: ranks per sample (the rest: batch groups) */
  char            model_options[PETSC_MAX_PATH_LEN];  /* -bench_model_options: extra model keys */
  char            models[256];                        /* -bench_models: comma-separated model types to train */
  char            csv[PETSC_MAX_PATH_LEN];            /* -bench_csv */
  char            dump[PETSC_MAX_PATH_LEN];           /* -bench_dump_models */
  PetscInt        grid_N[2];                          /* -bench_grid_N2, -bench_grid_N3: sides of the 2D and 3D grids (0: skip) */
  PetscReal       bandwidth;                          /* STREAM triad bytes/s over all ranks (0 until measured) */
  PetscLogStage   stages[PDENN_BENCH_NSECTIONS];
  PetscInt        conv2d_N;  /* -bench_conv2d_N: side of the conv2d section's image */
  PetscInt        train2d_N; /* -bench_train2d_N: side of the train2d section's images */
  PdennBenchTable table;
};

/* Keys: -bench_* (see -help and docs/performance.md). */
PetscErrorCode PdennBenchCreate(MPI_Comm comm, PdennBench *bench);
PetscErrorCode PdennBenchSetFromOptions(PdennBench bench);
/* Runs the chosen sections, each in its own -log_view stage, filling bench->table. */
PetscErrorCode PdennBenchRun(PdennBench bench);
/* The table, and the CSV file if -bench_csv was given. */
PetscErrorCode PdennBenchView(PdennBench bench, PetscViewer viewer);
PetscErrorCode PdennBenchDestroy(PdennBench *bench);

/* The sections (one file each). */
PetscErrorCode PdennBenchStream(PdennBench bench);
/* STREAM triad bytes/s over the ranks of comm (best of `repeats`, n elements per rank). */
PetscErrorCode PdennBenchTriad(MPI_Comm comm, PetscInt n, PetscInt repeats, PetscReal *bandwidth);
/* The fused 2D/3D explicit step (PdennGridStep, src/bench/grid.c) against the triad; at several
   ranks also rank 0 alone, for the P-to-1 ratios of the step and of the triad. */
PetscErrorCode PdennBenchGrid(PdennBench bench);
/* -bench_warmup seconds of untimed in-cache work on every rank, before the first section. */
PetscErrorCode PdennBenchWarmUp(PdennBench bench, PetscReal seconds);
/* ns per element of the triad on n-element arrays cycled through `bytes` of memory: what the
   memory hierarchy alone does to a streaming code of that footprint (src/bench/stream.c). */
PetscErrorCode PdennBenchTriadFootprint(PdennBench bench, PetscInt n, PetscReal bytes, PetscReal *ns);
PetscErrorCode PdennBenchDiffusion(PdennBench bench);
/* The explicit step's passes one by one (called by PdennBenchDiffusion). */
PetscErrorCode PdennBenchKernels(PdennBench bench);
PetscErrorCode PdennBenchLinear(PdennBench bench);
PetscErrorCode PdennBenchTrain(PdennBench bench);
/* The 2D convolution layer alone: forward, adjoint, weight gradient at the networks' shapes. */
PetscErrorCode PdennBenchConv2d(PdennBench bench);
/* The training step of the 2D networks on -bench_train2d_N^2 images (src/bench/train.c). */
PetscErrorCode PdennBenchTrain2d(PdennBench bench);

/* The training section's models: their keys (src/bench/models.c) and the analytic FLOPs of one
   training step (forward + backward) of one sample of N points (dim 1) or N^dim points (dim 2). */
PetscErrorCode PdennBenchModelKeys(PdennBench bench, PdennModelType type, char keys[], size_t len);
PetscErrorCode PdennBenchModelFlops(PdennBench bench, PdennModelType type, PetscInt dim, PetscInt N, PetscReal *flops);

/* Small instances of the four networks with their weights, an input, the output and the
   gradients, as text for apps/torch_compare.py --check (written by rank 0). */
PetscErrorCode PdennBenchDumpModels(PdennBench bench, const char filename[]);

/* ---- Helpers shared by the sections -------------------------------------------------------- */
/* Wall time of a region on every rank: barrier, then the slowest rank's elapsed seconds. */
PetscErrorCode PdennBenchTic(MPI_Comm comm, PetscLogDouble *t0);
PetscErrorCode PdennBenchToc(MPI_Comm comm, PetscLogDouble t0, PetscReal *seconds);
/* CPU seconds of this process (robust to other processes' load, not to their cache traffic). */
PetscReal PdennBenchCPUSeconds(void);
/* Median of n values (t is reordered). */
PetscReal PdennBenchMedian(PetscInt n, PetscReal t[]);
/* Makes a fresh options database with the given "-key value ..." string (plus extra, if not NULL)
   the default one, so a library object configured inside sees exactly these keys and nothing of
   the command line. Pop with PetscOptionsPop() and destroy. */
PetscErrorCode PdennBenchPushOptions(const char options[], const char extra[], PetscOptions *db);
PetscErrorCode PdennBenchPopOptions(PetscOptions *db);
/* Catches the "not supported" error of a method not written yet, so its row says n/a:
     PdennBenchCatchBegin(&c); ierr = Call(...); PdennBenchCatchEnd(&c, comm, ierr, &available);
   Any other error is raised again with its first message. */
typedef struct {
  char           message[256]; /* the first message of the caught error */
  PetscErrorCode also;         /* another error code that means "not available" (0: none; set after Begin) */
} PdennBenchCatch;
PetscErrorCode PdennBenchCatchBegin(PdennBenchCatch *c);
PetscErrorCode PdennBenchCatchEnd(PdennBenchCatch *c, MPI_Comm comm, PetscErrorCode ierr, PetscBool *available);
/* Heap bytes in use, summed over the ranks (glibc's count of allocated bytes, else the RSS). */
PetscErrorCode PdennBenchHeapInUse(MPI_Comm comm, PetscReal *bytes);
/* A deterministic noisy piecewise-constant signal (depends on the global index only). */
PetscErrorCode PdennBenchSignal(DM da, Vec u);
