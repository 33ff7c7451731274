/* Parameter counts of every model against the closed formulas of docs/networks.md ("Parameter
   counting"), kw = 2r + 1, A = act_nodes for the trainable activation (0 otherwise):
   sym_resnet, fsi_resnet: n M kw weights, n steps, n A table values; resnet: 2 n M kw weights,
   n (M + 1) biases, n A; recurrent: M kw, 1, A; unet: 2 M kw + 2 L nu M^2 kw + 2 (L-1) M^2 kw
   weights, 2 L nu M biases, 2 L nu A; mg_unet: M kw + L nu M^2 kw + (L-1) M^2 kw, L nu M, L nu A.
   Each kind from PdennModelGetParameterCounts and the total from PdennModelGetNumParameters, for
   several (n, M, r, A, L, nu). Exact integers. */
#include <pdenn/nn.h>

typedef struct {
  const char *type;
  PetscInt    n, M, r, A, L, nu; /* blocks or iterations; channels; radius; nodes; levels; smoothers */
} Config;

/* The closed formula: weights, biases, steps, activation values */
static void Formula(const Config *c, PetscInt count[4])
{
  const PetscInt kw = 2 * c->r + 1, M = c->M, n = c->n, L = c->L, nu = c->nu, A = c->A;
  PetscBool      is;

  count[0] = count[1] = count[2] = count[3] = -1;
  if ((PetscStrcmp(c->type, "sym_resnet", &is), is) || (PetscStrcmp(c->type, "fsi_resnet", &is), is)) {
    count[0] = n * M * kw, count[1] = 0, count[2] = n, count[3] = n * A;
  } else if (PetscStrcmp(c->type, "resnet", &is), is) {
    count[0] = 2 * n * M * kw, count[1] = n * (M + 1), count[2] = 0, count[3] = n * A;
  } else if (PetscStrcmp(c->type, "recurrent", &is), is) {
    count[0] = M * kw, count[1] = 0, count[2] = 1, count[3] = A;
  } else if (PetscStrcmp(c->type, "unet", &is), is) {
    count[0] = 2 * M * kw + 2 * L * nu * M * M * kw + 2 * (L - 1) * M * M * kw, count[1] = 2 * L * nu * M, count[2] = 0, count[3] = 2 * L * nu * A;
  } else if (PetscStrcmp(c->type, "mg_unet", &is), is) {
    count[0] = M * kw + L * nu * M * M * kw + (L - 1) * M * M * kw, count[1] = L * nu * M, count[2] = 0, count[3] = L * nu * A;
  }
}

static PetscErrorCode CheckConfig(const Config *c)
{
  const char  *kinds[4] = {"weights", "biases", "step sizes", "activation values"};
  PetscOptions options;
  PdennModel   model;
  PetscInt     want[4], got[4], total;
  char         opts[512];

  PetscFunctionBeginUser;
  Formula(c, want);
  PetscCall(PetscSNPrintf(opts, sizeof(opts), "-p_model_type %s -p_blocks %d -p_iterations %d -p_levels %d -p_smoothing_steps %d -p_channels %d -p_kernel_radius %d -p_activation %s -p_act_nodes %d", c->type, (int)c->n, (int)c->n, (int)c->L, (int)c->nu, (int)c->M, (int)c->r, c->A ? "trainable" : "tanh", (int)PetscMax(c->A, 2)));
  PetscCall(PetscOptionsCreate(&options));
  PetscCall(PetscOptionsInsertString(options, opts));
  PetscCall(PetscOptionsPush(options));
  PetscCall(PdennModelCreate(PETSC_COMM_WORLD, "p_", &model));
  PetscCall(PdennModelSetFromOptions(model));
  PetscCall(PdennModelSetUp(model, 64));
  PetscCall(PetscOptionsPop());
  PetscCall(PetscOptionsDestroy(&options));
  PetscCall(PdennModelGetParameterCounts(model, &got[0], &got[1], &got[2], &got[3]));
  PetscCall(PdennModelGetNumParameters(model, &total));
  for (PetscInt k = 0; k < 4; k++) PetscCheck(got[k] == want[k], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s (n %d, M %d, r %d, A %d, L %d, nu %d): %" PetscInt_FMT " %s, formula %" PetscInt_FMT, c->type, (int)c->n, (int)c->M, (int)c->r, (int)c->A, (int)c->L, (int)c->nu, got[k], kinds[k], want[k]);
  PetscCheck(total == want[0] + want[1] + want[2] + want[3], PETSC_COMM_WORLD, PETSC_ERR_PLIB, "%s: %" PetscInt_FMT " parameters in all, formula %" PetscInt_FMT, c->type, total, want[0] + want[1] + want[2] + want[3]);
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "%-10s n %d M %d r %d A %d L %d nu %d: %5" PetscInt_FMT " = %" PetscInt_FMT " + %" PetscInt_FMT " + %" PetscInt_FMT " + %" PetscInt_FMT "\n", c->type, (int)c->n, (int)c->M, (int)c->r, (int)c->A, (int)c->L, (int)c->nu, total, got[0], got[1], got[2], got[3]));
  PetscCall(PdennModelDestroy(&model));
  PetscFunctionReturn(0);
}

static PetscErrorCode Run(void)
{
  const char  *stacks[4] = {"sym_resnet", "fsi_resnet", "resnet", "recurrent"};
  const Config shapes[3] = {
      {NULL, 3, 4, 1, 0, 1, 1},
      {NULL, 5, 2, 3, 7, 1, 1},
      {NULL, 1, 6, 2, 4, 1, 1}};
  const Config unets[4] = {
      {NULL, 1, 4, 1, 0, 3, 2},
      {NULL, 1, 3, 2, 5, 2, 1},
      {NULL, 1, 2, 1, 4, 4, 3},
      {NULL, 1, 5, 3, 0, 1, 2}};

  PetscFunctionBeginUser;
  for (PetscInt t = 0; t < 4; t++)
    for (PetscInt s = 0; s < 3; s++) {
      Config c = shapes[s];
      c.type   = stacks[t];
      PetscCall(CheckConfig(&c));
    }
  for (PetscInt t = 0; t < 2; t++)
    for (PetscInt s = 0; s < 4; s++) {
      Config c = unets[s];
      c.type   = t ? "mg_unet" : "unet";
      PetscCall(CheckConfig(&c));
    }
  PetscCall(PetscPrintf(PETSC_COMM_WORLD, "parameter counts agree with the formulas\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscCall(PdennInitialize(&argc, &argv, NULL));
  return PdennFinalize(Run());
}
