/**
 * @file rfot.h
 * @brief (placeholder, filled by the rfot work)
 */
#ifndef LIBVOIGTSPIN_RFOT_H
#define LIBVOIGTSPIN_RFOT_H

#include <libvoigtspin/common.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
