/* What every benchmark section needs: a timer that agrees across ranks, medians, a private
   options database for configuring library objects, a way to mark a method not written yet as
   n/a, the heap in use, and a deterministic test signal. */
#include <pdenn/bench.h>
#include <time.h>
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define PDENN_BENCH_HAVE_MALLINFO2
#endif

PetscErrorCode PdennBenchTic(MPI_Comm comm, PetscLogDouble *t0)
{
  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Barrier(comm));
  PetscCall(PetscTime(t0));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchToc(MPI_Comm comm, PetscLogDouble t0, PetscReal *seconds)
{
  PetscLogDouble t1;
  PetscReal      local;

  PetscFunctionBeginUser;
  PetscCall(PetscTime(&t1));
  local = (PetscReal)(t1 - t0);
  /* a parallel region is as slow as its slowest rank */
  PetscCall(MPIU_Allreduce(&local, seconds, 1, MPIU_REAL, MPIU_MAX, comm));
  PetscFunctionReturn(0);
}

PetscReal PdennBenchMedian(PetscInt n, PetscReal t[])
{
  if (n <= 0) return PDENN_BENCH_NA;
  if (PetscSortReal(n, t)) return PDENN_BENCH_NA;
  return n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

PetscErrorCode PdennBenchPushOptions(const char options[], const char extra[], PetscOptions *db)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsCreate(db));
  PetscCall(PetscOptionsInsertString(*db, options));
  if (extra && extra[0]) PetscCall(PetscOptionsInsertString(*db, extra));
  PetscCall(PetscOptionsPush(*db));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchPopOptions(PetscOptions *db)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(db));
  PetscFunctionReturn(0);
}

/* Keeps the first message of an error and does not print: the caller decides. */
static PetscErrorCode CatchHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PdennBenchCatch *c = (PdennBenchCatch *)ctx;

  (void)comm;
  (void)line;
  (void)fun;
  (void)file;
  if (p == PETSC_ERROR_INITIAL) snprintf(c->message, sizeof(c->message), "%s", mess ? mess : "(no message)");
  return n;
}

PetscErrorCode PdennBenchCatchBegin(PdennBenchCatch *c)
{
  PetscFunctionBeginUser;
  c->message[0] = '\0';
  c->also       = 0;
  PetscCall(PetscPushErrorHandler(CatchHandler, c));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchCatchEnd(PdennBenchCatch *c, MPI_Comm comm, PetscErrorCode ierr, PetscBool *available)
{
  PetscFunctionBeginUser;
  PetscCall(PetscPopErrorHandler());
  *available = (PetscBool)(ierr == 0);
  PetscCheck(!ierr || ierr == PETSC_ERR_SUP || (c->also && ierr == c->also), comm, ierr, "benchmark case failed: %s", c->message);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchSignal(DM da, Vec u)
{
  PetscInt   s[3], m[3], M[3], dim, o = 0, N;
  PetscReal *ua;

  PetscFunctionBeginUser;
  PetscCall(DMDAGetInfo(da, &dim, &M[0], &M[1], &M[2], NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &s[0], &s[1], &s[2], &m[0], &m[1], &m[2]));
  for (PetscInt a = dim; a < 3; a++) M[a] = 1, s[a] = 0, m[a] = 1;
  N = M[0] * M[1] * M[2];
  PetscCall(VecGetArray(u, &ua));
  /* by the natural index k (1D: the point itself): eight plateaus (bands of rows in 2D) + noise */
  for (PetscInt z = s[2]; z < s[2] + m[2]; z++)
    for (PetscInt y = s[1]; y < s[1] + m[1]; y++)
      for (PetscInt x = s[0]; x < s[0] + m[0]; x++, o++) {
        const PetscInt  k     = x + M[0] * (y + M[1] * z);
        const PetscReal step  = (PetscReal)((8 * k / N) % 2);
        const PetscReal noise = PetscSinReal(12.9898 * (PetscReal)k) * 43758.5453;
        ua[o]                 = step + 0.1 * (noise - PetscFloorReal(noise) - 0.5);
      }
  PetscCall(VecRestoreArray(u, &ua));
  PetscFunctionReturn(0);
}

/* Heap bytes in use, summed over the ranks: glibc's count of allocated bytes (freed memory
   kept by the allocator is not counted), else the resident set size. */
PetscErrorCode PdennBenchHeapInUse(MPI_Comm comm, PetscReal *bytes)
{
  PetscReal local;

  PetscFunctionBeginUser;
#if defined(PDENN_BENCH_HAVE_MALLINFO2)
  {
    struct mallinfo2 mi = mallinfo2();
    local               = (PetscReal)(mi.uordblks + mi.hblkhd);
  }
#else
  {
    PetscLogDouble rss;
    PetscCall(PetscMemoryGetCurrentUsage(&rss));
    local = (PetscReal)rss;
  }
#endif
  PetscCall(MPIU_Allreduce(&local, bytes, 1, MPIU_REAL, MPIU_SUM, comm));
  PetscFunctionReturn(0);
}

/* CPU seconds this process has used: unlike wall time, it does not count the time other
   processes of a loaded machine take the core away (docs/performance.md, "How things are counted"). */
PetscReal PdennBenchCPUSeconds(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (PetscReal)ts.tv_sec + 1e-9 * (PetscReal)ts.tv_nsec;
}
