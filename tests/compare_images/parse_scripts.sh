#!/usr/bin/env bash
# bash -n on every script given: they parse (the image decks' scripts; the decks they run are
# tested end to end by the cmp_images_* runs).
for s in "$@"; do
  bash -n "$s" || { echo "parse_scripts: $s does not parse"; exit 1; }
done
echo "scripts parse ($# scripts)"
