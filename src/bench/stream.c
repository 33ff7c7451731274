/* Memory bandwidth as STREAM measures it: the triad a = b + s c on arrays much larger than the
   caches, 24 bytes per element (read b and c, write a; write-allocate traffic not counted), best
   of the repeats, all ranks at once. The bound of every bandwidth-limited kernel uses it. */
#include <pdenn/bench.h>

static void Triad(PetscInt n, PetscReal s, PetscReal *restrict a, const PetscReal *restrict b, const PetscReal *restrict c)
{
  for (PetscInt i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}

/* As STREAM does: a wrong result means the loop was not what was timed. */
static PetscErrorCode TriadCheck(MPI_Comm comm, PetscInt n, PetscReal s, const PetscReal a[])
{
  const PetscReal expect = 2.0 + s * 0.5;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < n; i += PetscMax(1, n / 97)) PetscCheck(a[i] == expect, comm, PETSC_ERR_PLIB, "STREAM triad check failed at %" PetscInt_FMT ": %g, expected %g", i, (double)a[i], (double)expect);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchTriad(MPI_Comm comm, PetscInt n, PetscInt repeats, PetscReal *bandwidth)
{
  const PetscReal s = 3.0;
  PetscReal      *a, *b, *c, best = PETSC_MAX_REAL;
  PetscMPIInt     size;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(PetscMalloc3(n, &a, n, &b, n, &c));
  /* first touch by the rank that uses the pages */
  for (PetscInt i = 0; i < n; i++) {
    a[i] = 0.0;
    b[i] = 2.0;
    c[i] = 0.5;
  }
  Triad(n, s, a, b, c); /* untimed warm-up */
  for (PetscInt r = 0; r < repeats; r++) {
    PetscLogDouble t0;
    PetscReal      t;
    PetscCall(PdennBenchTic(comm, &t0));
    Triad(n, s, a, b, c);
    PetscCall(PdennBenchToc(comm, t0, &t));
    best = PetscMin(best, t);
  }
  PetscCall(TriadCheck(comm, n, s, a));
  PetscCall(PetscFree3(a, b, c));
  *bandwidth = 24.0 * (PetscReal)n * (PetscReal)size / best;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchStream(PdennBench bench)
{
  const PetscInt n = bench->stream_n;
  char           note[96];

  PetscFunctionBeginUser;
  PetscCall(PdennBenchTriad(bench->comm, n, bench->repeats, &bench->bandwidth));
  PetscCall(PetscSNPrintf(note, sizeof(note), "a = b + s c, 24 B/element, best of %" PetscInt_FMT ", %.0f MB per rank", bench->repeats, 24.0 * n / 1e6));
  PetscCall(PdennBenchTableAdd(&bench->table, "stream", "triad", n, "bandwidth total", bench->bandwidth / 1e9, "GB/s", note));
  PetscCall(PdennBenchTableAdd(&bench->table, "stream", "triad", n, "bandwidth per rank", bench->bandwidth / 1e9 / bench->table.ranks, "GB/s", ""));
  PetscFunctionReturn(0);
}

/* The memory hierarchy's own share of a size sweep: the triad on arrays of n elements, cycled
   through as many arrays as fill `bytes` (a_k = b_(k+1) + s c_(k+2), k = 0..m-1, then again), so
   a sweep reads and writes as much memory, with the same reuse distance, as a solver whose data
   take `bytes` and which touches all of it once per solve. Nanoseconds per element, best of the
   repeats after a warm-up sweep, slowest rank. A code limited by bandwidth alone would change by
   as much over the same sizes; a flatter one is limited by something else in cache. */
PetscErrorCode PdennBenchTriadFootprint(PdennBench bench, PetscInt n, PetscReal bytes, PetscReal *ns)
{
  const PetscInt  m     = PetscMax(3, (PetscInt)PetscCeilReal(bytes / (8.0 * (PetscReal)n)));
  const PetscInt  sweep = PetscMax(1, (PetscInt)(2e7 / ((PetscReal)m * (PetscReal)n))); /* >= 2e7 elements timed */
  const PetscReal s     = 0.5;                                                          /* on zeros the values stay 0: no overflow, no denormals */
  PetscReal      *v, best = PETSC_MAX_REAL;

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc1((size_t)m * (size_t)n, &v));
  for (size_t i = 0; i < (size_t)m * (size_t)n; i++) v[i] = 0.0; /* first touch by this rank */
  for (PetscInt r = -1; r < bench->repeats; r++) {
    PetscLogDouble t0;
    PetscReal      t;
    PetscCall(PdennBenchTic(bench->comm, &t0));
    for (PetscInt q = 0; q < sweep; q++)
      for (PetscInt k = 0; k < m; k++) Triad(n, s, v + (size_t)k * n, v + (size_t)((k + 1) % m) * n, v + (size_t)((k + 2) % m) * n);
    PetscCall(PdennBenchToc(bench->comm, t0, &t));
    if (r >= 0) best = PetscMin(best, t);
  }
  PetscCall(PetscFree(v));
  *ns = best / ((PetscReal)sweep * (PetscReal)m * (PetscReal)n) * 1e9;
  PetscFunctionReturn(0);
}

/* Untimed work on every rank for `seconds` before the first section: a virtual CPU fresh from
   idle runs slower for a while (here the first training case of a cold start was up to 1.5x
   slower than the same case after other work, in the same binary), so without this the first
   case timed depends on what ran before the benchmark. The triad on an in-cache array. */
PetscErrorCode PdennBenchWarmUp(PdennBench bench, PetscReal seconds)
{
  const PetscInt n = 4096;
  PetscReal     *a, *b, *c;
  PetscLogDouble t0, t;

  PetscFunctionBeginUser;
  if (seconds <= 0) PetscFunctionReturn(0);
  PetscCall(PetscCalloc3(n, &a, n, &b, n, &c));
  PetscCall(PetscTime(&t0));
  do {
    for (PetscInt k = 0; k < 256; k++) Triad(n, 0.5, a, b, c);
    PetscCall(PetscTime(&t));
  } while (t - t0 < seconds);
  PetscCall(PetscFree3(a, b, c));
  PetscCallMPI(MPI_Barrier(bench->comm));
  PetscFunctionReturn(0);
}
