#!/bin/sh
# The exact command that generated data/vocab/anatomy.csv (see data/vocab/SOURCES.md).
# UBERON=<folder holding the files below>, taken from obophenotype/uberon:
#   subsets/*-minimal.obo, appendicular-ext.obo, efo-slim.obo at commit 6072d071e (the 2022-02-21 release),
#   musculoskeletal.obo at the same commit, and src/ontology/bridge/uberon-bridge-to-{ma,ncit,sctid,aeo,ehdaa2,caro}.owl
#   at 52817eeaa (the 2026-04-01 release); mondo_uberon_import.obo is monarch-initiative/mondo imports/uberon_import.obo
#   (UBERON as imported for Mondo's 2021-08-03 release). With a full uberon.obo, pass it alone as the first --obo.
set -e
U=${UBERON:?set UBERON to the folder with the UBERON files}
exec python scripts/build_anatomy_subset.py \
  $(for n in musculoskeletal-minimal nervous-minimal circulatory-minimal digestive-minimal excretory-minimal \
             renal-minimal appendicular-minimal reproductive-minimal cranial-minimal sensory-minimal pulmonary-minimal \
             immune-minimal appendicular-ext efo-slim mondo_uberon_import musculoskeletal; do echo --obo "$U/$n.obo"; done) \
  $(for b in ma ncit sctid aeo ehdaa2 caro; do echo --bridge "$U/uberon-bridge-to-$b.owl"; done) \
  --seeds data/vocab/anatomy-seeds.csv --out data/vocab/anatomy.csv
