/* Run outputs (src/io/results.c, summary.c) in parallel, independent of the solvers: a made-up
   run (u = f/2, reference = 2f/5, a 4-entry norm history) is written and read back.
   - signals and snapshot read back bitwise (float64 on disk), error = u - reference exactly;
   - error_rms = ||f/10||_2 / sqrt(N) and error_max = ||f/10||_inf to 1e-14 relative (a few
     roundings of O(N) sums);
   - attributes and histories hold what was written; <output>.summary.txt starts with the title;
   - an output destroyed before its commit leaves neither <output> nor <output>.tmp. */
#include <pdenn/pdenn.h>
#include <pdenn/io.h>
#include <hdf5.h>
#include <string.h>
#include <unistd.h>

static PetscErrorCode FakeRun(PdennSolver solver)
{
  PdennRunInfo *i = &solver->info;

  PetscFunctionBeginUser;
  i->steps  = 3;
  i->t_stop = 1.5;
  i->tau    = 0.5;
  i->n_hist = i->max_hist = 4;
  PetscCall(PetscMalloc1(4, &i->norm_hist)); /* PdennSolverDestroy frees them */
  PetscCall(PetscMalloc1(4, &i->time_hist));
  for (PetscInt k = 0; k < 4; k++) {
    i->norm_hist[k] = 10.0 - k;
    i->time_hist[k] = 0.5 * k;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode ExpectSignal(MPI_Comm comm, const char path[], const char name[], Vec expected)
{
  Vec       v;
  PetscBool equal;

  PetscFunctionBeginUser;
  PetscCall(VecDuplicate(expected, &v));
  PetscCall(PdennH5ReadSignal(comm, "-output", path, name, 0, v));
  PetscCall(VecEqual(v, expected, &equal));
  PetscCheck(equal, comm, PETSC_ERR_PLIB, "dataset %s of %s differs from what was written", name, path);
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

/* Serial look at attributes and histories with plain HDF5 (the file is closed and complete). */
static PetscErrorCode ExpectAttributes(const char path[], const PdennRunSummary *s)
{
  hid_t     file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT), attr, dset;
  double    rms, t, hist[4];
  long long steps;

  PetscFunctionBeginUser;
  PetscCheck(file >= 0, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "cannot open %s", path);
  attr = H5Aopen(file, "error_rms", H5P_DEFAULT);
  PetscCheck(attr >= 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, &rms) >= 0 && rms == s->error_rms, PETSC_COMM_SELF, PETSC_ERR_PLIB, "attribute error_rms");
  H5Aclose(attr);
  attr = H5Aopen(file, "steps", H5P_DEFAULT);
  PetscCheck(attr >= 0 && H5Aread(attr, H5T_NATIVE_LLONG, &steps) >= 0 && steps == 3, PETSC_COMM_SELF, PETSC_ERR_PLIB, "attribute steps");
  H5Aclose(attr);
  dset = H5Dopen2(file, "norm_history", H5P_DEFAULT);
  PetscCheck(dset >= 0 && H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, hist) >= 0 && hist[0] == 10.0 && hist[3] == 7.0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "norm_history");
  H5Dclose(dset);
  attr = H5Aopen_by_name(file, "snapshots/step_2", "time", H5P_DEFAULT, H5P_DEFAULT);
  PetscCheck(attr >= 0 && H5Aread(attr, H5T_NATIVE_DOUBLE, &t) >= 0 && t == 1.0, PETSC_COMM_SELF, PETSC_ERR_PLIB, "snapshot time attribute");
  H5Aclose(attr);
  H5Fclose(file);
  PetscFunctionReturn(0);
}

static PetscErrorCode ExpectSummaryFile(const char path[])
{
  char  name[PETSC_MAX_PATH_LEN], line[128] = "";
  FILE *fp;

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s.summary.txt", path));
  fp = fopen(name, "r");
  PetscCheck(fp, PETSC_COMM_SELF, PETSC_ERR_FILE_OPEN, "no %s", name);
  PetscCheck(fgets(line, sizeof(line), fp), PETSC_COMM_SELF, PETSC_ERR_FILE_READ, "%s is empty", name);
  fclose(fp);
  PetscCheck(!strcmp(line, "test_io_results summary:\n"), PETSC_COMM_SELF, PETSC_ERR_PLIB, "%s starts with '%s'", name, line);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteRun(MPI_Comm comm, const char path[], PdennSolver solver, Vec f, Vec u, Vec ref, Vec err, PdennRunSummary *s)
{
  PdennRunOutput out;

  PetscFunctionBeginUser;
  PetscCall(PdennRunOutputCreate(comm, "-output", path, PETSC_TRUE, &out));
  PetscCall(PdennRunOutputWriteSignal(out, "initial", f));
  PetscCall(PdennRunOutputSnapshot(out, 2, 1.0, u));
  PetscCall(PdennRunSummaryCompute(solver, f, u, ref, err, s));
  PetscCall(PdennRunOutputWriteSignal(out, "u", u));
  PetscCall(PdennRunOutputWriteSignal(out, "reference", ref));
  PetscCall(PdennRunOutputWriteSignal(out, "error", err));
  PetscCall(PdennRunOutputWriteRun(out, solver, s));
  PetscCall(PdennRunOutputCommit(out, s, "test_io_results"));
  PetscCall(PdennRunOutputDestroy(&out));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckSummary(MPI_Comm comm, const PdennRunSummary *s, Vec f)
{
  PetscReal norm2, normi, N = s->N;

  PetscFunctionBeginUser;
  PetscCall(VecNorm(f, NORM_2, &norm2));
  PetscCall(VecNorm(f, NORM_INFINITY, &normi));
  PetscCheck(PetscAbsReal(s->error_rms - 0.1 * norm2 / PetscSqrtReal(N)) <= 1e-14 * s->error_rms, comm, PETSC_ERR_PLIB, "error_rms %.17g, expected %.17g", (double)s->error_rms, (double)(0.1 * norm2 / PetscSqrtReal(N)));
  PetscCheck(PetscAbsReal(s->error_max - 0.1 * normi) <= 1e-14 * s->error_max, comm, PETSC_ERR_PLIB, "error_max %.17g, expected %.17g", (double)s->error_max, (double)(0.1 * normi));
  PetscCheck(s->norm_initial == norm2 && s->has_reference && s->info.steps == 3, comm, PETSC_ERR_PLIB, "summary fields");
  PetscFunctionReturn(0);
}

/* An output abandoned midway (as after a failed solve) leaves nothing behind. */
static PetscErrorCode CheckAbandon(MPI_Comm comm, const char path[], Vec u)
{
  PdennRunOutput out;
  char           tmp[PETSC_MAX_PATH_LEN];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(tmp, sizeof(tmp), "%s.tmp", path));
  (void)unlink(path); /* only from earlier runs of this test */
  PetscCall(PdennRunOutputCreate(comm, "-output", path, PETSC_FALSE, &out));
  PetscCall(PdennRunOutputWriteSignal(out, "u", u));
  PetscCheck(access(tmp, F_OK) == 0, comm, PETSC_ERR_PLIB, "%s not written while the run goes", tmp);
  PetscCall(PdennRunOutputDestroy(&out));
  PetscCheck(access(path, F_OK) != 0 && access(tmp, F_OK) != 0, comm, PETSC_ERR_PLIB, "an abandoned output left %s or its .tmp", path);
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  MPI_Comm          comm = PETSC_COMM_WORLD;
  PdennDiffusion    pde;
  PdennSolver       solver;
  PdennSignalParams p;
  PdennRunSummary   s;
  Vec               f, u, ref, err;
  PetscMPIInt       size;
  char              path[64], gone[64];

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscSNPrintf(path, sizeof(path), "io_results_np%d.h5", size)); /* tests may run concurrently */
  PetscCall(PetscSNPrintf(gone, sizeof(gone), "io_results_abandoned_np%d.h5", size));
  PetscCall(PdennDiffusionCreate(comm, &pde));
  pde->N = 77;
  PetscCall(PdennDiffusionSetUp(pde));
  PetscCall(PdennSolverCreate(pde, &solver));
  PetscCall(FakeRun(solver));
  PetscCall(PdennSignalParamsDefault(&p));
  p.N = pde->N;
  PetscCall(DMCreateGlobalVector(pde->da, &f));
  PetscCall(VecDuplicate(f, &u));
  PetscCall(VecDuplicate(f, &ref));
  PetscCall(VecDuplicate(f, &err));
  PetscCall(PdennSignalFill(&p, 0, NULL, f));
  PetscCall(VecAXPBY(u, 0.5, 0.0, f));
  PetscCall(VecAXPBY(ref, 0.4, 0.0, f));
  PetscCall(WriteRun(comm, path, solver, f, u, ref, err, &s));
  PetscCall(CheckSummary(comm, &s, f));
  PetscCall(ExpectSignal(comm, path, "initial", f));
  PetscCall(ExpectSignal(comm, path, "u", u));
  PetscCall(ExpectSignal(comm, path, "reference", ref));
  PetscCall(ExpectSignal(comm, path, "error", err));
  PetscCall(ExpectSignal(comm, path, "snapshots/step_2", u));
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(ExpectAttributes(path, &s));
  PetscCall(ExpectSummaryFile(path));
  PetscCall(CheckAbandon(comm, gone, u));
  PetscCall(PdennRunSummaryView(&s, "test_io_results", PETSC_VIEWER_STDOUT_(comm)));
  PetscCall(PetscPrintf(comm, "run output checks passed\n"));
  PetscCall(VecDestroy(&err));
  PetscCall(VecDestroy(&ref));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&f));
  PetscCall(PdennSolverDestroy(&solver));
  PetscCall(PdennDiffusionDestroy(&pde));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  if (PdennInitialize(&argc, &argv, "Run output checks")) return 1;
  return PdennFinalize(Run());
}
