/* PdennCompare: life cycle and the -compare_* deck keys of the main job (docs/science.md §6). The
   methods themselves read their keys in their own options scopes (classical.c, learned.c). */
#include "comparepriv.h"

const char *const PdennCompareTasks[] = {"denoise", "diffusion", "implicit_solve"};
const char *const PdennMethodKinds[]  = {"baseline", "classical", "learned"};
const char *const PdennSplits[]       = {"train", "val", "test"};

PetscErrorCode PdennCompareCreate(MPI_Comm comm, PdennCompare *cmp)
{
  PdennCompare c;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&c));
  c->comm = comm;
  PetscCallMPI(MPI_Comm_rank(comm, &c->rank));
  PetscCallMPI(MPI_Comm_size(comm, &c->size));
  c->plots                      = PETSC_TRUE;
  c->samples[PDENN_SPLIT_TRAIN] = 64;
  c->samples[PDENN_SPLIT_VAL]   = 16;
  c->samples[PDENN_SPLIT_TEST]  = 16;
  c->reference_refine           = 10.0;
  c->stress_sigma               = 1.0;
  c->peak                       = 1.0;
  PetscCall(PetscStrncpy(c->output_dir, "results", sizeof(c->output_dir)));
  PetscCall(PetscStrncpy(c->python, "/usr/bin/python3", sizeof(c->python)));
  PetscCall(PdennDiffusionCreate(comm, &c->pde));
  *cmp = c;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareSetDeck(PdennCompare cmp, const char deck[])
{
  PetscFunctionBeginUser;
  PetscCall(PetscStrncpy(cmp->deck, deck ? deck : "", sizeof(cmp->deck)));
  PetscFunctionReturn(0);
}

/* -compare_classical and -compare_learned: comma lists of method names */
static PetscErrorCode MethodListOption(PetscOptionItems *PetscOptionsObject, const char key[], const char text[], char *names[], PetscInt *n)
{
  PetscBool set;

  PetscFunctionBeginUser;
  *n = PDENN_COMPARE_MAX_METHODS - 1;
  PetscCall(PetscOptionsStringArray(key, text, NULL, names, n, &set));
  if (!set) *n = 0;
  for (PetscInt i = 0; i < *n; i++) {
    size_t len;
    PetscCall(PetscStrlen(names[i], &len));
    PetscCheck(len > 0 && len < PDENN_COMPARE_NAME_LEN - 1, PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: entry %" PetscInt_FMT " is empty or longer than %d characters; expected a comma list of names", key, i, PDENN_COMPARE_NAME_LEN - 2);
    for (size_t j = 0; j < len; j++) {
      const char ch = names[i][j];
      PetscCheck((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_', PETSC_COMM_WORLD, PDENN_ERR_INPUT, "key %s: name '%s' has the character '%c'; expected letters, digits and '_' (the name is an options prefix)", key, names[i], ch);
    }
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode DataOptions(PetscOptionItems *PetscOptionsObject, PdennCompare cmp)
{
  PetscInt          task = (PetscInt)cmp->task, input = 0;
  char              key[64], text[256];
  const char *const inputs[] = {"noisy", "clean"};

  PetscFunctionBeginUser;
  PetscCall(PdennOptionsChoice("-compare_task", "What is learned: denoise (target clean), diffusion (target: the input diffused to -t_stop by a fine explicit solver), implicit_solve (target: the semi-implicit step of size -t_stop)", PdennCompareTasks, PDENN_TASK_NTYPES, task, &task, NULL));
  cmp->task = (PdennCompareTask)task;
  PetscCall(PdennOptionsChoice("-compare_input", "Which signal is the input of every method", inputs, 2, input, &input, NULL));
  cmp->input_clean = (PetscBool)(input == 1);
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "-compare_%s_samples", PdennSplits[s]));
    PetscCall(PetscSNPrintf(text, sizeof(text), "Samples of the generated %s set", PdennSplits[s]));
    PetscCall(PdennOptionsInt(key, text, cmp->samples[s], 1, 1000000, &cmp->samples[s], NULL));
    PetscCall(PetscSNPrintf(key, sizeof(key), "-compare_%s_data", PdennSplits[s]));
    PetscCall(PetscSNPrintf(text, sizeof(text), "Existing HDF5 signal set used as the %s set instead of generating one", PdennSplits[s]));
    PetscCall(PdennOptionsString(key, text, "", cmp->given[s], sizeof(cmp->given[s]), NULL));
  }
  PetscCall(PdennOptionsReal("-compare_reference_refine", "diffusion task: the reference explicit solver takes tau = tau_max / refine", cmp->reference_refine, 1.0, 1e6, &cmp->reference_refine, NULL));
  PetscCall(PdennOptionsBool("-compare_classical_space", "Classical solvers run each test sample on all ranks together (spatially parallel) instead of each rank solving whole samples alone, as the networks' batch groups do", cmp->classical_space, &cmp->classical_space, NULL));
  PetscCall(PdennOptionsReal("-compare_stress_sigma", "Noise level of the stress inputs (test clean signals + this noise) for the stability column", cmp->stress_sigma, 0.0, 1e6, &cmp->stress_sigma, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode OutputOptions(PetscOptionItems *PetscOptionsObject, PdennCompare cmp)
{
  char def[128];

  PetscFunctionBeginUser;
  PetscCall(PdennCompareDefaultExperiment(cmp->deck, def, sizeof(def)));
  PetscCall(PdennOptionsString("-compare_experiment", "Experiment name: results go to <output_dir>/<name>/ (default: the deck's file name)", def, cmp->experiment, sizeof(cmp->experiment), NULL));
  PetscCall(PdennOptionsString("-compare_output_dir", "Directory holding the experiments' results", "results", cmp->output_dir, sizeof(cmp->output_dir), NULL));
  PetscCall(PdennOptionsBool("-force", "Overwrite an existing experiment's tables, results file and plots (data are remade; checkpoints are reused)", cmp->force, &cmp->force, NULL));
  PetscCall(PdennOptionsBool("-compare_retrain", "Train every network from scratch even if its checkpoint exists", cmp->retrain, &cmp->retrain, NULL));
  PetscCall(PdennOptionsBool("-compare_plots", "Draw the PNG plots with the Python post-processing script", cmp->plots, &cmp->plots, NULL));
  PetscCall(PdennOptionsString("-compare_python", "Python interpreter with matplotlib and h5py for the plots", "/usr/bin/python3", cmp->python, sizeof(cmp->python), NULL));
  PetscCall(PdennOptionsString("-compare_plot_script", "Plot script (default: apps/pdenn_plots.py of this source tree)", "", cmp->plot_script, sizeof(cmp->plot_script), NULL));
  PetscCall(PdennOptionsString("-compare_pairs", "Comma list a:b of methods compared in summary.md (claims 1 and 2: equal parameter budget)", "", cmp->pairs, sizeof(cmp->pairs), NULL));
  PetscFunctionReturn(0);
}

/* The generator keys: -N is the grid's, the sample counts are the -compare_<split>_samples. */
static PetscErrorCode SignalOptions(PdennCompare cmp)
{
  PetscBool set;

  PetscFunctionBeginUser;
  PetscCall(PetscOptionsHasName(NULL, NULL, "-signals_samples", &set));
  PetscCheck(!set, cmp->comm, PDENN_ERR_INPUT, "key -signals_samples: pdenn_compare makes three sets; give -compare_train_samples, -compare_val_samples and -compare_test_samples instead");
  PetscCall(PdennSignalParamsDefault(&cmp->signals));
  cmp->signals.N = cmp->pde->N;
  PetscCall(PdennSignalParamsSetFromOptions(cmp->comm, &cmp->signals));
  PetscCheck(cmp->signals.N == cmp->pde->N, cmp->comm, PDENN_ERR_INPUT, "key -signals_N: value %" PetscInt_FMT " differs from the grid's -N %" PetscInt_FMT "; leave -signals_N out or make them equal", cmp->signals.N, cmp->pde->N);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareSetFromOptions(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  PetscCall(PdennDiffusionSetFromOptions(cmp->pde));
  PetscOptionsBegin(cmp->comm, NULL, "pdenn_compare: the experiment (docs/results.md)", NULL);
  PetscCall(DataOptions(PetscOptionsObject, cmp));
  PetscCall(MethodListOption(PetscOptionsObject, "-compare_classical", "Comma list of classical solvers: method names (explicit, fed, fsi, semi_implicit, implicit_fixed_point, implicit_newton) or names with -<name>_method; each reads -<name>_<key> over the shared keys", cmp->classical, &cmp->nclassical));
  PetscCall(MethodListOption(PetscOptionsObject, "-compare_learned", "Comma list of network names; each reads -<name>_<key> (model and training keys, e.g. -sym_model_type sym_resnet -sym_train_lr 1e-2) over the shared keys", cmp->learned, &cmp->nlearned));
  PetscCall(OutputOptions(PetscOptionsObject, cmp));
  PetscOptionsEnd();
  PetscCall(SignalOptions(cmp));
  PetscCheck(cmp->nclassical + cmp->nlearned > 0, cmp->comm, PDENN_ERR_INPUT, "keys -compare_classical and -compare_learned: both are empty; expected at least one method to compare");
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareGetInterrupted(PdennCompare cmp, PetscBool *interrupted)
{
  PetscFunctionBeginUser;
  *interrupted = cmp->interrupted;
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareDestroy(PdennCompare *cmp)
{
  PdennCompare c = *cmp;

  PetscFunctionBeginUser;
  if (!c) PetscFunctionReturn(0);
  for (PetscInt i = 0; i < c->nmethods; i++) PetscCall(PdennCompareMethodFree(&c->methods[i]));
  for (PetscInt i = 0; i < c->nclassical; i++) PetscCall(PetscFree(c->classical[i]));
  for (PetscInt i = 0; i < c->nlearned; i++) PetscCall(PetscFree(c->learned[i]));
  PetscCall(PetscFree(c->test_input));
  PetscCall(PetscFree(c->test_target));
  PetscCall(PetscFree(c->test_clean));
  PetscCall(PetscFree(c->test_noisy));
  PetscCall(PetscFree(c->stress_input));
  PetscCall(KSPDestroy(&c->ksp));
  PetscCall(MatDestroy(&c->A));
  PetscCall(VecDestroy(&c->w));
  PetscCall(PdennSolverDestroy(&c->reference));
  PetscCall(PdennSolverDestroy(&c->base));
  PetscCall(PdennDiffusionDestroy(&c->pde_self));
  PetscCall(PdennDiffusionDestroy(&c->pde));
  PetscCall(PetscFree(*cmp));
  PetscFunctionReturn(0);
}
