/* Aether: the end of a batch kernel template (see lanes_def.h). */

#undef LN
#undef VF
#undef VD
#undef VI
#undef VL
#undef vf_load
#undef vf_store
#undef vd_load
#undef vd_store
#undef vf_splat
#undef vd_splat
#undef vf_sel
#undef vd_sel
#undef vi_sel
#undef vl_bits
#undef vi_bits
#undef vd_of_vf
#undef vf_of_vd
#undef lanes_gather
#undef lanes_transpose
#undef LANES_SHUFFLE
#undef SHUF
#undef lanes_scatter
#undef lanes_gather_param
#undef LANES
