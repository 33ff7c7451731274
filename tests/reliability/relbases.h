/* Reliability tests: the valid decks that the fuzzing campaign mutates, one per solver method
   and several networks, small enough that a valid case runs in milliseconds. @DATA@ is the
   signal set of the campaign (N = 64, 20 samples), @DIR@ its work directory.
   "app" decks add the keys that only the apps read (-input, -output, ...): they are for runs of
   the real executables; the in-process driver calls the library, which reads the others. */
#pragma once

typedef struct {
  const char *name;
  const char *app; /* pdenn_solve or pdenn_train */
  const char *text;
  const char *app_text; /* appended for runs of the real app */
} RelBaseDeck;

#define REL_SOLVE_COMMON                                                        \
  "# a fuzzing base deck: a small problem on a generated signal\n"              \
  "-N 64\n-h 1\n-order 1\n-flux perona_malik\n-lambda 0.1\n-monitor_every -1\n" \
  "-signals_type mixed\n-signals_samples 4\n-signals_pieces 3\n-signals_sigma 0.1\n-signals_seed 7\n"
#define REL_SOLVE_APP "-input_sample 1\n-output @DIR@/fuzz_out.h5\n-force\n"
#define REL_TRAIN_COMMON                                                                \
  "# a fuzzing base deck: a few steps of a small network\n"                             \
  "-train_data @DATA@\n-train_val_fraction 0.2\n-train_epochs 2\n-train_batch_size 4\n" \
  "-train_max_steps 3\n-train_seed 3\n-train_init_seed 5\n-train_loss mse\n"            \
  "-checkpoint @DIR@/fuzz_ck.h5\n-force\n-checkpoint_every 1\n-checkpoint_every_epochs 1\n"

static const RelBaseDeck RelBases[] = {
    {"explicit", "pdenn_solve", REL_SOLVE_COMMON "-method explicit\n-t_stop 2\n-tau 0\n-allow_unstable false\n", REL_SOLVE_APP},
    {"fed", "pdenn_solve", REL_SOLVE_COMMON "-method fed\n-t_stop 5\n-cycles 2\n-fed_freeze true\n", REL_SOLVE_APP},
    {"fsi", "pdenn_solve", REL_SOLVE_COMMON "-method fsi\n-t_stop 5\n-cycles 2\n", REL_SOLVE_APP},
    {"semi_implicit", "pdenn_solve", REL_SOLVE_COMMON "-method semi_implicit\n-t_stop 4\n-tau 1\n-ksp_type cg\n-pc_type jacobi\n-ksp_rtol 1e-10\n-ksp_max_it 200\n", REL_SOLVE_APP},
    {"fixed_point", "pdenn_solve", REL_SOLVE_COMMON "-method implicit_fixed_point\n-t_stop 1\n-fixed_point_max_it 30\n-fixed_point_rtol 1e-10\n", REL_SOLVE_APP},
    {"newton", "pdenn_solve", REL_SOLVE_COMMON "-method implicit_newton\n-t_stop 2\n-tau 1\n-snes_rtol 1e-8\n-snes_max_it 10\n", REL_SOLVE_APP},
    {"fourth_order", "pdenn_solve", "-N 64\n-h 1\n-order 2\n-flux charbonnier\n-lambda 0.5\n-method explicit\n-t_stop 0.5\n-monitor_every -1\n-signals_type smooth\n-signals_pieces 2\n", REL_SOLVE_APP},
    {"image_explicit", "pdenn_solve", "# a fuzzing base deck: a small generated image\n-dim 2\n-Nx 19\n-Ny 13\n-h 1\n-order 1\n-flux perona_malik\n-lambda 0.1\n-method explicit\n-t_stop 2\n-monitor_every -1\n", "-images_type cartoon\n-images_shapes 3\n-images_sigma 0.1\n-images_seed 4\n" REL_SOLVE_APP},
    {"image_semi_mg", "pdenn_solve", "# a fuzzing base deck: a small generated image, multigrid\n-dim 2\n-Nx 17\n-Ny 17\n-order 1\n-flux charbonnier\n-lambda 0.2\n-method semi_implicit\n-t_stop 4\n-tau 2\n-ksp_type cg\n-pc_type mg\n-ksp_rtol 1e-8\n-monitor_every -1\n", "-images_type ramp\n-images_shapes 2\n" REL_SOLVE_APP},
    {"volume_fsi", "pdenn_solve", "# a fuzzing base deck: a small generated volume\n-dim 3\n-N 9\n-Nz 7\n-order 2\n-flux perona_malik\n-lambda 0.5\n-method fsi\n-t_stop 0.2\n-cycles 2\n-monitor_every -1\n", REL_SOLVE_APP},
    {"from_file", "pdenn_solve", "-N 64\n-method fsi\n-t_stop 3\n-monitor_every -1\n", "-input @DATA@\n-input_dataset noisy\n-input_sample 2\n-reference @DATA@\n-reference_dataset clean\n-output @DIR@/fuzz_out.h5\n-force\n"},
    {"sym_resnet", "pdenn_train", REL_TRAIN_COMMON "-train_optimizer adam\n-train_lr 0.01\n-train_lr_schedule cosine\n-train_lr_min 1e-4\n-model_type sym_resnet\n-blocks 2\n-channels 2\n-kernel_radius 1\n-activation trainable\n-act_nodes 8\n", ""},
    {"resnet", "pdenn_train", REL_TRAIN_COMMON "-train_optimizer sgd\n-train_momentum 0.9\n-train_lr 0.001\n-train_lr_schedule step\n-train_lr_decay_every 1\n-train_lr_decay_factor 0.5\n-model_type resnet\n-blocks 2\n-channels 2\n-activation relu\n", ""},
    {"unet", "pdenn_train", REL_TRAIN_COMMON "-train_optimizer adam\n-train_lr 0.001\n-train_weight_decay 1e-4\n-model_type unet\n-levels 2\n-smoothing_steps 1\n-channels 2\n-activation perona_malik\n-act_lambda 0.2\n", ""},
    {"recurrent", "pdenn_train", REL_TRAIN_COMMON "-train_loss rel_l2\n-train_optimizer adam\n-train_lr 0.001\n-model_type recurrent\n-iterations 2\n-channels 2\n-bc zero\n", ""},
};
#define REL_NBASES ((int)(sizeof(RelBases) / sizeof(RelBases[0])))
