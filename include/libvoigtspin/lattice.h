/**
 * @file lattice.h
 * @brief (placeholder, filled by the lattice work)
 */
#ifndef LIBVOIGTSPIN_LATTICE_H
#define LIBVOIGTSPIN_LATTICE_H

#include <libvoigtspin/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
