/* -bench_dump_models: small instances of the benchmark's networks written as text (parameter
   groups, theta, an input x, y = model(x), and for L = <dy, y> the gradients dx and dtheta), so
   apps/torch_compare.py --check can load the same weights into its PyTorch networks and show
   that they are the same functions with the same gradients: 1D signals of 64 points, then the
   models that run on 2D grids on 16 x 16 images. */
#include <pdenn/bench.h>

static PetscErrorCode WriteArray(MPI_Comm comm, FILE *fp, PetscInt n, const PetscReal a[])
{
  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i++) PetscCall(PetscFPrintf(comm, fp, "%.17g ", (double)a[i]));
  PetscCall(PetscFPrintf(comm, fp, "\n"));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteGroups(MPI_Comm comm, FILE *fp, PdennModel m, const PetscReal dtheta[])
{
  PetscInt   ng;
  PetscReal *theta;

  PetscFunctionBeginUser;
  PetscCall(PdennModelGetNumGroups(m, &ng));
  PetscCall(PdennModelGetParameters(m, &theta));
  for (PetscInt g = 0; g < ng; g++) {
    const char     *name;
    const PetscInt *shape;
    PetscInt        off, nd, size = 1;
    PetscCall(PdennModelGetGroup(m, g, &name, &off, &nd, &shape));
    PetscCall(PetscFPrintf(comm, fp, "group %s %" PetscInt_FMT, name, nd));
    for (PetscInt k = 0; k < nd; k++) {
      PetscCall(PetscFPrintf(comm, fp, " %" PetscInt_FMT, shape[k]));
      size *= shape[k];
    }
    PetscCall(PetscFPrintf(comm, fp, "\n"));
    PetscCall(WriteArray(comm, fp, size, theta + off));
    PetscCall(WriteArray(comm, fp, size, dtheta + off));
  }
  PetscFunctionReturn(0);
}

/* The small model on N points (dim 1) or N x N (dim 2); *m is NULL where the type does not run
   on 2D grids. */
static PetscErrorCode SmallModel(PdennBench b, PdennBench small, PdennModelType type, PetscInt dim, PetscInt N, PdennModel *m)
{
  const PetscInt  M[3] = {N, N, 1};
  PdennBenchCatch c;
  PetscOptions    db;
  PetscErrorCode  ierr;
  PetscBool       available;
  char            keys[512];

  PetscFunctionBeginUser;
  PetscCall(PdennBenchModelKeys(small, type, keys, sizeof(keys)));
  PetscCall(PdennBenchPushOptions(keys, b->model_options, &db));
  PetscCall(PdennModelCreate(PETSC_COMM_SELF, NULL, m));
  PetscCall(PdennModelSetFromOptions(*m));
  PetscCall(PdennBenchCatchBegin(&c));
  if (dim > 1) c.also = PDENN_ERR_INPUT; /* "not available on 2D grids" */
  ierr = dim == 1 ? PdennModelSetUp(*m, N) : PdennModelSetUpGrid(*m, dim, M);
  PetscCall(PdennBenchCatchEnd(&c, PETSC_COMM_SELF, ierr, &available));
  PetscCall(PdennBenchPopOptions(&db));
  if (!available) PetscCall(PdennModelDestroy(m));
  PetscFunctionReturn(0);
}

/* One model on this rank alone (comm PETSC_COMM_SELF), N points or N x N, small sizes. */
static PetscErrorCode DumpModel(PdennBench b, PdennModelType type, PetscInt dim, PetscInt N, FILE *fp)
{
  const MPI_Comm comm = PETSC_COMM_SELF;
  PdennBench     small;
  const PetscInt points = dim == 1 ? N : N * N;
  PdennModel     m;
  Vec            v[4]; /* x, y, dy, dx */
  const char    *names[] = {"x", "y", "dy", "dx"};
  PetscReal     *dtheta, *a;
  PetscInt       n;
  DM             da;

  PetscFunctionBeginUser;
  PetscCall(PdennBenchCreate(comm, &small));
  small->channels = 4;
  small->blocks = small->levels = 3;
  small->smoothing_steps        = 2;
  PetscCall(SmallModel(b, small, type, dim, N, &m));
  if (!m) {
    PetscCall(PdennBenchDestroy(&small));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennModelInitRandom(m, 3));
  PetscCall(PdennModelGetDM(m, &da));
  PetscCall(DMCreateGlobalVector(da, &v[0]));
  for (int k = 1; k < 4; k++) PetscCall(VecDuplicate(v[0], &v[k]));
  PetscCall(PdennBenchSignal(da, v[0]));
  PetscCall(PdennModelForward(m, v[0], v[1]));
  PetscCall(VecGetArray(v[2], &a));
  for (PetscInt i = 0; i < points; i++) a[i] = PetscCosReal(0.37 * i);
  PetscCall(VecRestoreArray(v[2], &a));
  PetscCall(PdennModelGetNumParameters(m, &n));
  PetscCall(PetscCalloc1(n, &dtheta));
  PetscCall(PdennModelBackward(m, v[2], v[3], dtheta));
  PetscCall(PdennModelGetNumGroups(m, &n));
  PetscCall(PetscFPrintf(comm, fp, "model %s %" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT " %" PetscInt_FMT "\n", PdennModelTypes[type], N, n, small->channels, small->blocks, small->levels, small->smoothing_steps, dim));
  PetscCall(WriteGroups(comm, fp, m, dtheta));
  for (int k = 0; k < 4; k++) {
    PetscCall(PetscFPrintf(comm, fp, "vec %s\n", names[k]));
    PetscCall(VecGetArray(v[k], &a));
    PetscCall(WriteArray(comm, fp, points, a));
    PetscCall(VecRestoreArray(v[k], &a));
    PetscCall(VecDestroy(&v[k]));
  }
  PetscCall(PetscFree(dtheta));
  PetscCall(PdennModelDestroy(&m));
  PetscCall(PdennBenchDestroy(&small));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchDumpModels(PdennBench b, const char filename[])
{
  const PdennModelType types[] = {PDENN_MODEL_SYM_RESNET, PDENN_MODEL_RESNET, PDENN_MODEL_UNET, PDENN_MODEL_MG_UNET};
  PetscMPIInt          rank;
  FILE                *fp;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(b->comm, &rank));
  if (!rank) {
    PetscCall(PetscFOpen(PETSC_COMM_SELF, filename, "w", &fp));
    for (PetscInt dim = 1; dim <= 2; dim++)
      for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) PetscCall(DumpModel(b, types[t], dim, dim == 1 ? 64 : 16, fp));
    PetscCall(PetscFClose(PETSC_COMM_SELF, fp));
  }
  PetscCallMPI(MPI_Barrier(b->comm));
  PetscFunctionReturn(0);
}
