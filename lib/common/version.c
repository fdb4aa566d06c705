/* Run-time version query (README "Promises": version macros and vs_version()). */
#include "common/internal.h"

VS_API int vs_version(void)
{
    return VS_VERSION_NUMBER;
}

VS_API const char *vs_version_string(void)
{
    return VS_VERSION_STRING;
}
