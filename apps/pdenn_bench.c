/* pdenn_bench: memory bandwidth, diffusion step throughput against its bandwidth bound, linear
   solvers of the semi-implicit step and network training throughput, in one table
   (docs/performance.md). apps/bench_scaling.sh runs it at several rank counts. */
#include <pdenn/bench.h>

static const char help[] = "pdenn benchmarks: STREAM triad, explicit/FED/FSI throughput, PCMG vs CG vs direct, training throughput.\n"
                           "Keys -bench_*; -log_view shows one stage per section. See docs/performance.md.\n";

static PetscErrorCode Run(void)
{
  PdennBench bench;
  PetscBool  help_requested;

  PetscFunctionBeginUser;
  PetscCall(PdennBenchCreate(PETSC_COMM_WORLD, &bench));
  PetscCall(PdennBenchSetFromOptions(bench));
  PetscCall(PdennHelpRequested(&help_requested));
  if (!help_requested) {
    PetscCall(PdennDeckCheckUnused(PETSC_COMM_WORLD));
    PetscCall(PdennBenchRun(bench));
    PetscCall(PdennBenchView(bench, PETSC_VIEWER_STDOUT_WORLD));
  }
  PetscCall(PdennBenchDestroy(&bench));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;

  ierr = PdennInitialize(&argc, &argv, help);
  if (ierr) return 1;
  return PdennFinalize(Run());
}
