#!/usr/bin/env bash
# A real image denoised by every classical method at 1, 2 and 4 MPI ranks, in one command:
# set-up (setup.sh), the camera image of python3-skimage imported with Gaussian noise sigma 0.1
# (data/camera.h5; another image: IMAGE=skimage:coins bash jobscripts/images_solve.sh), then
# pdenn_solve on input/solve_image.deck with each method; the ranks' results are compared
# (explicit-type methods bitwise, KSP/SNES solves to 1e-10) and a table of PSNR against the clean
# image printed. Results and PNGs: results/images_solve/. Extra arguments go to pdenn_solve.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$top/jobscripts/setup.sh"
source "$top/jobscripts/mpienv.sh"
build=${PDENN_BUILD_DIR:-$top/build}
image=${IMAGE:-skimage:camera}
cd "$top"
mkdir -p data results/images_solve
data=data/$(echo "${image#*:}" | tr -c 'A-Za-z0-9_\n' _).h5
[ -f "$data" ] || /usr/bin/python3 apps/pdenn_images.py import "$image" -o "$data" --sigma 0.1 --seed 1
printf '%-22s %-8s %6s %10s %9s %s\n' method ranks steps "PSNR [dB]" "wall [s]" agreement
for spec in "explicit 0" "fed 0" "fsi 0" "implicit_fixed_point 0" \
            "semi_implicit 1e-10 -ksp_type cg -pc_type mg -ksp_rtol 1e-12" \
            "implicit_newton 1e-10 -snes_rtol 1e-12 -ksp_rtol 1e-12"; do
  read -r method tol opts <<<"$spec"
  outs=()
  for np in 1 2 4; do
    out=results/images_solve/${method}_np$np.h5
    # shellcheck disable=SC2086
    mpirun --oversubscribe -n $np "$build/apps/pdenn_solve" -options_file input/solve_image.deck \
      -input "$data" -reference "$data" -method "$method" $opts -output "$out" "$@" > "$out.log"
    outs+=("$out")
    rms=$(sed -n 's/^  error_rms: //p' "$out.log")
    printf '%-22s %-8s %6s %10.2f %9.2f\n' "$method" "$np" "$(sed -n 's/^  steps: //p' "$out.log")" \
      "$(awk -v r="$rms" 'BEGIN { print 20 * log(1 / r) / log(10) }')" "$(sed -n 's/^  wall_s: //p' "$out.log")"
  done
  /usr/bin/python3 tests/pde_grid/check_outputs_equal.py --tol "$tol" "${outs[@]}" | head -1
done
