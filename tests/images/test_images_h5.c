/* Image and volume sets (src/io/images.c, h5images.c) and image run outputs (results.c) at any
   rank count and decomposition (-da_processors_x/y): for a 2D set (37 x 23, odd sizes so that
   boxes are uneven) and a 3D set (13 x 11 x 7) of each generator type,
   - the generator on this decomposition equals, bitwise in natural order, the generator on one
     rank (a DMDA on PETSC_COMM_SELF of rank 0): rank independence;
   - every sample read back from the set (PdennH5ReadImage) equals the generator bitwise, and the
     parallel read equals the one-rank read bitwise;
   - clean values lie in [0, 1]; a cartoon has at most shapes + 1 grey values; the noise type's
     clean image is constant; noisy - clean has the standard deviation sigma within 10 %;
   - a run output's image "u" (H x W), volume "v" (D x H x W) and snapshot read back bitwise;
     PdennH5ImageShape reads a rank-3 dataset as 2D images by default, as one volume for dim 3. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>
#include <string.h>

/* Bitwise: the parallel u (any decomposition) against the one-rank ref (rank 0 only). */
static PetscErrorCode ExpectSameAsSerial(MPI_Comm comm, Vec u, Vec ref, const char what[])
{
  Vec                z;
  const PetscScalar *a, *b;
  PetscInt           n;
  int                differ = 0;

  PetscFunctionBeginUser;
  PetscCall(PdennDMDAGatherNatural(u, PETSC_FALSE, &z));
  if (ref) {
    PetscCall(VecGetLocalSize(z, &n));
    PetscCall(VecGetArrayRead(z, &a));
    PetscCall(VecGetArrayRead(ref, &b));
    differ = memcmp(a, b, (size_t)n * sizeof(*a)) != 0;
    PetscCall(VecRestoreArrayRead(ref, &b));
    PetscCall(VecRestoreArrayRead(z, &a));
  }
  PetscCallMPI(MPI_Bcast(&differ, 1, MPI_INT, 0, comm));
  PetscCheck(!differ, comm, PETSC_ERR_PLIB, "%s: this decomposition differs from one rank", what);
  PetscCall(VecDestroy(&z));
  PetscFunctionReturn(0);
}

/* A one-rank DMDA on rank 0 (NULL elsewhere), made under an empty options database so that
   the run's -da_processors_x/y do not apply to it. */
static PetscErrorCode SerialGrid(MPI_Comm comm, PetscInt dim, const PetscInt M[3], DM *da)
{
  PetscOptions none;
  PetscMPIInt  rank;

  PetscFunctionBeginUser;
  *da = NULL;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank) PetscFunctionReturn(0);
  PetscCall(PetscOptionsCreate(&none));
  PetscCall(PetscOptionsPush(none));
  PetscCall(PdennDMDACreate(PETSC_COMM_SELF, dim, M, 1, 0, da));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&none));
  PetscFunctionReturn(0);
}

/* distinct values of a sequential Vec (sorted in place) */
static PetscErrorCode CountLevels(Vec z, PetscInt *levels)
{
  PetscScalar *a;
  PetscInt     n;

  PetscFunctionBeginUser;
  PetscCall(VecGetLocalSize(z, &n));
  PetscCall(VecGetArray(z, &a));
  PetscCall(PetscSortReal(n, a));
  *levels = n > 0;
  for (PetscInt i = 1; i < n; i++) *levels += a[i] != a[i - 1];
  PetscCall(VecRestoreArray(z, &a));
  PetscFunctionReturn(0);
}

/* Clean in [0, 1], at most shapes + 1 grey levels in a cartoon (one in the noise type), and
   the noise's standard deviation. */
static PetscErrorCode CheckValues(MPI_Comm comm, const PdennImageParams *p, Vec clean, Vec noisy)
{
  Vec       z, d;
  PetscReal lo, hi, sd;
  PetscInt  n, levels = 0;

  PetscFunctionBeginUser;
  PetscCall(VecMin(clean, NULL, &lo));
  PetscCall(VecMax(clean, NULL, &hi));
  PetscCheck(lo >= 0 && hi <= 1, comm, PETSC_ERR_PLIB, "%s: clean values in [%g, %g], expected within [0, 1]", PdennImageTypes[p->type], (double)lo, (double)hi);
  PetscCheck(p->type != PDENN_IMAGE_NOISE || lo == hi, comm, PETSC_ERR_PLIB, "noise type: clean image not constant");
  PetscCall(PdennDMDAGatherNatural(clean, PETSC_FALSE, &z));
  PetscCall(VecGetSize(clean, &n));
  PetscCall(CountLevels(z, &levels));
  PetscCallMPI(MPI_Bcast(&levels, 1, MPIU_INT, 0, comm));
  PetscCheck(p->type != PDENN_IMAGE_CARTOON || (levels >= 2 && levels <= p->shapes + 1), comm, PETSC_ERR_PLIB, "cartoon with %" PetscInt_FMT " grey levels, expected 2 .. shapes + 1", levels);
  PetscCall(VecDuplicate(clean, &d));
  PetscCall(VecWAXPY(d, -1.0, clean, noisy));
  PetscCall(VecNorm(d, NORM_2, &sd));
  sd /= PetscSqrtReal((PetscReal)n);
  PetscCheck(PetscAbsReal(sd - p->sigma) <= 0.1 * p->sigma, comm, PETSC_ERR_PLIB, "noise rms %g, expected sigma %g within 10 %%", (double)sd, (double)p->sigma);
  PetscCall(VecDestroy(&d));
  PetscCall(VecDestroy(&z));
  PetscFunctionReturn(0);
}

static PetscErrorCode ExpectEqual(MPI_Comm comm, Vec a, Vec b, const char what[])
{
  PetscBool equal;

  PetscFunctionBeginUser;
  PetscCall(VecEqual(a, b, &equal));
  PetscCheck(equal, comm, PETSC_ERR_PLIB, "%s differs from what was written", what);
  PetscFunctionReturn(0);
}

typedef struct {
  MPI_Comm comm;
  DM       da, sda;               /* this decomposition; one rank (rank 0 only) */
  Vec      clean, noisy, read;    /* on da */
  Vec      sclean, snoisy, sread; /* on sda */
} Grids;

static PetscErrorCode GridsCreate(MPI_Comm comm, PetscInt dim, const PetscInt M[3], Grids *g)
{
  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(g, sizeof(*g)));
  g->comm = comm;
  PetscCall(PdennDMDACreate(comm, dim, M, 1, 1, &g->da));
  PetscCall(DMCreateGlobalVector(g->da, &g->clean));
  PetscCall(VecDuplicate(g->clean, &g->noisy));
  PetscCall(VecDuplicate(g->clean, &g->read));
  PetscCall(SerialGrid(comm, dim, M, &g->sda));
  if (!g->sda) PetscFunctionReturn(0);
  PetscCall(DMCreateGlobalVector(g->sda, &g->sclean));
  PetscCall(VecDuplicate(g->sclean, &g->snoisy));
  PetscCall(VecDuplicate(g->sclean, &g->sread));
  PetscFunctionReturn(0);
}

static PetscErrorCode GridsDestroy(Grids *g)
{
  Vec *v[6] = {&g->clean, &g->noisy, &g->read, &g->sclean, &g->snoisy, &g->sread};

  PetscFunctionBeginUser;
  for (int i = 0; i < 6; i++) PetscCall(VecDestroy(v[i]));
  PetscCall(DMDestroy(&g->da));
  PetscCall(DMDestroy(&g->sda));
  PetscFunctionReturn(0);
}

/* Dataset `name` of sample k read on this decomposition and on one rank. */
static PetscErrorCode CheckRead(Grids *g, const char path[], const char name[], PetscInt k, Vec expected)
{
  PetscFunctionBeginUser;
  PetscCall(PdennH5ReadImage(g->comm, "-images_output", path, name, k, g->read));
  PetscCall(ExpectEqual(g->comm, g->read, expected, name));
  if (g->sda) PetscCall(PdennH5ReadImage(PETSC_COMM_SELF, "-images_output", path, name, k, g->sread));
  PetscCall(ExpectSameAsSerial(g->comm, g->read, g->sread, name));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSet(MPI_Comm comm, const char prefix[], PetscInt dim, PdennImageType type)
{
  PetscInt         M[3] = {37, 23, 1}, dim_read, samples, shape[3];
  PdennImageParams p;
  Grids            g;
  char             path[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  if (dim == 3) M[0] = 13, M[1] = 11, M[2] = 7;
  PetscCall(PdennImageParamsDefault(&p));
  p.type    = type;
  p.samples = 2;
  p.shapes  = 6;
  p.sigma   = 0.2;
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s_%dd_%s.h5", prefix, (int)dim, PdennImageTypes[type]));
  PetscCall(PdennImageSetWrite(comm, "-images_output", path, &p, M, dim, PETSC_TRUE));
  PetscCall(PdennH5ImageShape(comm, "-images_output", path, "noisy", 0, &dim_read, &samples, shape));
  PetscCheck(dim_read == dim && samples == 2 && shape[0] == M[0] && shape[1] == M[1] && shape[2] == M[2], comm, PETSC_ERR_PLIB, "PdennH5ImageShape of %s", path);
  PetscCall(GridsCreate(comm, dim, M, &g));
  for (PetscInt k = 0; k < p.samples; k++) {
    PetscCall(PdennImageFill(&p, k, g.clean, g.noisy));
    if (g.sda) PetscCall(PdennImageFill(&p, k, g.sclean, g.snoisy));
    PetscCall(ExpectSameAsSerial(comm, g.clean, g.sclean, "generator, clean"));
    PetscCall(ExpectSameAsSerial(comm, g.noisy, g.snoisy, "generator, noisy"));
    PetscCall(CheckValues(comm, &p, g.clean, g.noisy));
    PetscCall(CheckRead(&g, path, "clean", k, g.clean));
    PetscCall(CheckRead(&g, path, "noisy", k, g.noisy));
  }
  PetscCall(GridsDestroy(&g));
  PetscCall(PetscPrintf(comm, "%dD %s set %s: generator and reads bitwise as on one rank\n", (int)dim, PdennImageTypes[type], path));
  PetscFunctionReturn(0);
}

/* A run output with a 2D image u, its snapshot, and a 3D volume v (an empty summary). */
static PetscErrorCode WriteOutput(MPI_Comm comm, const char path[], Vec u, Vec v)
{
  PdennRunOutput  out;
  PdennRunSummary s;

  PetscFunctionBeginUser;
  PetscCall(PetscMemzero(&s, sizeof(s)));
  PetscCall(PdennRunOutputCreate(comm, "-output", path, PETSC_TRUE, &out));
  PetscCall(PdennRunOutputWriteSignal(out, "u", u));
  PetscCall(PdennRunOutputSnapshot(out, 3, 0.5, u));
  PetscCall(PdennRunOutputWriteSignal(out, "v", v));
  PetscCall(PdennRunOutputCommit(out, &s, "test_images_h5"));
  PetscCall(PdennRunOutputDestroy(&out));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckRunOutput(MPI_Comm comm, const char prefix[])
{
  const PetscInt   M2[3] = {37, 23, 1}, M3[3] = {13, 11, 7};
  PetscInt         dim, samples, M[3];
  PdennImageParams p;
  Grids            g2, g3;
  char             path[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PdennImageParamsDefault(&p));
  PetscCall(PetscSNPrintf(path, sizeof(path), "%s_output.h5", prefix));
  PetscCall(GridsCreate(comm, 2, M2, &g2));
  PetscCall(GridsCreate(comm, 3, M3, &g3));
  PetscCall(PdennImageFill(&p, 0, NULL, g2.noisy));
  PetscCall(PdennImageFill(&p, 1, NULL, g3.noisy));
  PetscCall(WriteOutput(comm, path, g2.noisy, g3.noisy));
  PetscCall(CheckRead(&g2, path, "u", 0, g2.noisy));
  PetscCall(CheckRead(&g2, path, "snapshots/step_3", 0, g2.noisy));
  PetscCall(CheckRead(&g3, path, "v", 0, g3.noisy));
  PetscCall(PdennH5ImageShape(comm, "-output", path, "u", 0, &dim, &samples, M));
  PetscCheck(dim == 2 && samples == 1 && M[0] == 37 && M[1] == 23 && M[2] == 1, comm, PETSC_ERR_PLIB, "shape of u: dim %d samples %d", (int)dim, (int)samples);
  PetscCall(PdennH5ImageShape(comm, "-output", path, "v", 0, &dim, &samples, M));
  PetscCheck(dim == 2 && samples == 7 && M[0] == 13 && M[1] == 11 && M[2] == 1, comm, PETSC_ERR_PLIB, "rank-3 v by default: 7 2D images of 11 x 13");
  PetscCall(PdennH5ImageShape(comm, "-output", path, "v", 3, &dim, &samples, M));
  PetscCheck(dim == 3 && samples == 1 && M[0] == 13 && M[1] == 11 && M[2] == 7, comm, PETSC_ERR_PLIB, "rank-3 v with dim 3: one volume 7 x 11 x 13");
  PetscCall(GridsDestroy(&g3));
  PetscCall(GridsDestroy(&g2));
  PetscCall(PetscPrintf(comm, "run output %s: image, snapshot and volume read back bitwise\n", path));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  MPI_Comm comm                       = PETSC_COMM_WORLD;
  char     prefix[PETSC_MAX_PATH_LEN] = "images_h5";

  PetscFunctionBeginUser;
  /* tests at one rank count but different decompositions run concurrently: their own files */
  PetscCall(PetscOptionsGetString(NULL, NULL, "-prefix", prefix, sizeof(prefix), NULL));
  for (PetscInt dim = 2; dim <= 3; dim++)
    for (PetscInt t = 0; t < PDENN_IMAGE_NTYPES; t++) PetscCall(CheckSet(comm, prefix, dim, (PdennImageType)t));
  PetscCall(CheckRunOutput(comm, prefix));
  PetscCall(PetscPrintf(comm, "image set checks passed\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, "Image and volume set checks")) return 1;
  return PdennFinalize(Run());
}
