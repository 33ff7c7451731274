/* The experiment's tables: summary.csv (one row per method, machine-readable; an empty field is
   "not applicable") and summary.md (the same table for people, the -compare_pairs comparisons of
   claims 1 and 2, and the shape of every learned activation). Written by rank 0. */
#include "compareh5.h"
#include <stdio.h>
#include <stddef.h>
#include <string.h>

/* a real, or empty when not applicable (NaN) */
static void Field(FILE *f, const char fmt[], PetscReal v, const char sep[])
{
  if (!PetscIsNanReal(v)) fprintf(f, fmt, (double)v);
  fputs(sep, f);
}

static PetscErrorCode WriteCSV(PdennCompare cmp, FILE *f)
{
  const PetscBool images = (PetscBool)(cmp->pde->dim > 1); /* a last column test_ssim */

  PetscFunctionBeginUser;
  fprintf(f, "method,kind,what,parameters,train_seconds,epochs,seconds_per_sample,test_mse,test_psnr_db,max_gain_test,max_gain_stress,steps_per_sample,solver_its_per_sample,worst_gain,worst_input_scale%s\n", images ? ",test_ssim" : "");
  for (PetscInt i = 0; i < cmp->nmethods; i++) {
    const PdennCompareMethod *m       = &cmp->methods[i];
    const PetscBool           learned = (PetscBool)(m->kind == PDENN_KIND_LEARNED);
    fprintf(f, "%s,%s,%s,%" PetscInt_FMT ",", m->name, PdennMethodKinds[m->kind], m->what, m->nparams);
    Field(f, "%.6f", learned ? m->train_seconds : NAN, ",");
    Field(f, "%.0f", learned ? (PetscReal)m->epochs : NAN, ",");
    Field(f, "%.6e", m->kind == PDENN_KIND_BASELINE ? NAN : m->seconds_per_sample, ",");
    Field(f, "%.12e", m->test.mse, ",");
    Field(f, "%.9f", m->test.psnr, ",");
    Field(f, "%.12f", m->test.max_gain, ",");
    Field(f, "%.12f", m->stress.max_gain, ",");
    Field(f, "%.3f", m->steps_per_sample, ",");
    Field(f, "%.3f", m->linear_its_per_sample, ",");
    Field(f, "%.12f", learned ? m->worst_gain : NAN, ",");
    Field(f, "%.6g", learned ? m->worst_scale : NAN, images ? "," : "\n");
    if (images) Field(f, "%.9f", m->ssim, "\n");
  }
  PetscFunctionReturn(0);
}

static void MDField(FILE *f, const char fmt[], PetscReal v)
{
  if (PetscIsNanReal(v))
    fputs(" - |", f);
  else {
    fputc(' ', f);
    fprintf(f, fmt, (double)v);
    fputs(" |", f);
  }
}

static PetscErrorCode WriteTable(PdennCompare cmp, FILE *f)
{
  const PetscBool images = (PetscBool)(cmp->pde->dim > 1);

  PetscFunctionBeginUser;
  fprintf(f, "| method | kind | what | parameters | training (s) | time per sample (s) | test MSE | PSNR (dB) | max gain, test | max gain, stress | steps per sample | solver its per sample | worst-case gain | its input / data norm |%s\n", images ? " SSIM |" : "");
  fprintf(f, "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |%s\n", images ? " ---: |" : "");
  for (PetscInt i = 0; i < cmp->nmethods; i++) {
    const PdennCompareMethod *m       = &cmp->methods[i];
    const PetscBool           learned = (PetscBool)(m->kind == PDENN_KIND_LEARNED);
    fprintf(f, "| %s | %s | %s | %" PetscInt_FMT " |", m->name, PdennMethodKinds[m->kind], m->what, m->nparams);
    MDField(f, "%.1f", learned ? m->train_seconds : NAN);
    MDField(f, "%.3e", m->kind == PDENN_KIND_BASELINE ? NAN : m->seconds_per_sample);
    MDField(f, "%.4e", m->test.mse);
    MDField(f, "%.2f", m->test.psnr);
    MDField(f, "%.6f", m->test.max_gain);
    MDField(f, "%.6f", m->stress.max_gain);
    MDField(f, "%.1f", m->steps_per_sample);
    MDField(f, "%.1f", m->linear_its_per_sample);
    MDField(f, "%.6f", learned ? m->worst_gain : NAN);
    MDField(f, "%.3g", learned ? m->worst_scale : NAN);
    if (images) MDField(f, "%.4f", m->ssim);
    fputc('\n', f);
  }
  PetscFunctionReturn(0);
}

static const PdennCompareMethod *FindMethod(PdennCompare cmp, const char name[])
{
  for (PetscInt i = 0; i < cmp->nmethods; i++)
    if (!strcmp(cmp->methods[i].name, name)) return &cmp->methods[i];
  return NULL;
}

/* -compare_pairs a:b,...: parameter budget, test error and stability side by side */
static PetscErrorCode WritePairs(PdennCompare cmp, FILE *f)
{
  char pairs[256], *save = NULL, *tok;

  PetscFunctionBeginUser;
  if (!cmp->pairs[0]) PetscFunctionReturn(0);
  fprintf(f, "\n## Pairs (-compare_pairs)\n\n");
  PetscCall(PetscStrncpy(pairs, cmp->pairs, sizeof(pairs)));
  for (tok = strtok_r(pairs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char                     *colon = strchr(tok, ':');
    const PdennCompareMethod *a, *b;
    if (!colon) continue;
    *colon = '\0';
    a      = FindMethod(cmp, tok);
    b      = FindMethod(cmp, colon + 1);
    if (!a || !b) continue;
    fprintf(f, "- **%s vs %s**: parameters %" PetscInt_FMT " vs %" PetscInt_FMT " (ratio %.3f); test MSE %.4e vs %.4e (ratio %.3f, %s lower); max gain on stress inputs %.6f vs %.6f\n", a->name, b->name, a->nparams, b->nparams, b->nparams ? (double)a->nparams / (double)b->nparams : 0.0, (double)a->test.mse, (double)b->test.mse, (double)(a->test.mse / b->test.mse), a->test.mse <= b->test.mse ? a->name : b->name, (double)a->stress.max_gain, (double)b->stress.max_gain);
  }
  PetscFunctionReturn(0);
}

/* The shape of each learned activation: where phi peaks and how far it falls after the peak
   (a fall of more than 10% = nonmonotone, the forward-backward flux that keeps edges). */
static PetscErrorCode WriteActivations(PdennCompare cmp, FILE *f)
{
  PetscBool any = PETSC_FALSE;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < cmp->nmethods; i++) {
    const PdennCompareMethod *m = &cmp->methods[i];
    for (PetscInt c = 0; c < m->n_curves; c++) {
      const PdennCompareCurve *cv   = &m->curves[c];
      PetscInt                 peak = 0;
      for (PetscInt j = 1; j < cv->n; j++)
        if (cv->phi[j] > cv->phi[peak]) peak = j;
      if (!any) fprintf(f, "\n## Learned activations phi(s) (plots: activations.png)\n\n");
      any = PETSC_TRUE;
      fprintf(f, "- %s %s: peak phi = %.4g at s = %.4g%s; phi(s_end = %.4g) = %.1f%% of the peak: %s\n", m->name, cv->label, (double)cv->phi[peak], (double)cv->s[peak], cv->s_relative ? " act_smax" : "", (double)cv->s[cv->n - 1], cv->phi[peak] > 0 ? 100.0 * (double)(cv->phi[cv->n - 1] / cv->phi[peak]) : 0.0, cv->phi[peak] > 0 && cv->phi[cv->n - 1] < 0.9 * cv->phi[peak] ? "nonmonotone (forward-backward, edge-preserving)" : "monotone on this range");
    }
  }
  PetscFunctionReturn(0);
}

/* A file's own attributes on one line, without those that describe pdenn's bookkeeping rather
   than the data (checksum scheme, version, the task datasets added by data.c). */
static void WriteAttrs(FILE *f, const char attrs[])
{
  static const char *const skip[] = {"rng=", "pdenn_version=", "task=", "input_is="};
  const char              *line   = attrs;
  PetscBool                first  = PETSC_TRUE;

  for (; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    const int len  = (int)(strchr(line, '\n') ? strchr(line, '\n') - line : (ptrdiff_t)strlen(line));
    PetscBool keep = PETSC_TRUE;
    for (size_t k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
      if (!strncmp(line, skip[k], strlen(skip[k]))) keep = PETSC_FALSE;
    if (!keep) continue;
    fprintf(f, "%s%.*s", first ? "" : ", ", len, line);
    first = PETSC_FALSE;
  }
  if (first) fputs("(none)", f);
}

/* Each data set as its file describes it (datainfo.c), never as the deck's generator keys. */
static PetscErrorCode WriteData(PdennCompare cmp, FILE *f)
{
  PetscFunctionBeginUser;
  fprintf(f, "- data (as read from data/*.h5):\n");
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++) {
    const PdennCompareDataInfo *d = &cmp->info[s];
    if (d->file[0])
      fprintf(f, "  - %s: file `%s`", PdennSplits[s], d->file);
    else
      fprintf(f, "  - %s: generated by this run", PdennSplits[s]);
    fprintf(f, ", %" PetscInt_FMT " samples of N = %" PetscInt_FMT "; clean signals in [%.6g, %.6g], standard deviation %.6g; ", d->samples, d->N, (double)d->clean_min, (double)d->clean_max, (double)d->clean_std);
    if (d->has_sigma)
      fprintf(f, "noise sigma %.6g (recorded); ", (double)d->sigma);
    else
      fprintf(f, "no noise sigma recorded; ");
    fprintf(f, "attributes: ");
    WriteAttrs(f, d->attrs);
    fputc('\n', f);
  }
  fprintf(f, "- PSNR peak %.6g: %s\n", (double)cmp->peak, cmp->peak_from);
  fprintf(f, "- stress inputs: clean test signals + Gaussian noise of sigma %.6g (%s)\n\n", (double)cmp->stress_sigma, cmp->stress_from);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteMarkdown(PdennCompare cmp, FILE *f)
{
  PetscFunctionBeginUser;
  fprintf(f, "# pdenn_compare: %s\n\n", cmp->experiment);
  fprintf(f, "- deck: `%s`, %d MPI ranks\n", cmp->deck[0] ? cmp->deck : "(command line)", (int)cmp->size);
  fprintf(f, "- task: %s, input: %s signal, ground truth: %s\n", PdennCompareTasks[cmp->task], cmp->input_clean ? "clean" : "noisy", cmp->task == PDENN_TASK_DENOISE ? "the clean signal" : cmp->task == PDENN_TASK_DIFFUSION ? "explicit reference solver, tau = tau_max / -compare_reference_refine"
                                                                                                                                                                                                                              : "semi-implicit step solved by KSP to rtol 1e-13");
  fprintf(f, "- diffusion: N = %" PetscInt_FMT ", h = %g, order %" PetscInt_FMT ", flux %s, lambda = %g, t_stop = %g\n", cmp->pde->N, (double)cmp->pde->h, cmp->pde->order, PdennFluxTypes[cmp->pde->flux.type], (double)cmp->pde->flux.lambda, (double)cmp->base->t_stop);
  PetscCall(WriteData(cmp, f));
  PetscCall(WriteTable(cmp, f));
  fprintf(f, "\nMSE and PSNR (peak %.6g, above) against the ground truth over the test set; max gain = largest ||output|| / ||input|| (<= 1: Euclidean stable); worst-case gain = the largest found by gradient ascent on ||f(x)||/||x|| (-compare_worst_*, docs/results.md); time per sample = wall time of the whole test set / samples on all ranks; training time summed over the runs that trained the checkpoint.\n", (double)cmp->peak);
  if (cmp->pde->dim > 1) fprintf(f, "\nImages of %" PetscInt_FMT " x %" PetscInt_FMT " (W x H): N above is W H. SSIM: mean over the test images of SSIM(output, ground truth) with 7 x 7 uniform windows, sample covariances, K1 = 0.01, K2 = 0.03, L = the PSNR peak (skimage.metrics.structural_similarity's default). images.png: per test image, the ground truth, the input and every method, and below each its error |output - ground truth| (black 0, white the largest shown).\n", cmp->pde->M[0], cmp->pde->M[1]);
  PetscCall(WritePairs(cmp, f));
  PetscCall(WriteActivations(cmp, f));
  fprintf(f, "\n## Files\n\nsummary.csv, results.h5 (every test output, loss histories, parameters, the deck), data/*.h5, checkpoints/*.h5, *.png (apps/pdenn_plots.py)\n");
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteFile(PdennCompare cmp, const char rel[], PetscErrorCode (*fn)(PdennCompare, FILE *))
{
  char           path[PETSC_MAX_PATH_LEN];
  FILE          *f    = NULL;
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(PdennComparePath(cmp, rel, path, sizeof(path)));
  PetscCall(PdennCompareSerialBegin());
  if (!cmp->rank) {
    f = fopen(path, "w");
    if (!f) ierr = PETSC_ERR_FILE_OPEN;
    if (!ierr) ierr = fn(cmp, f);
    if (f && fclose(f) && !ierr) ierr = PETSC_ERR_FILE_WRITE;
  }
  PetscCall(PdennCompareSerialEnd(cmp->comm, ierr, "writing", path));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareWriteSummary(PdennCompare cmp)
{
  PetscFunctionBeginUser;
  PetscCall(WriteFile(cmp, "summary.csv", WriteCSV));
  PetscCall(WriteFile(cmp, "summary.md", WriteMarkdown));
  PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: wrote %s/summary.md and %s/summary.csv\n", cmp->dir, cmp->dir));
  PetscFunctionReturn(0);
}
