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

PetscErrorCode PdennBenchStream(PdennBench bench)
{
  const PetscInt  n = bench->stream_n;
  const PetscReal s = 3.0;
  PetscReal      *a, *b, *c, best = PETSC_MAX_REAL, bytes;
  char            note[96];

  PetscFunctionBeginUser;
  PetscCall(PetscMalloc3(n, &a, n, &b, n, &c));
  /* first touch by the rank that uses the pages */
  for (PetscInt i = 0; i < n; i++) {
    a[i] = 0.0;
    b[i] = 2.0;
    c[i] = 0.5;
  }
  Triad(n, s, a, b, c); /* untimed warm-up */
  for (PetscInt r = 0; r < bench->repeats; r++) {
    PetscLogDouble t0;
    PetscReal      t;
    PetscCall(PdennBenchTic(bench->comm, &t0));
    Triad(n, s, a, b, c);
    PetscCall(PdennBenchToc(bench->comm, t0, &t));
    best = PetscMin(best, t);
  }
  PetscCall(TriadCheck(bench->comm, n, s, a));
  PetscCall(PetscFree3(a, b, c));
  bytes            = 24.0 * (PetscReal)n * (PetscReal)bench->table.ranks;
  bench->bandwidth = bytes / best;
  PetscCall(PetscSNPrintf(note, sizeof(note), "a = b + s c, 24 B/element, best of %" PetscInt_FMT ", %.0f MB per rank", bench->repeats, 24.0 * n / 1e6));
  PetscCall(PdennBenchTableAdd(&bench->table, "stream", "triad", n, "bandwidth total", bench->bandwidth / 1e9, "GB/s", note));
  PetscCall(PdennBenchTableAdd(&bench->table, "stream", "triad", n, "bandwidth per rank", bench->bandwidth / 1e9 / bench->table.ranks, "GB/s", ""));
  PetscFunctionReturn(0);
}
