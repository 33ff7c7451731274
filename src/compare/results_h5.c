/* results.h5 (layout in docs/results.md): the test set, every method's test outputs and
   figures, the networks' loss histories, parameters and activations, the classical fluxes for
   comparison, and the deck. Written by rank 0 to results.h5.tmp, then renamed. */
#include "compareh5.h"
#include <stdio.h>
#include <string.h>

/* The deck file's text, then the options in effect (deck and command line) */
static PetscErrorCode DeckText(PdennCompare cmp, char **text)
{
  char  *all, *deck = NULL;
  size_t len = 0, alen;
  FILE  *f   = cmp->deck[0] ? fopen(cmp->deck, "rb") : NULL;

  PetscFunctionBeginUser;
  if (f) {
    (void)fseek(f, 0, SEEK_END);
    len = (size_t)PetscMax(ftell(f), 0);
    (void)fseek(f, 0, SEEK_SET);
    PetscCall(PetscCalloc1(len + 1, &deck));
    len = fread(deck, 1, len, f);
    (void)fclose(f);
  }
  PetscCall(PetscOptionsGetAll(NULL, &all));
  PetscCall(PetscStrlen(all, &alen));
  PetscCall(PetscMalloc1(len + alen + 256, text));
  PetscCall(PetscSNPrintf(*text, len + alen + 256, "# deck %s\n%s\n# options in effect (deck and command line):\n%s\n", cmp->deck[0] ? cmp->deck : "(none)", deck ? deck : "", all));
  PetscCall(PetscFree(deck));
  PetscCall(PetscFree(all));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteHeader(PdennCompare cmp, hid_t file)
{
  char           names[PDENN_COMPARE_MAX_METHODS * (PDENN_COMPARE_NAME_LEN + 1)] = "", *text;
  const PetscInt n                                                               = cmp->ntest;

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < cmp->nmethods; i++) {
    if (i) PetscCall(PetscStrlcat(names, ",", sizeof(names)));
    PetscCall(PetscStrlcat(names, cmp->methods[i].name, sizeof(names)));
  }
  PetscCall(PdennCompareH5AttrString(file, ".", "methods", names));
  PetscCall(PdennCompareH5AttrString(file, ".", "experiment", cmp->experiment));
  PetscCall(PdennCompareH5AttrString(file, ".", "task", PdennCompareTasks[cmp->task]));
  PetscCall(PdennCompareH5AttrString(file, ".", "input_is", cmp->input_clean ? "clean" : "noisy"));
  PetscCall(PdennCompareH5AttrString(file, ".", "flux", PdennFluxTypes[cmp->pde->flux.type]));
  PetscCall(PdennCompareH5AttrReal(file, ".", "lambda", cmp->pde->flux.lambda));
  PetscCall(PdennCompareH5AttrReal(file, ".", "h", cmp->pde->h));
  PetscCall(PdennCompareH5AttrInt(file, ".", "order", cmp->pde->order));
  PetscCall(PdennCompareH5AttrReal(file, ".", "t_stop", cmp->base->t_stop));
  PetscCall(PdennCompareH5AttrInt(file, ".", "N", cmp->N));
  if (cmp->pde->dim > 1) PetscCall(PdennCompareH5AttrInt(file, ".", "dim", cmp->pde->dim));
  if (cmp->pde->dim > 1) PetscCall(PdennCompareH5AttrInt(file, ".", "W", cmp->pde->M[0]));
  if (cmp->pde->dim > 1) PetscCall(PdennCompareH5AttrInt(file, ".", "H", cmp->pde->M[1]));
  PetscCall(PdennCompareH5AttrInt(file, ".", "ranks", cmp->size));
  PetscCall(PdennCompareH5AttrString(file, ".", "pdenn_version", PDENN_VERSION));
  PetscCall(DeckText(cmp, &text));
  PetscCall(PdennCompareH5WriteText(file, "deck", text));
  PetscCall(PetscFree(text));
  PetscCall(PdennCompareH5WriteRows(cmp, file, "test/input", n, cmp->test_input));
  PetscCall(PdennCompareH5WriteRows(cmp, file, "test/target", n, cmp->test_target));
  PetscCall(PdennCompareH5WriteRows(cmp, file, "test/clean", n, cmp->test_clean));
  PetscCall(PdennCompareH5WriteRows(cmp, file, "test/noisy", n, cmp->test_noisy));
  PetscCall(PdennCompareH5WriteRows(cmp, file, "test/stress_input", n, cmp->stress_input));
  PetscFunctionReturn(0);
}

/* The data each set held (datainfo.c) and the PSNR peak and stress noise chosen from them. */
static PetscErrorCode WriteDataInfo(PdennCompare cmp, hid_t file)
{
  char g[64];

  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5AttrReal(file, ".", "psnr_peak", cmp->peak));
  PetscCall(PdennCompareH5AttrString(file, ".", "psnr_peak_from", cmp->peak_from));
  PetscCall(PdennCompareH5AttrReal(file, ".", "test_target_min", cmp->target_min));
  PetscCall(PdennCompareH5AttrReal(file, ".", "test_target_max", cmp->target_max));
  PetscCall(PdennCompareH5AttrReal(file, ".", "stress_sigma", cmp->stress_sigma));
  PetscCall(PdennCompareH5AttrString(file, ".", "stress_sigma_from", cmp->stress_from));
  for (PetscInt s = 0; s < PDENN_SPLIT_N; s++) {
    const PdennCompareDataInfo *d = &cmp->info[s];
    PetscCall(PetscSNPrintf(g, sizeof(g), "data/%s", PdennSplits[s]));
    PetscCall(PdennCompareH5Group(file, g));
    PetscCall(PdennCompareH5AttrString(file, g, "file", d->file[0] ? d->file : "generated"));
    PetscCall(PdennCompareH5AttrInt(file, g, "samples", d->samples));
    PetscCall(PdennCompareH5AttrInt(file, g, "N", d->N));
    PetscCall(PdennCompareH5AttrReal(file, g, "clean_min", d->clean_min));
    PetscCall(PdennCompareH5AttrReal(file, g, "clean_max", d->clean_max));
    PetscCall(PdennCompareH5AttrReal(file, g, "clean_std", d->clean_std));
    PetscCall(PdennCompareH5AttrReal(file, g, "gradient_rms", d->grad_rms));
    if (d->has_sigma) PetscCall(PdennCompareH5AttrReal(file, g, "sigma", d->sigma));
    PetscCall(PdennCompareH5AttrString(file, g, "attributes", d->attrs));
  }
  PetscFunctionReturn(0);
}

/* The classical fluxes Phi(s) with lambda = 1 on s in [0, 4], to draw learned activations against */
static PetscErrorCode WriteFluxes(hid_t file)
{
  enum { NS = 201 };
  PetscReal s[NS], phi[NS];
  char      name[64];

  PetscFunctionBeginUser;
  for (PetscInt i = 0; i < NS; i++) s[i] = 4.0 * i / (NS - 1);
  PetscCall(PdennCompareH5WriteArray(file, "fluxes/s", 0, NS, s));
  for (PetscInt t = PDENN_FLUX_LINEAR; t <= PDENN_FLUX_WEICKERT; t++) {
    PdennFlux flux = {(PdennFluxType)t, 1.0};
    PetscCall(PdennFluxApply(flux, NS, s, phi, NULL));
    PetscCall(PetscSNPrintf(name, sizeof(name), "fluxes/%s", PdennFluxTypes[t]));
    PetscCall(PdennCompareH5WriteArray(file, name, 0, NS, phi));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteFigures(hid_t file, const char g[], const PdennCompareMethod *m)
{
  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5AttrString(file, g, "kind", PdennMethodKinds[m->kind]));
  PetscCall(PdennCompareH5AttrString(file, g, "what", m->what));
  PetscCall(PdennCompareH5AttrInt(file, g, "parameters", m->nparams));
  PetscCall(PdennCompareH5AttrReal(file, g, "train_seconds", m->train_seconds));
  PetscCall(PdennCompareH5AttrInt(file, g, "epochs", m->epochs));
  PetscCall(PdennCompareH5AttrReal(file, g, "seconds_per_sample", m->seconds_per_sample));
  PetscCall(PdennCompareH5AttrReal(file, g, "test_mse", m->test.mse));
  PetscCall(PdennCompareH5AttrReal(file, g, "test_psnr_db", m->test.psnr));
  PetscCall(PdennCompareH5AttrReal(file, g, "max_gain_test", m->test.max_gain));
  PetscCall(PdennCompareH5AttrReal(file, g, "max_gain_stress", m->stress.max_gain));
  PetscCall(PdennCompareH5AttrReal(file, g, "steps_per_sample", m->steps_per_sample));
  PetscCall(PdennCompareH5AttrReal(file, g, "solver_its_per_sample", m->linear_its_per_sample));
  if (!PetscIsNanReal(m->ssim)) PetscCall(PdennCompareH5AttrReal(file, g, "test_ssim", m->ssim));
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteLearned(hid_t file, const char g[], const PdennCompareMethod *m)
{
  char name[512];

  PetscFunctionBeginUser;
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/train_loss", g));
  PetscCall(PdennCompareH5WriteArray(file, name, 0, (hsize_t)m->n_epochs_hist, m->train_loss));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/val_loss", g));
  PetscCall(PdennCompareH5WriteArray(file, name, 0, (hsize_t)m->n_epochs_hist, m->val_loss));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/step_loss", g));
  PetscCall(PdennCompareH5WriteArray(file, name, 0, (hsize_t)m->n_steps_hist, m->step_loss));
  PetscCall(PetscSNPrintf(name, sizeof(name), "%s/theta", g));
  PetscCall(PdennCompareH5WriteArray(file, name, 0, (hsize_t)m->nparams, m->theta));
  for (PetscInt k = 0; k < m->n_groups; k++) {
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/parameters/%s", g, m->group_names[k]));
    PetscCall(PdennCompareH5WriteArray(file, name, 0, (hsize_t)m->group_size[k], m->theta + m->group_offset[k]));
  }
  for (PetscInt c = 0; c < m->n_curves; c++) {
    const PdennCompareCurve *cv = &m->curves[c];
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/activations/%s/s", g, cv->label));
    PetscCall(PdennCompareH5WriteArray(file, name, 0, (hsize_t)cv->n, cv->s));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/activations/%s/phi", g, cv->label));
    PetscCall(PdennCompareH5WriteArray(file, name, 0, (hsize_t)cv->n, cv->phi));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/activations/%s", g, cv->label));
    PetscCall(PdennCompareH5AttrString(file, name, "s_units", cv->s_relative ? "act_smax" : "absolute"));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteAll(PdennCompare cmp, const char path[])
{
  hid_t file = -1;
  char  g[PDENN_COMPARE_NAME_LEN + 16], name[PDENN_COMPARE_NAME_LEN + 32];

  PetscFunctionBeginUser;
  PetscCall(PdennCompareH5Open(path, PETSC_TRUE, &file));
  PetscCall(WriteHeader(cmp, file));
  PetscCall(WriteDataInfo(cmp, file));
  PetscCall(WriteFluxes(file));
  for (PetscInt i = 0; i < cmp->nmethods; i++) {
    const PdennCompareMethod *m = &cmp->methods[i];
    PetscCall(PetscSNPrintf(g, sizeof(g), "methods/%s", m->name));
    PetscCall(PetscSNPrintf(name, sizeof(name), "%s/output", g));
    PetscCall(PdennCompareH5WriteRows(cmp, file, name, cmp->ntest, m->output));
    PetscCall(WriteFigures(file, g, m));
    if (m->kind == PDENN_KIND_LEARNED) PetscCall(WriteLearned(file, g, m));
  }
  PetscCall(PdennCompareH5Close(&file));
  PetscFunctionReturn(0);
}

PetscErrorCode PdennCompareWriteH5(PdennCompare cmp)
{
  char           path[PETSC_MAX_PATH_LEN], tmp[PETSC_MAX_PATH_LEN];
  PetscErrorCode ierr = 0;

  PetscFunctionBeginUser;
  PetscCall(PdennComparePath(cmp, "results.h5", path, sizeof(path)));
  PetscCall(PdennTmpPath(path, tmp, sizeof(tmp)));
  PetscCall(PdennCompareSerialBegin());
  if (!cmp->rank) ierr = WriteAll(cmp, tmp);
  if (ierr) PetscCall(PdennTmpRemove(PETSC_COMM_SELF, path));
  PetscCall(PdennCompareSerialEnd(cmp->comm, ierr, "writing", path));
  PetscCall(PdennTmpCommit(cmp->comm, path));
  PetscCall(PetscPrintf(cmp->comm, "pdenn_compare: wrote %s\n", path));
  PetscFunctionReturn(0);
}
