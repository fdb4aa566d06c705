/**
 * @file meanfield.h
 * @brief (placeholder, filled by the meanfield work)
 */
#ifndef LIBVOIGTSPIN_MEANFIELD_H
#define LIBVOIGTSPIN_MEANFIELD_H

#include <libvoigtspin/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
