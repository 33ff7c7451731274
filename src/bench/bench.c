/* PdennBench: the -bench_* keys, the dispatch to one file per section (each in its own
   -log_view stage), and the result table (docs/performance.md). */
#include <pdenn/bench.h>

const char *const    PdennBenchSections[] = {"stream", "diffusion", "linear", "train", "grid", "conv2d", "train2d"};
const PdennModelType PdennBenchModels[]   = {PDENN_MODEL_SYM_RESNET, PDENN_MODEL_RESNET, PDENN_MODEL_UNET, PDENN_MODEL_MG_UNET};

PetscErrorCode PdennBenchCreate(MPI_Comm comm, PdennBench *bench)
{
  PdennBench b;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&b));
  b->comm            = comm;
  b->repeats         = 3;
  b->warmup          = 1.0;
  b->stream_n        = 20000000; /* 3 arrays of 160 MB: far beyond any cache */
  b->N               = 10000000;
  b->steps           = 5;
  b->lambda          = 0.1;
  b->mg_log2[0]      = 14;
  b->mg_log2[1]      = 22;
  b->compare_log2    = 20;
  b->mg2d_log2[0]    = 7;
  b->mg2d_log2[1]    = 11;
  b->mg_tau          = 1000.0;
  b->mg2d_tau        = 2.5; /* 10 tau_max of the 2D problem (h = 1): the semi-implicit default */
  b->linear_repeats  = 1;
  b->batch           = 32;
  b->train_N[0]      = 1024;
  b->train_N[1]      = 8192;
  b->channels        = 8;
  b->blocks          = 8;
  b->levels          = 4;
  b->smoothing_steps = 2;
  b->space_ranks     = 1;
  b->grid_N[0]       = 4096;
  b->grid_N[1]       = 256;
  b->conv2d_N        = 128;
  b->train2d_N       = 128;
  for (PetscInt s = 0; s < PDENN_BENCH_NSECTIONS; s++) b->run[s] = PETSC_TRUE;
  b->table.comm     = comm;
  b->table.progress = PETSC_TRUE;
  PetscCallMPI(MPI_Comm_size(comm, &b->table.ranks));
  *bench = b;
  PetscFunctionReturn(0);
}

/* -bench_sections: a comma-separated subset of PdennBenchSections. */
static PetscErrorCode ParseSections(PdennBench b, const char list[])
{
  PetscToken token;
  char      *name;

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < PDENN_BENCH_NSECTIONS; s++) b->run[s] = PETSC_FALSE;
  PetscCall(PetscTokenCreate(list, ',', &token));
  PetscCall(PetscTokenFind(token, &name));
  while (name) {
    PetscBool match = PETSC_FALSE;
    PetscInt  s;
    for (s = 0; s < PDENN_BENCH_NSECTIONS && !match; s++) PetscCall(PetscStrcasecmp(name, PdennBenchSections[s], &match));
    PetscCheck(match, b->comm, PDENN_ERR_INPUT, "key -bench_sections: unknown section '%s'; expected a comma-separated list of stream, diffusion, linear, train, grid, conv2d, train2d", name);
    b->run[s - 1] = PETSC_TRUE;
    PetscCall(PetscTokenFind(token, &name));
  }
  PetscCall(PetscTokenDestroy(&token));
  PetscFunctionReturn(0);
}

/* -bench_models: every name one of the four benchmarked model types. */
static PetscErrorCode CheckModels(PdennBench b)
{
  PetscToken token;
  char      *name;

  PetscFunctionBeginUser;
  PetscCall(PetscTokenCreate(b->models, ',', &token));
  PetscCall(PetscTokenFind(token, &name));
  while (name) {
    PetscBool known = PETSC_FALSE;
    for (PetscInt t = 0; t < PDENN_BENCH_NMODELS && !known; t++) PetscCall(PetscStrcmp(name, PdennModelTypes[PdennBenchModels[t]], &known));
    PetscCheck(known, b->comm, PDENN_ERR_INPUT, "key -bench_models: unknown model '%s'; expected a comma-separated list of sym_resnet, resnet, unet, mg_unet", name);
    PetscCall(PetscTokenFind(token, &name));
  }
  PetscCall(PetscTokenDestroy(&token));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchSetFromOptions(PdennBench b)
{
  char sections[256];

  PetscFunctionBeginUser;
  PetscOptionsBegin(b->comm, NULL, "pdenn benchmarks (docs/performance.md)", NULL);
  PetscCall(PdennOptionsString("-bench_sections", "Sections to run, comma-separated: stream, diffusion, linear, train, grid, conv2d, train2d", "stream,diffusion,linear,train,grid,conv2d,train2d", sections, sizeof(sections), NULL));
  PetscCall(PdennOptionsInt("-bench_repeats", "Timed repeats of every case (median reported; best for STREAM)", b->repeats, 1, 1000, &b->repeats, NULL));
  PetscCall(PdennOptionsReal("-bench_warmup", "Seconds of untimed work on every rank before the first section (a CPU fresh from idle runs slower at first)", b->warmup, 0.0, 600.0, &b->warmup, NULL));
  PetscCall(PdennOptionsInt("-bench_stream_n", "STREAM triad: array length per rank (make the three arrays much larger than the caches)", b->stream_n, 1, PETSC_MAX_INT / 2, &b->stream_n, NULL));
  PetscCall(PdennOptionsInt("-bench_N", "Diffusion steps: grid points", b->N, 16, PETSC_MAX_INT / 16, &b->N, NULL));
  PetscCall(PdennOptionsInt("-bench_steps", "Diffusion steps: explicit-type steps per timed run", b->steps, 1, 100000, &b->steps, NULL));
  PetscCall(PdennOptionsReal("-bench_lambda", "Perona-Malik contrast parameter of the benchmarked problems", b->lambda, 1e-12, 1e12, &b->lambda, NULL));
  PetscCall(PdennOptionsInt("-bench_mg_log2_min", "Linear solvers: smallest PCMG size as log2(N)", b->mg_log2[0], 4, 28, &b->mg_log2[0], NULL));
  PetscCall(PdennOptionsInt("-bench_mg_log2_max", "Linear solvers: largest PCMG size as log2(N)", b->mg_log2[1], 4, 28, &b->mg_log2[1], NULL));
  PetscCall(PdennOptionsInt("-bench_mg2d_log2_min", "Linear solvers: smallest 2D PCMG grid side as log2(M - 1), M^2 unknowns (0: no 2D sweep)", b->mg2d_log2[0], 0, 14, &b->mg2d_log2[0], NULL));
  PetscCall(PdennOptionsInt("-bench_mg2d_log2_max", "Linear solvers: largest 2D PCMG grid side as log2(M - 1)", b->mg2d_log2[1], 2, 14, &b->mg2d_log2[1], NULL));
  PetscCall(PdennOptionsInt("-bench_compare_log2", "Linear solvers: log2(N) where PCMG, CG+Jacobi and a direct solver are compared (0: no comparison)", b->compare_log2, 0, 28, &b->compare_log2, NULL));
  PetscCall(PdennOptionsReal("-bench_mg_tau", "Linear solvers: semi-implicit time step in units of h^2", b->mg_tau, 1e-6, 1e12, &b->mg_tau, NULL));
  PetscCall(PdennOptionsReal("-bench_mg2d_tau", "Linear solvers: the 2D sweep's semi-implicit step in units of h^2 (2.5: 10 tau_max)", b->mg2d_tau, 1e-6, 1e12, &b->mg2d_tau, NULL));
  PetscCall(PdennOptionsInt("-bench_linear_repeats", "Linear solvers: timed solves per case (the best is reported); one solve of a large system is long enough to time", b->linear_repeats, 1, 1000, &b->linear_repeats, NULL));
  PetscCall(PdennOptionsString("-bench_linear_options", "Linear solvers: extra KSP/PC keys for every solver; start the value with a space, e.g. \" -pc_mg_levels 6\"", "", b->linear_options, sizeof(b->linear_options), NULL));
  PetscCall(PdennOptionsInt("-bench_batch", "Training: samples per batch", b->batch, 1, 1000000, &b->batch, NULL));
  PetscCall(PdennOptionsInt("-bench_train_N", "Training: grid points per sample", b->train_N[0], 8, PETSC_MAX_INT / 64, &b->train_N[0], NULL));
  PetscCall(PdennOptionsInt("-bench_train_N_large", "Training: grid points per sample of the larger size (0: skip)", b->train_N[1], 0, PETSC_MAX_INT / 64, &b->train_N[1], NULL));
  PetscCall(PdennOptionsInt("-bench_channels", "Training: channels of every model", b->channels, 1, 64, &b->channels, NULL));
  PetscCall(PdennOptionsInt("-bench_blocks", "Training: residual blocks of the ResNets", b->blocks, 1, 1000, &b->blocks, NULL));
  PetscCall(PdennOptionsInt("-bench_levels", "Training: levels of the U-nets", b->levels, 1, 20, &b->levels, NULL));
  PetscCall(PdennOptionsInt("-bench_smoothing_steps", "Training: smoothing layers per U-net level, before and after the coarse correction", b->smoothing_steps, 1, 1000, &b->smoothing_steps, NULL));
  PetscCall(PdennOptionsInt("-bench_space_ranks", "Training: ranks per sample; the ranks form batch groups of this size (data parallel across groups)", b->space_ranks, 1, 1 << 20, &b->space_ranks, NULL));
  PetscCall(PdennOptionsString("-bench_models", "Training: models to time, comma-separated: sym_resnet, resnet, unet, mg_unet", "sym_resnet,resnet,unet,mg_unet", b->models, sizeof(b->models), NULL));
  PetscCall(PdennOptionsString("-bench_model_options", "Training: extra model keys (as in docs/networks.md); start the value with a space, e.g. \" -activation trainable\"", "", b->model_options, sizeof(b->model_options), NULL));
  PetscCall(PdennOptionsInt("-bench_grid_N2", "Grid: side of the 2D image of the explicit-step case, N2 x N2 points (0: skip)", b->grid_N[0], 0, 46340, &b->grid_N[0], NULL));
  PetscCall(PdennOptionsInt("-bench_grid_N3", "Grid: side of the 3D volume of the explicit-step case, N3^3 points (0: skip)", b->grid_N[1], 0, 1290, &b->grid_N[1], NULL));
  PetscCall(PdennOptionsInt("-bench_conv2d_N", "Conv2d: side of the image of the 2D convolution layer cases, N x N points", b->conv2d_N, 3, 46340, &b->conv2d_N, NULL));
  PetscCall(PdennOptionsInt("-bench_train2d_N", "Train2d: side of the images of the 2D training step, N x N points (batch, channels, blocks, levels: the training keys)", b->train2d_N, 8, 46340, &b->train2d_N, NULL));
  PetscCall(PdennOptionsBool("-bench_progress", "Print a line on stderr as each case finishes (the table comes at the end)", b->table.progress, &b->table.progress, NULL));
  PetscCall(PdennOptionsString("-bench_csv", "Also write the table to this CSV file", "", b->csv, sizeof(b->csv), NULL));
  PetscCall(PdennOptionsString("-bench_dump_models", "Write small instances of the networks (weights, input, output, gradients) to this file for apps/torch_compare.py --check, and run no section", "", b->dump, sizeof(b->dump), NULL));
  PetscOptionsEnd();
  PetscCheck(b->mg2d_log2[0] <= b->mg2d_log2[1], b->comm, PDENN_ERR_INPUT, "keys -bench_mg2d_log2_min %" PetscInt_FMT " and -bench_mg2d_log2_max %" PetscInt_FMT ": expected min <= max", b->mg2d_log2[0], b->mg2d_log2[1]);
  PetscCheck(b->mg_log2[0] <= b->mg_log2[1], b->comm, PDENN_ERR_INPUT, "keys -bench_mg_log2_min %" PetscInt_FMT " and -bench_mg_log2_max %" PetscInt_FMT ": expected min <= max", b->mg_log2[0], b->mg_log2[1]);
  PetscCall(ParseSections(b, sections));
  PetscCall(CheckModels(b));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchRun(PdennBench b)
{
  static const char *const stage_names[]        = {"bench: stream", "bench: diffusion", "bench: linear", "bench: train", "bench: grid", "bench: conv2d", "bench: train2d"};
  PetscErrorCode (*const section[])(PdennBench) = {PdennBenchStream, PdennBenchDiffusion, PdennBenchLinear, PdennBenchTrain, PdennBenchGrid, PdennBenchConv2d, PdennBenchTrain2d};

  PetscFunctionBeginUser;
  if (b->dump[0]) {
    PetscCall(PdennBenchDumpModels(b, b->dump));
    PetscFunctionReturn(0);
  }
  PetscCall(PdennBenchWarmUp(b, b->warmup));
  PetscCall(PetscTime(&b->table.t_start));
  for (PetscInt s = 0; s < PDENN_BENCH_NSECTIONS; s++) {
    if (!b->run[s]) continue;
    PetscCall(PetscLogStageRegister(stage_names[s], &b->stages[s]));
    PetscCall(PetscLogStagePush(b->stages[s]));
    PetscCall(section[s](b));
    PetscCall(PetscLogStagePop());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchView(PdennBench b, PetscViewer viewer)
{
  PetscFunctionBeginUser;
  if (b->dump[0]) PetscFunctionReturn(0); /* no section ran */
  PetscCall(PdennBenchTableView(&b->table, viewer));
  if (b->csv[0]) PetscCall(PdennBenchTableWriteCSV(&b->table, b->csv));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennBenchDestroy(PdennBench *b)
{
  PetscFunctionBeginUser;
  if (!*b) PetscFunctionReturn(0);
  PetscCall(PdennBenchTableDestroy(&(*b)->table));
  PetscCall(PetscFree(*b));
  PetscFunctionReturn(0);
}
