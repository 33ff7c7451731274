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
  c->stress_factor              = 10.0; /* 10 x pdenn's default noise 0.1: the former sigma 1 */
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

/* The sample count of a split is read only when the run generates it: with -compare_<split>_data
   the file gives the data, and a leftover -compare_<split>_samples is an unread key
   (PdennCompareCheckUnreadKeys). -help lists every key. */
static PetscErrorCode SplitOptions(PetscOptionItems *PetscOptionsObject, PdennCompare cmp, PetscBool help)
{
  char key[64], text[256];

  PetscFunctionBeginUser;
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++) {
    PetscCall(PetscSNPrintf(key, sizeof(key), "-compare_%s_data", PdennSplits[s]));
    PetscCall(PetscSNPrintf(text, sizeof(text), "Existing HDF5 signal set (samples x N) or image set (samples x H x W: the grid becomes 2D, W x H) used as the %s set instead of generating one", PdennSplits[s]));
    PetscCall(PdennOptionsString(key, text, "", cmp->given[s], sizeof(cmp->given[s]), NULL));
    if (cmp->given[s][0] && !help) continue;
    PetscCall(PetscSNPrintf(key, sizeof(key), "-compare_%s_samples", PdennSplits[s]));
    PetscCall(PetscSNPrintf(text, sizeof(text), "Samples of the generated %s set (not with -compare_%s_data)", PdennSplits[s], PdennSplits[s]));
    PetscCall(PdennOptionsInt(key, text, cmp->samples[s], 1, 1000000, &cmp->samples[s], NULL));
  }
  PetscFunctionReturn(0);
}

/* PSNR's peak and the stress inputs' noise, chosen from the data unless given (datainfo.c) */
static PetscErrorCode MetricOptions(PetscOptionItems *PetscOptionsObject, PdennCompare cmp, PetscBool help)
{
  PetscFunctionBeginUser;
  PetscCall(PdennOptionsReal("-compare_psnr_peak", "Peak of PSNR = 10 log10(peak^2 / MSE); 0: the data's range (1 for generated signals, max - min of the test targets for -compare_test_data)", cmp->peak_key, 0.0, 1e300, &cmp->peak_key, NULL));
  PetscCall(PdennOptionsReal("-compare_stress_sigma", "Absolute noise sigma of the stress inputs (test clean signals + noise) for the stability column; 0: -compare_stress_factor times the training noise", cmp->stress_sigma_key, 0.0, 1e300, &cmp->stress_sigma_key, NULL));
  if (cmp->stress_sigma_key == 0.0 || help) PetscCall(PdennOptionsReal("-compare_stress_factor", "Stress noise sigma as a multiple of the training set's noise sigma (its attribute sigma; without one, of its clean signals' standard deviation)", cmp->stress_factor, 0.0, 1e300, &cmp->stress_factor, NULL));
  PetscFunctionReturn(0);
}

static PetscErrorCode DataOptions(PetscOptionItems *PetscOptionsObject, PdennCompare cmp)
{
  PetscInt          task = (PetscInt)cmp->task, input = 0;
  const char *const inputs[] = {"noisy", "clean"};
  PetscBool         help;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  PetscCall(PdennOptionsChoice("-compare_task", "What is learned: denoise (target clean), diffusion (target: the input diffused to -t_stop by a fine explicit solver), implicit_solve (target: the semi-implicit step of size -t_stop)", PdennCompareTasks, PDENN_TASK_NTYPES, task, &task, NULL));
  cmp->task = (PdennCompareTask)task;
  PetscCall(PdennOptionsChoice("-compare_input", "Which signal is the input of every method", inputs, 2, input, &input, NULL));
  cmp->input_clean = (PetscBool)(input == 1);
  PetscCall(SplitOptions(PetscOptionsObject, cmp, help));
  PetscCall(PdennOptionsReal("-compare_reference_refine", "diffusion task: the reference explicit solver takes tau = tau_max / refine", cmp->reference_refine, 1.0, 1e6, &cmp->reference_refine, NULL));
  PetscCall(PdennOptionsBool("-compare_classical_space", "Classical solvers run each test sample on all ranks together (spatially parallel) instead of each rank solving whole samples alone, as the networks' batch groups do", cmp->classical_space, &cmp->classical_space, NULL));
  PetscCall(MetricOptions(PetscOptionsObject, cmp, help));
  PetscCall(PdennCompareWorstCaseOptions(PetscOptionsObject, cmp));
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

static PetscBool AllGiven(PdennCompare cmp)
{
  return (PetscBool)(cmp->given[PDENN_SPLIT_TRAIN][0] && cmp->given[PDENN_SPLIT_VAL][0] && cmp->given[PDENN_SPLIT_TEST][0]);
}

/* The generator keys: -N is the grid's, the sample counts are the -compare_<split>_samples.
   Read only when some set is generated: with all three files given, a -signals_* key is unread. */
static PetscErrorCode SignalOptions(PdennCompare cmp)
{
  PetscBool set, help;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  PetscCall(PdennSignalParamsDefault(&cmp->signals));
  cmp->signals.N = cmp->pde->N;
  if (AllGiven(cmp) && !help) PetscFunctionReturn(0);
  PetscCall(PetscOptionsHasName(NULL, NULL, "-signals_samples", &set));
  PetscCheck(!set, cmp->comm, PDENN_ERR_INPUT, "key -signals_samples: pdenn_compare makes three sets; give -compare_train_samples, -compare_val_samples and -compare_test_samples instead");
  PetscCall(PdennSignalParamsSetFromOptions(cmp->comm, &cmp->signals));
  PetscCheck(cmp->signals.N == cmp->pde->N, cmp->comm, PDENN_ERR_INPUT, "key -signals_N: value %" PetscInt_FMT " differs from the grid's -N %" PetscInt_FMT "; leave -signals_N out or make them equal", cmp->signals.N, cmp->pde->N);
  PetscFunctionReturn(0);
}

/* Why a key the run left unread is unused, where pdenn_compare knows: the deck check
   (PdennDeckCheckUnused) then reports every other leftover key as unknown. */
static PetscErrorCode UnreadReason(PdennCompare cmp, const char name[], char why[], size_t len)
{
  PetscBool match;

  PetscFunctionBeginUser;
  why[0] = '\0';
  PetscCall(PetscStrncmp(name, "signals_", 8, &match));
  if (match && AllGiven(cmp)) PetscCall(PetscSNPrintf(why, len, "-compare_train_data, -compare_val_data and -compare_test_data give all the data, so no signal is generated"));
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++) {
    char key[64];
    PetscCall(PetscSNPrintf(key, sizeof(key), "compare_%s_samples", PdennSplits[s]));
    PetscCall(PetscStrcasecmp(name, key, &match));
    if (match && cmp->given[s][0]) PetscCall(PetscSNPrintf(why, len, "-compare_%s_data gives the data (its samples are the file's)", PdennSplits[s]));
  }
  PetscCall(PetscStrcasecmp(name, "compare_stress_factor", &match));
  if (match && cmp->stress_sigma_key > 0.0) PetscCall(PetscSNPrintf(why, len, "-compare_stress_sigma gives the stress noise's sigma itself"));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareCheckUnreadKeys(PdennCompare cmp)
{
  PetscInt  n;
  char    **names, **values, why[256] = "", key[256] = "";
  PetscBool help;

  PetscFunctionBeginUser;
  PetscCall(PdennHelpRequested(&help));
  if (help) PetscFunctionReturn(0);
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  for (PetscInt i = 0; i < n && !why[0]; i++) {
    PetscCall(UnreadReason(cmp, names[i], why, sizeof(why)));
    if (why[0]) PetscCall(PetscSNPrintf(key, sizeof(key), "-%s", names[i]));
  }
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(!why[0], cmp->comm, PDENN_ERR_INPUT, "key %s is not used because %s; remove the key", key, why);
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareSetFromOptions(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  PetscCall(PdennCompareDetectDim(cmp));
  PetscCall(PdennDiffusionSetFromOptions(cmp->pde));
  PetscOptionsBegin(cmp->comm, NULL, "pdenn_compare: the experiment (docs/results.md)", NULL);
  PetscCall(DataOptions(PetscOptionsObject, cmp));
  PetscCall(MethodListOption(PetscOptionsObject, "-compare_classical", "Comma list of classical solvers: method names (explicit, fed, fsi, semi_implicit, implicit_fixed_point, implicit_newton) or names with -<name>_method; each reads -<name>_<key> over the shared keys", cmp->classical, &cmp->nclassical));
  PetscCall(MethodListOption(PetscOptionsObject, "-compare_learned", "Comma list of network names; each reads -<name>_<key> (model and training keys, e.g. -sym_model_type sym_resnet -sym_train_lr 1e-2) over the shared keys", cmp->learned, &cmp->nlearned));
  PetscCall(OutputOptions(PetscOptionsObject, cmp));
  PetscOptionsEnd();
  PetscCall(SignalOptions(cmp));
  PetscCheck(cmp->pde->dim == 1 || AllGiven(cmp), cmp->comm, PDENN_ERR_INPUT, "key -dim: value %" PetscInt_FMT ": pdenn_compare takes images from files only; expected -compare_train_data, -compare_val_data and -compare_test_data image sets (samples x H x W, e.g. /usr/bin/python3 apps/pdenn_images.py patches -o data/patches)", cmp->pde->dim);
  PetscCheck(cmp->pde->dim < 3, cmp->comm, PDENN_ERR_INPUT, "key -dim: value 3: pdenn_compare runs on signals (1) and images (2); expected -dim 1 or 2");
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
