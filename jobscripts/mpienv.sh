# Sourced by pdenn's scripts: lets Open MPI run as root (containers, CI) and with more ranks
# than cores. Harmless for ordinary users and for other MPIs.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
