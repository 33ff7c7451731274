/* Training-step throughput of the networks of nn.h: a step is, for every sample of the batch,
   forward, MSE loss and backward, then the sum of the gradients over ranks, one Adam update and
   the projection, as the trainer (train.h) does. Samples per second, GFLOP/s from the analytic
   count of src/bench/flops.c, and the resident memory of the model and its growth over steps. */
#include <pdenn/bench.h>
#include <pdenn/train.h>

typedef struct {
  MPI_Comm       comm;         /* the model's (spatial) communicator */
  PetscInt       first, count; /* this group's share of the batch */
  PdennModel     model;
  PdennOptimizer opt;
  PetscInt       nparams;
  PetscReal     *dtheta;
  Vec           *x, t, y, dy;
} TrainCase;

/* The model from its keys in a private options database, on N points (dim 1) or N^dim (dim 2, 3);
   *available is false while the type is not written yet (its set-up raises "not supported") or
   not for this dimension. */
static PetscErrorCode ModelCreate(PdennBench b, PdennModelType type, PetscInt dim, PetscInt N, MPI_Comm comm, PdennModel *model, PetscBool *available)
{
  PdennBenchCatch c;
  PetscOptions    db;
  PetscErrorCode  ierr;
  char            keys[512];

  PetscFunctionBeginUser;
  PetscCall(PdennBenchModelKeys(b, type, keys, sizeof(keys)));
  PetscCall(PdennBenchPushOptions(keys, b->model_options, &db));
  PetscCall(PdennModelCreate(comm, NULL, model));
  PetscCall(PdennModelSetFromOptions(*model));
  PetscCall(PdennBenchCatchBegin(&c));
  if (dim > 1) c.also = PDENN_ERR_INPUT; /* "not available on 2D grids" */
  if (dim == 1)
    ierr = PdennModelSetUp(*model, N);
  else {
    const PetscInt M[3] = {N, N, dim == 3 ? N : 1};
    ierr                = PdennModelSetUpGrid(*model, dim, M);
  }
  PetscCall(PdennBenchCatchEnd(&c, b->comm, ierr, available));
  PetscCall(PdennBenchPopOptions(&db));
  if (*available)
    PetscCall(PdennModelInitRandom(*model, 1));
  else
    PetscCall(PdennModelDestroy(model));
  PetscFunctionReturn(0);
}

/* Batch groups of -bench_space_ranks ranks, each holding the model and its share of the batch. */
static PetscErrorCode TrainCaseCreate(PdennBench b, PdennModelType type, PetscInt dim, PetscInt N, TrainCase *tc, PetscBool *available)
{
  PdennOptimizerParams params;
  PetscMPIInt          rank, size;
  DM                   da;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(tc, sizeof(*tc)));
  PetscCallMPI(MPI_Comm_rank(b->comm, &rank));
  PetscCallMPI(MPI_Comm_size(b->comm, &size));
  PetscCheck(size % b->space_ranks == 0, b->comm, PDENN_ERR_INPUT, "key -bench_space_ranks: %" PetscInt_FMT " does not divide the %d ranks; expected a divisor of the rank count", b->space_ranks, size);
  PetscCallMPI(MPI_Comm_split(b->comm, rank / b->space_ranks, rank, &tc->comm));
  PdennBatchShare(b->batch, rank / b->space_ranks, size / b->space_ranks, &tc->first, &tc->count);
  tc->count -= tc->first;
  PetscCall(ModelCreate(b, type, dim, N, tc->comm, &tc->model, available));
  if (!*available) PetscFunctionReturn(0);
  PetscCall(PdennModelGetNumParameters(tc->model, &tc->nparams));
  PetscCall(PetscCalloc1(tc->nparams, &tc->dtheta));
  PetscCall(PdennOptimizerParamsDefault(&params));
  PetscCall(PdennOptimizerCreate(&params, tc->nparams, &tc->opt));
  PetscCall(PdennModelGetDM(tc->model, &da));
  PetscCall(DMCreateGlobalVector(da, &tc->t));
  PetscCall(VecDuplicate(tc->t, &tc->y));
  PetscCall(VecDuplicate(tc->t, &tc->dy));
  PetscCall(VecDuplicateVecs(tc->t, PetscMax(tc->count, 1), &tc->x));
  PetscCall(PdennBenchSignal(da, tc->t));
  for (PetscInt i = 0; i < tc->count; i++) PetscCall(VecAXPBY(tc->x[i], 1.0 + 0.01 * (tc->first + i), 0.0, tc->t)); /* distinct inputs */
  PetscFunctionReturn(0);
}

static PetscErrorCode TrainCaseDestroy(TrainCase *tc)
{
  PetscFunctionBeginUser;
  if (tc->x) PetscCall(VecDestroyVecs(PetscMax(tc->count, 1), &tc->x));
  PetscCall(VecDestroy(&tc->t));
  PetscCall(VecDestroy(&tc->y));
  PetscCall(VecDestroy(&tc->dy));
  PetscCall(PetscFree(tc->dtheta));
  PetscCall(PdennOptimizerDestroy(&tc->opt));
  PetscCall(PdennModelDestroy(&tc->model));
  PetscCallMPI(MPI_Comm_free(&tc->comm));
  PetscFunctionReturn(0);
}

/* One training step over the whole batch (this group's share here, the gradient summed over all
   ranks: spatial partial sums and the other groups' samples). */
static PetscErrorCode TrainStep(PdennBench b, TrainCase *tc)
{
  PetscReal *theta, loss;

  PetscFunctionBeginUser;
  PetscCall(PetscArrayzero(tc->dtheta, tc->nparams));
  for (PetscInt i = 0; i < tc->count; i++) {
    PetscCall(PdennModelForward(tc->model, tc->x[i], tc->y));
    PetscCall(PdennLossCompute(PDENN_LOSS_MSE, tc->y, tc->t, 1.0 / b->batch, tc->dy, &loss));
    PetscCall(PdennModelBackward(tc->model, tc->dy, NULL, tc->dtheta));
  }
  PetscCall(MPIU_Allreduce(MPI_IN_PLACE, tc->dtheta, tc->nparams, MPIU_REAL, MPIU_SUM, b->comm));
  PetscCall(PdennModelGetParameters(tc->model, &theta));
  PetscCall(PdennOptimizerStep(tc->opt, 1e-4, tc->dtheta, theta));
  PetscCall(PdennModelProject(tc->model));
  PetscFunctionReturn(0);
}

typedef struct {
  PetscBool available;
  PetscReal step_seconds;   /* median */
  PetscReal step_cpu;       /* median CPU seconds of a step, summed over the ranks */
  PetscReal memory, growth; /* bytes: model set-up + first step; change over the timed steps */
  PetscInt  nparams;
} TrainResult;

static PetscErrorCode BenchModel(PdennBench b, PdennModelType type, PetscInt dim, PetscInt N, TrainResult *res)
{
  TrainCase  tc;
  PetscReal *t, *c, m0, m1, m2;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(res, sizeof(*res)));
  PetscCall(PdennBenchHeapInUse(b->comm, &m0));
  PetscCall(TrainCaseCreate(b, type, dim, N, &tc, &res->available));
  if (res->available) {
    PetscCall(PetscMalloc2(b->repeats, &t, b->repeats, &c));
    PetscCall(TrainStep(b, &tc)); /* warm-up: first touch of every work vector */
    PetscCall(PdennBenchHeapInUse(b->comm, &m1));
    for (PetscInt r = 0; r < b->repeats; r++) {
      PetscLogDouble t0;
      PetscReal      c0;
      PetscCall(PdennBenchTic(b->comm, &t0));
      c0 = PdennBenchCPUSeconds();
      PetscCall(TrainStep(b, &tc));
      c[r] = PdennBenchCPUSeconds() - c0;
      PetscCall(PdennBenchToc(b->comm, t0, &t[r]));
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, c, (PetscMPIInt)b->repeats, MPIU_REAL, MPI_SUM, b->comm));
    res->step_cpu = PdennBenchMedian(b->repeats, c);
    PetscCall(PdennBenchHeapInUse(b->comm, &m2));
    res->step_seconds = PdennBenchMedian(b->repeats, t);
    res->memory       = m1 - m0;
    res->growth       = m2 - m1;
    res->nparams      = tc.nparams;
    PetscCall(PetscFree2(t, c));
  } else
    res->step_seconds = res->step_cpu = res->memory = res->growth = PDENN_BENCH_NA;
  PetscCall(TrainCaseDestroy(&tc));
  PetscFunctionReturn(0);
}

/* The rows of one model in `section`: N points (dim 1) or N^dim points per sample */
static PetscErrorCode AddRows(PdennBench b, const char section[], PdennModelType type, PetscInt dim, PetscInt N, const TrainResult *r)
{
  const char    *name   = PdennModelTypes[type];
  const PetscInt points = dim == 1 ? N : (dim == 2 ? N * N : N * N * N);
  PetscReal      flops;
  char           note[96];

  PetscFunctionBeginUser;
  PetscCall(PdennBenchModelFlops(b, type, dim, N, &flops));
  if (r->available)
    PetscCall(PetscSNPrintf(note, sizeof(note), "batch %" PetscInt_FMT ", %" PetscInt_FMT " parameters, fwd + bwd + Adam", b->batch, r->nparams));
  else
    PetscCall(PetscSNPrintf(note, sizeof(note), "model not available (yet) on this grid"));
  PetscCall(PdennBenchTableAdd(&b->table, section, name, points, "samples/s", b->batch / r->step_seconds, "1/s", note));
  PetscCall(PdennBenchTableAdd(&b->table, section, name, points, "samples/CPU-s", b->batch / r->step_cpu, "1/s", "per CPU second, all ranks (load-robust)"));
  PetscCall(PdennBenchTableAdd(&b->table, section, name, points, "GFLOP/s", flops * b->batch / r->step_seconds / 1e9, "GFLOP/s", "analytic count, docs/performance.md"));
  PetscCall(PdennBenchTableAdd(&b->table, section, name, points, "memory", r->memory / 1e6, "MB", "heap: model + optimizer + batch, all ranks"));
  PetscCall(PdennBenchTableAdd(&b->table, section, name, points, "memory per point", r->memory / points, "B", "memory / points of a sample (samples run one at a time)"));
  PetscCall(PdennBenchTableAdd(&b->table, section, name, points, "memory per parameter", r->memory / r->nparams, "B", "memory / parameters"));
  PetscCall(PdennBenchTableAdd(&b->table, section, name, points, "memory growth", r->growth, "B", "heap change over the timed steps"));
  PetscFunctionReturn(0);
}

/* Every chosen model on samples of N points (dim 1) or N^dim points */
static PetscErrorCode TrainModels(PdennBench b, const char section[], PetscInt dim, PetscInt N)
{
  TrainResult res;

  PetscFunctionBeginUser;
  for (PetscInt m = 0; m < PDENN_BENCH_NMODELS; m++) {
    const PdennModelType type = PdennBenchModels[m];
    PetscBool            chosen;
    PetscCall(PetscStrInList(PdennModelTypes[type], b->models, ',', &chosen));
    if (!chosen) continue;
    PetscCall(BenchModel(b, type, dim, N, &res));
    PetscCall(AddRows(b, section, type, dim, N, &res));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchTrain(PdennBench b)
{
  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < 2; s++)
    if (b->train_N[s] > 0) PetscCall(TrainModels(b, "train", 1, b->train_N[s]));
  PetscFunctionReturn(0);
}

/* The same training step on N2 x N2 images (PdennModelSetUpGrid): the 2D networks */
PetscErrorCode PdennBenchTrain2d(PdennBench b)
{
  PetscFunctionBeginUser;
  PetscCall(TrainModels(b, "train2d", 2, b->train2d_N));
  PetscFunctionReturn(0);
}
